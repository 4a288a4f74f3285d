/**
 * A JWT access token's envelope: `iss` is the issuer, `aud` the MCP URL. Clients treat access tokens as opaque,
 * but a resource server validating an RFC 9068 token checks both — and a facade that hands out a Clerk id_token
 * as the access token (the seed's case) shows up here with Clerk's `iss`. Opaque tokens are not inspected.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4 validating JWT access tokens
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 audience = the resource
 */
import { fail, pass, show, warn, type Finding } from '../finding.js';
import { looksLikeClerk } from './authorizationServerMetadata.js';
import { decodeJws } from './idToken.js';

export interface AccessTokenExpectations {
  issuer: string;
  resource: string;
}

/** Findings for a JWT access token; empty for an opaque one. */
export function checkAccessTokenClaims(token: string, expect: AccessTokenExpectations): Finding[] {
  const decoded = decodeJws(token);
  if (!decoded) return [];
  const { iss, aud } = decoded.claims;
  const findings: Finding[] = [];
  if (iss === expect.issuer) findings.push(pass('access_token.iss', `iss ${show(iss)}`));
  else {
    const clerk = typeof iss === 'string' && looksLikeClerk(iss) ? " — a Clerk token handed out as the MCP access token (token passthrough)" : '';
    findings.push(
      fail('access_token.iss', `iss ${show(iss)} is not the issuer ${show(expect.issuer)}${clerk}`, {
        fix: 'mint access tokens yourself (RFC 9068: iss = your issuer, aud = the MCP URL) and keep Clerk tokens server-side',
      }),
    );
  }
  const audiences = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
  findings.push(
    audiences.includes(expect.resource)
      ? pass('access_token.aud', `aud ${show(aud)}`)
      : warn('access_token.aud', `aud ${show(aud)} does not name the MCP URL ${show(expect.resource)}; the MCP spec requires the server to check the audience`, {
          fix: 'set aud to the resource the client requested (RFC 8707)',
        }),
  );
  return findings;
}
