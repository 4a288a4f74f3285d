/**
 * The OAuth steps as plain HTTP against an issuer URL, for tests that steer each step to an instance or cut the
 * store in the middle of one: register, authorize (through the test browser), exchange, refresh, revoke, and an
 * MCP tool call with the official SDK client. Each returns status and JSON so a test can assert refusals too.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { UserAgent } from './userAgent.js';

export const REDIRECT = 'http://127.0.0.1:53690/callback';
export const SCOPE = 'openid profile email mcp:tools';

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer<T>(res: Response): Promise<Answer<T>> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // an HTML page or empty body stays text
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  scope: string;
}

export async function register(issuerUrl: string): Promise<Answer<{ client_id: string; error?: string }>> {
  return answer(
    await fetch(`${issuerUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], client_name: 'redis test' }),
    }),
  );
}

export function authorizationUrl(issuerUrl: string, mcpUrl: string, clientId: string, verifier: string, state = 'st'): string {
  const url = new URL(`${issuerUrl}/authorize`);
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: SCOPE,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    resource: mcpUrl,
  }).toString();
  return url.href;
}

/** Walks the signed-in browser through consent; returns the code from the callback (asserting `iss`). */
export async function authorize(browser: UserAgent, issuerUrl: string, mcpUrl: string, clientId: string): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const callback = await browser.authorize(authorizationUrl(issuerUrl, mcpUrl, clientId, verifier));
  assert.ok(callback, `the browser reached the callback (last page: ${browser.lastPage?.status})`);
  assert.equal(callback.searchParams.get('iss'), issuerUrl);
  const code = callback.searchParams.get('code');
  assert.ok(code, `a code in ${callback.href}`);
  return { code, verifier };
}

async function token(issuerUrl: string, form: Record<string, string>): Promise<Answer<TokenSet & { error?: string }>> {
  return answer(await fetch(`${issuerUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) }));
}

export function exchange(issuerUrl: string, clientId: string, code: string, verifier: string) {
  return token(issuerUrl, { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: REDIRECT });
}

export function refresh(issuerUrl: string, clientId: string, refreshToken: string) {
  return token(issuerUrl, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
}

/** Calls the `whoami` tool with the access token; the status of the refusal when there is one. */
export async function whoami(mcpUrl: string, accessToken: string): Promise<{ status: number; userId?: string }> {
  const probe = await fetch(mcpUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
  });
  await probe.body?.cancel();
  // The bearer check answers before MCP does: a refusal is the probe's status.
  if (probe.status === 401 || probe.status === 403 || probe.status >= 500) return { status: probe.status };
  const client = new Client({ name: 'redis-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${accessToken}` } } }));
  try {
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const [content] = result.content as Array<{ text: string }>;
    return { status: 200, userId: (JSON.parse(content.text) as { userId: string }).userId };
  } finally {
    await client.close();
  }
}
