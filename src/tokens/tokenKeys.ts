/**
 * Our key set at work: signs with the current key, verifies against every published key, locally (no
 * network per request). One instance per issuer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515 JWS
 */
import { createLocalJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyOptions } from 'jose';
import type { LoadedSigningKeys } from '../keys/jwkSet.js';

export class TokenKeys {
  readonly #keys: LoadedSigningKeys;
  readonly #verificationKeys: ReturnType<typeof createLocalJWKSet>;

  constructor(keys: LoadedSigningKeys) {
    this.#keys = keys;
    this.#verificationKeys = createLocalJWKSet(keys.publicJwks);
  }

  get publicJwks() {
    return this.#keys.publicJwks;
  }

  get algorithms() {
    return this.#keys.algorithms;
  }

  /** Raw signer material, only for deriving purpose-bound server secrets. */
  get secret(): Uint8Array {
    return this.#keys.signerSecret;
  }

  /** Raw material of every key, signer first: a MAC made under the first is accepted under any (rotation overlap). */
  get secrets(): Uint8Array[] {
    return this.#keys.secrets;
  }

  /** Signs `payload` with the current key; `typ` goes in the protected header with the key's `kid`. */
  sign(payload: JWTPayload, typ: string): Promise<string> {
    const { kid, alg, key } = this.#keys.signer;
    return new SignJWT(payload).setProtectedHeader({ alg, kid, typ }).sign(key);
  }

  /** Verifies a JWT signed by any published key of ours. */
  verify(token: string, options: JWTVerifyOptions) {
    return jwtVerify(token, this.#verificationKeys, { algorithms: this.#keys.algorithms, ...options });
  }
}
