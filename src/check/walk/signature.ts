/**
 * Verifies a JWT's signature against the keys at the metadata's `jwks_uri`, as a relying party doing
 * non-repudiation checks would (openid-client `enableNonRepudiationChecks`, Claude.ai). A forwarded Clerk token
 * fails here: its `kid` names Clerk's instance key, which the issuer's `jwks_uri` does not publish.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation step 6
 * @see https://github.com/panva/jose/blob/main/docs/jwks/remote/functions/createRemoteJWKSet.md
 */
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { fail, pass, type Finding } from '../finding.js';
import { insecureAllowed, type HttpPolicy } from './http.js';

export async function verifySignature(
  id: 'id_token.signature' | 'access_token.signature',
  token: string,
  jwksUri: string | undefined,
  policy: HttpPolicy,
): Promise<Finding> {
  const fix =
    id === 'id_token.signature'
      ? 'sign the id_token with your own key and publish its public half (same kid) at your jwks_uri'
      : 'sign access tokens with a key published at jwks_uri';
  if (!jwksUri || !URL.canParse(jwksUri)) return fail(id, `the metadata has no jwks_uri, so the signature cannot be verified`, { fix: 'advertise jwks_uri' });
  const url = new URL(jwksUri);
  if (!insecureAllowed(url, policy)) return fail(id, `only requests to HTTPS are allowed: ${jwksUri}`, { url: jwksUri, fix });
  const jwks = createRemoteJWKSet(url, { timeoutDuration: policy.timeoutMs });
  try {
    const { protectedHeader } = await jwtVerify(token, jwks);
    return pass(id, `verified with kid ${JSON.stringify(protectedHeader.kid)} (${protectedHeader.alg}) from ${jwksUri}`, { url: jwksUri });
  } catch (error) {
    // jose checks the signature before the claims: a claim error means the signature verified.
    if (error instanceof errors.JWTClaimValidationFailed || error instanceof errors.JWTExpired) {
      return pass(id, `signature verified with a key from ${jwksUri} (claims are judged separately)`, { url: jwksUri });
    }
    return fail(id, `not verifiable at ${jwksUri}: ${describe(error)}`, { url: jwksUri, fix });
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key there matches the token\'s kid and alg — it was signed with someone else\'s key (Clerk\'s instance key, when a Clerk token is forwarded)';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'several keys match and the token has no kid to choose one';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify with the key of that kid';
  if (error instanceof errors.JWKSTimeout) return 'jwks_uri timed out';
  if (error instanceof errors.JWKSInvalid) return 'jwks_uri does not serve a JWK Set';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return (error as Error).message;
  const err = error as Error & { cause?: { code?: string } };
  return err.cause?.code ? `${err.message} (${err.cause.code})` : (err.message ?? String(error));
}
