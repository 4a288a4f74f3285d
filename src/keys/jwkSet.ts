/**
 * Our signing keys as a private JWK set: the first key signs, every key is published at `jwks_uri`, so a
 * rotation overlaps (add → publish → promote → retire after the longest token lifetime).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5 JWK Set
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys OIDC key rotation
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** Signature algorithms the kit signs with. RS256 is the OIDC default every client must support. */
export const SIGNING_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** A private JWK as stored in configuration: always carries `kid`, `alg` and `use: "sig"`. */
export type PrivateJwk = JWK & { kid: string; alg: SigningAlgorithm; use: 'sig' };
export interface PrivateJwkSet {
  keys: PrivateJwk[];
}
/** The document served at `jwks_uri`: public members only. */
export interface PublicJwkSet {
  keys: JWK[];
}

/** Members of a JWK that are private key material (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** A configuration error about keys: says what to fix. */
export class KeySetError extends Error {
  readonly code = 'ERR_KEY_SET';
}

/**
 * Generates one private signing JWK. The `kid` is the RFC 7638 thumbprint, so it is stable and unique.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7638 JWK Thumbprint
 */
export async function generateSigningKey(alg: SigningAlgorithm = 'RS256'): Promise<PrivateJwk> {
  if (!SIGNING_ALGORITHMS.includes(alg)) {
    throw new KeySetError(`unsupported signing algorithm "${alg}"; use one of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' };
}

/** The public half of a private JWK, with `kid`, `alg` and `use` kept. */
export function toPublicJwk(jwk: JWK): JWK {
  const pub: JWK = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete (pub as Record<string, unknown>)[member];
  delete (pub as Record<string, unknown>).key_ops;
  delete (pub as Record<string, unknown>).ext;
  return pub;
}

/** The JWK set that `jwks_uri` serves: every configured key, public members only. */
export function toPublicJwkSet(set: PrivateJwkSet): PublicJwkSet {
  return { keys: set.keys.map(toPublicJwk) };
}

/**
 * Parses and checks a private JWK set from configuration (an object or its JSON text).
 * Fails with a {@link KeySetError} naming the key and the fix; never echoes key material.
 */
export function parsePrivateJwkSet(input: PrivateJwkSet | string): PrivateJwkSet {
  let set: unknown = input;
  if (typeof input === 'string') {
    try {
      set = JSON.parse(input);
    } catch {
      throw new KeySetError('signing keys: not valid JSON; expected a private JWK set {"keys":[...]} (see `clerk-mcp-issuer keys generate`)');
    }
  }
  const keys = (set as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new KeySetError('signing keys: expected a private JWK set {"keys":[...]} with at least one key (see `clerk-mcp-issuer keys generate`)');
  }
  const kids = new Set<string>();
  keys.forEach((key: Record<string, unknown>, i) => {
    const where = `signing keys: key #${i}${typeof key?.kid === 'string' ? ` (kid "${key.kid}")` : ''}`;
    if (!key || typeof key !== 'object') throw new KeySetError(`${where} is not a JWK object`);
    if (typeof key.kid !== 'string' || key.kid === '') throw new KeySetError(`${where} has no "kid"`);
    if (kids.has(key.kid)) throw new KeySetError(`${where} repeats a "kid"; every key needs its own`);
    kids.add(key.kid);
    if (!SIGNING_ALGORITHMS.includes(key.alg as SigningAlgorithm)) {
      throw new KeySetError(`${where} needs "alg" set to one of ${SIGNING_ALGORITHMS.join(', ')}`);
    }
    if (key.use !== undefined && key.use !== 'sig') throw new KeySetError(`${where} has "use" other than "sig"`);
    if (typeof key.d !== 'string') throw new KeySetError(`${where} is a public key; the set must hold private keys (member "d")`);
    if (key.kty === 'RSA' && typeof key.n === 'string' && Buffer.from(key.n, 'base64url').length * 8 < 2048) {
      throw new KeySetError(`${where} is an RSA key under 2048 bits; generate a 2048-bit or larger key`);
    }
  });
  return { keys: keys.map((k) => ({ ...k, use: 'sig' })) as PrivateJwk[] };
}

/** The signing side of a loaded key set: what the token endpoint needs. */
export interface LoadedSigningKeys {
  /** The key that signs new tokens (the first of the set). */
  signer: { kid: string; alg: SigningAlgorithm; key: CryptoKey | Uint8Array };
  /** Every key, public only: served at `jwks_uri` and used for local verification. */
  publicJwks: PublicJwkSet;
  /** Algorithms of the published keys, for `id_token_signing_alg_values_supported`. */
  algorithms: SigningAlgorithm[];
  /** Raw private key material of the signer, for deriving server-side secrets (never logged). */
  signerSecret: Uint8Array;
  /**
   * Raw private key material of every key, signer first. Server-side MACs (refresh successors, consent CSRF) are
   * made with the signer's and accepted under any key's, so they survive a promotion as tokens do: mid-rollout,
   * instances that sign with different keys still accept each other's.
   */
  secrets: Uint8Array[];
}

/** Imports a private JWK set: checks it, imports the signer with jose, derives the published set. */
export async function loadSigningKeys(input: PrivateJwkSet | string): Promise<LoadedSigningKeys> {
  const set = parsePrivateJwkSet(input);
  const first = set.keys[0];
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK(first, first.alg);
  } catch (cause) {
    throw new KeySetError(`signing keys: key "${first.kid}" cannot be imported as ${first.alg}: ${(cause as Error).message}`);
  }
  const algorithms = [...new Set(set.keys.map((k) => k.alg))];
  const secrets = set.keys.map((k) => new Uint8Array(Buffer.from(String(k.d), 'base64url')));
  return {
    signer: { kid: first.kid, alg: first.alg, key: key as CryptoKey | Uint8Array },
    publicJwks: toPublicJwkSet(set),
    algorithms,
    signerSecret: secrets[0],
    secrets,
  };
}

/** A new set with `key` in front (it signs from now on); the old keys stay published. */
export function rotateKeySet(set: PrivateJwkSet, key: PrivateJwk): PrivateJwkSet {
  return { keys: [key, ...set.keys.filter((k) => k.kid !== key.kid)] };
}

/**
 * A new set with `key` published but not signing (last). With several instances this is the first step of a
 * rotation: every instance must publish a key before any instance signs with it.
 */
export function publishKey(set: PrivateJwkSet, key: PrivateJwk): PrivateJwkSet {
  return { keys: [...set.keys.filter((k) => k.kid !== key.kid), key] };
}

/** A new set where the published key `kid` signs (moved in front); every other key stays published. */
export function promoteKey(set: PrivateJwkSet, kid: string): PrivateJwkSet {
  const key = set.keys.find((k) => k.kid === kid);
  if (!key) throw new KeySetError(`no key with kid ${kid} in the set (kids: ${set.keys.map((k) => k.kid).join(', ')}); publish it first`);
  return rotateKeySet(set, key);
}

/**
 * A new set without the given keys (default: every key but the signer). The signer is never retired: a set
 * must keep a key that signs.
 */
export function retireKeys(set: PrivateJwkSet, kids?: string[]): PrivateJwkSet {
  const signer = set.keys[0];
  const drop = new Set(kids ?? set.keys.slice(1).map((k) => k.kid));
  if (drop.has(signer.kid)) throw new KeySetError(`key "${signer.kid}" signs new tokens; rotate before retiring it`);
  return { keys: set.keys.filter((k) => !drop.has(k.kid)) };
}
