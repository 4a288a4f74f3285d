/**
 * Access tokens as JWTs (RFC 9068), bound to the one protected resource, verified locally.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.2 data structure
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4 validating
 */
import { randomCredential } from '../crypto/secrets.js';
import type { TokenKeys } from './tokenKeys.js';
import type { GrantOrganization } from '../grants/grant.js';
import { organizationClaims, type OrganizationClaims } from '../policy/organizationClaims.js';

export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** What an access token says, beyond RFC 9068's claims: the grant and Clerk session behind it. */
export interface AccessTokenGrant {
  userId: string;
  clientId: string;
  scopes: readonly string[];
  /** Clerk session id the grant is bound to (`sid`): the downstream helper mints from it. */
  sessionId: string;
  /** Grant id (`gid`): revoking the grant revokes every access token carrying it. */
  grantId: string;
  authTime: number;
  /** The organization fixed in the grant (option `organizations`): `org_id`, `org_slug`, `org_role`, … */
  organization?: GrantOrganization;
}

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  auth_time: number;
  sid: string;
  gid: string;
  org_id?: string;
  org_name?: string;
  org_slug?: string;
  org_role?: string;
  org_permissions?: string[];
}

/** Issues a signed access token; returns it with its `jti` and lifetime. */
export async function issueAccessToken(
  keys: TokenKeys,
  grant: AccessTokenGrant,
  context: { issuer: string; resource: string; lifetime: number; now: number },
): Promise<{ token: string; claims: AccessTokenClaims }> {
  const claims: AccessTokenClaims = {
    iss: context.issuer,
    sub: grant.userId,
    aud: context.resource,
    client_id: grant.clientId,
    scope: grant.scopes.join(' '),
    iat: context.now,
    exp: context.now + context.lifetime,
    jti: randomCredential(16),
    auth_time: grant.authTime,
    sid: grant.sessionId,
    gid: grant.grantId,
    ...(grant.organization ? (organizationClaims(grant.organization) satisfies OrganizationClaims) : {}),
  };
  return { token: await keys.sign({ ...claims }, ACCESS_TOKEN_TYPE), claims };
}

/**
 * Access tokens that verified, by their exact text, per key set. An MCP client sends the same access token with
 * every request for its lifetime, and an RS256 verification through WebCrypto costs ~200 µs of CPU: most of the
 * bearer check (`npm run bench`). A hit still checks `exp`, `iss` and `aud` against the request's context, and
 * the caller still checks revocation on every request; the key set of a {@link TokenKeys} never changes, so a
 * signature that verified stays verified. Bounded: past the limit the oldest entry goes first.
 */
const VERIFIED_TOKENS_LIMIT = 10_000;
const verifiedTokens = new WeakMap<TokenKeys, Map<string, Readonly<AccessTokenClaims>>>();

/**
 * Verifies an access token of ours: signature, `typ`, `iss`, `aud` = resource, `exp` (RFC 9068 §4).
 * Rejects with jose's errors; the caller maps them to `invalid_token`.
 */
export async function verifyAccessToken(
  keys: TokenKeys,
  token: string,
  context: { issuer: string; resource: string },
): Promise<AccessTokenClaims> {
  let verified = verifiedTokens.get(keys);
  const known = verified?.get(token);
  // jose's rule: expired when exp <= now (no clock tolerance); an expired hit is verified again to get its error.
  if (known && known.iss === context.issuer && known.aud === context.resource && known.exp > Math.floor(Date.now() / 1000)) return known;

  const { payload } = await keys.verify(token, {
    issuer: context.issuer,
    audience: context.resource,
    typ: ACCESS_TOKEN_TYPE,
    requiredClaims: ['sub', 'client_id', 'scope', 'exp', 'iat', 'jti', 'sid', 'gid'],
  });
  const claims = Object.freeze(payload as unknown as AccessTokenClaims);
  if (!verified) verifiedTokens.set(keys, (verified = new Map()));
  verified.delete(token);
  if (verified.size >= VERIFIED_TOKENS_LIMIT) verified.delete(verified.keys().next().value!);
  verified.set(token, claims);
  return claims;
}
