/**
 * The instance signing key: the RS256 key pair that signs session and template tokens, published at BAPI
 * `GET /v1/jwks` and handed to `clerkMiddleware({ jwtKey })` as PEM.
 *
 * @see https://clerk.com/docs/guides/sessions/manual-jwt-verification
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-4 (JWK members)
 */
import { exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { clerkId } from './ids.js';

export interface InstanceKey {
  /** Clerk names instance keys after the instance (`ins_…`); tokens carry it as header `kid`. */
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public key as served in the JWKS (`use: sig`, `alg: RS256`, `kid`). */
  readonly publicJwk: JWK;
  /** SPKI PEM of the public key: `CLERK_JWT_KEY` for networkless verification. */
  readonly pem: string;
}

/**
 * A fresh 2048-bit RS256 key. `@clerk/backend` turns a `jwtKey` PEM into a JWK by slicing the SPKI of a 2048-bit key
 * with exponent 65537 (`loadClerkJwkFromPem`), so neither may change.
 * @see https://github.com/clerk/javascript/blob/main/packages/backend/src/tokens/keys.ts
 */
export async function createInstanceKey(): Promise<InstanceKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = clerkId('ins');
  const jwk = await exportJWK(publicKey);
  return {
    kid,
    privateKey,
    publicJwk: { use: 'sig', kty: jwk.kty, kid, alg: 'RS256', n: jwk.n, e: jwk.e },
    pem: await exportSPKI(publicKey),
  };
}
