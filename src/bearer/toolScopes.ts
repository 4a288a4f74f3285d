/**
 * The HTTP side of per-tool scopes: a JSON-RPC pre-check of `tools/call` by tool name, run by the bearer
 * middleware before the MCP transport. It has to run there: a streamable HTTP transport answers 200 (and starts
 * its event stream) before a tool handler runs, so a handler can refuse a call but cannot turn it into the HTTP
 * 403 `insufficient_scope` that MCP clients step up on.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#scope-challenge-handling
 */
import { ConfigurationError } from '../config/options.js';
import { InsufficientScopeError } from './scopes.js';

/** Tool name → the scopes a `tools/call` of that tool requires, e.g. `{ delete_note: ['notes:write'] }`. */
export type ToolScopes = Record<string, readonly string[]>;

/** Checks the table at startup: every tool names at least one scope, each one the issuer offers. */
export function toolScopeTable(toolScopes: ToolScopes, offered: ReadonlyMap<string, string>): ReadonlyMap<string, readonly string[]> {
  const table = new Map<string, readonly string[]>();
  for (const [tool, scopes] of Object.entries(toolScopes)) {
    if (!Array.isArray(scopes) || scopes.length === 0) throw new ConfigurationError(`toolScopes.${tool}: name at least one scope`);
    for (const scope of scopes) {
      if (!offered.has(scope)) throw new ConfigurationError(`toolScopes.${tool}: "${scope}" is not a configured scope, so no client could be granted it`);
    }
    table.set(tool, [...scopes]);
  }
  return table;
}

/**
 * The refusal for the first `tools/call` in a JSON-RPC body (one message or a batch) whose tool requires a scope
 * the token lacks; undefined when every call may go on. Unknown tools and other methods pass: the MCP server
 * answers those.
 */
export function toolCallRefusal(body: unknown, table: ReadonlyMap<string, readonly string[]>, granted: readonly string[]): InsufficientScopeError | undefined {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    const { method, params } = message as { method?: unknown; params?: { name?: unknown } };
    if (method !== 'tools/call' || typeof params !== 'object' || params === null || typeof params.name !== 'string') continue;
    const required = table.get(params.name);
    const missing = required?.filter((scope) => !granted.includes(scope)) ?? [];
    if (required && missing.length > 0) return new InsufficientScopeError(required, `requires scope ${missing.join(' ')}`);
  }
  return undefined;
}
