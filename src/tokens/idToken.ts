/**
 * The id_token, issued by the kit itself: identity claims from the Clerk JWT template, envelope from us.
 * This is the fix: `iss` is our issuer and the signature verifies at our `jwks_uri` (SPEC §1).
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse refresh-time id_token
 */
import type { TokenKeys } from './tokenKeys.js';

export interface IdTokenInput {
  issuer: string;
  userId: string;
  clientId: string;
  authTime: number;
  /** Only when the authorization request had one; never on refresh. */
  nonce?: string;
  /** The template's claims, already stripped of everything the kit sets itself. */
  identityClaims: Record<string, unknown>;
  lifetime: number;
  now: number;
}

/** Signs an id_token: `aud` is the client_id as a single string, `auth_time` always present. */
export function issueIdToken(keys: TokenKeys, input: IdTokenInput): Promise<string> {
  return keys.sign(
    {
      ...input.identityClaims,
      iss: input.issuer,
      sub: input.userId,
      aud: input.clientId,
      iat: input.now,
      exp: input.now + input.lifetime,
      auth_time: input.authTime,
      ...(input.nonce !== undefined ? { nonce: input.nonce } : {}),
    },
    'JWT',
  );
}
