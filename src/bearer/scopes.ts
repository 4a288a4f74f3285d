/**
 * Scope rules at the MCP endpoint (SPEC §11): what every token must carry, and the per-tool check a tool
 * handler makes. A missing scope is `insufficient_scope` (HTTP 403 with a `scope` challenge), which lets an MCP
 * client step up: re-authorize with the challenged scope and retry.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 insufficient_scope
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#scope-challenge-handling
 */
import { OAuthError } from '../errors/oauthError.js';
import type { AuthInfoLike } from './authInfo.js';
import { ClerkAuthMissingError } from './clerkAuth.js';

/** `insufficient_scope`, with the scopes the refused operation requires (the challenge's `scope`). */
export class InsufficientScopeError extends OAuthError {
  /** What the operation requires: the `scope` of the 403 challenge. */
  readonly scopes: readonly string[];

  constructor(scopes: readonly string[], description = `requires scope ${scopes.join(' ')}`) {
    super('insufficient_scope', { description });
    this.name = 'InsufficientScopeError';
    this.scopes = [...scopes];
  }
}

/**
 * The per-tool check: throws {@link InsufficientScopeError} naming the scopes when the token lacks any of them.
 * Accepts `extra.authInfo` of either MCP SDK major. Declare the same scopes in `requireBearer({ toolScopes })`
 * so the endpoint answers HTTP 403 before the MCP transport starts its 200 response.
 *
 * @example
 * server.registerTool('delete_note', cfg, async (args, { authInfo }) => {
 *   requireScopes(authInfo, 'notes:write');
 *   …
 * });
 */
export function requireScopes(authInfo: AuthInfoLike | undefined, ...scopes: string[]): void {
  if (scopes.length === 0) throw new TypeError('requireScopes needs at least one scope');
  if (!authInfo) throw new ClerkAuthMissingError('requireScopes');
  const missing = scopes.filter((scope) => !authInfo.scopes.includes(scope));
  if (missing.length > 0) throw new InsufficientScopeError(scopes, `requires scope ${missing.join(' ')}`);
}

/** What the endpoint requires of every token, and what its challenges advertise. */
export interface EndpointScopes {
  /** The `scope` of the endpoint's 401 and 403 challenges. */
  challenge: readonly string[];
  /** The refusal for these granted scopes, or undefined when they suffice. */
  refuse(granted: readonly string[]): InsufficientScopeError | undefined;
}

/**
 * `required` undefined: at least one of the server's own scopes (tokens with only OIDC scopes are not MCP
 * tokens); `[]`: nothing (explicit opt-out); a list: each of them.
 */
export function endpointScopes(serverScopes: readonly string[], required: readonly string[] | undefined): EndpointScopes {
  if (required === undefined) {
    const description = serverScopes.length === 1 ? `requires scope ${serverScopes[0]}` : `requires one of the scopes ${serverScopes.join(' ')}`;
    return {
      challenge: serverScopes,
      refuse: (granted) =>
        serverScopes.length > 0 && !serverScopes.some((scope) => granted.includes(scope)) ? new InsufficientScopeError(serverScopes, description) : undefined,
    };
  }
  return {
    challenge: required.length > 0 ? required : serverScopes,
    refuse: (granted) => (required.every((scope) => granted.includes(scope)) ? undefined : new InsufficientScopeError(required)),
  };
}
