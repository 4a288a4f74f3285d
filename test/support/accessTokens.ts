/**
 * What every client suite asserts about the kit's access tokens (RFC 9068: `typ: at+jwt`, our `iss`, `aud` = the
 * MCP URL, the Clerk user and the client), and a way to spoil one so the bearer check refuses it.
 */
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';

export function assertKitAccessToken(token: string, expected: { issuer: string; resource: string; userId: string; clientId: string; scope?: string }): void {
  assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
  const claims = decodeJwt(token);
  assert.equal(claims.iss, expected.issuer);
  assert.equal(claims.aud, expected.resource);
  assert.equal(claims.sub, expected.userId);
  assert.equal(claims.client_id, expected.clientId);
  if (expected.scope !== undefined) assert.equal(claims.scope, expected.scope);
}

/** The same token with its signature's last characters changed: well-formed, but it no longer verifies. */
export function withBrokenSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  return `${header}.${payload}.${signature.slice(0, -4)}${signature.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
}
