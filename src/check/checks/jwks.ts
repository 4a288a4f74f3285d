/**
 * The keys at `jwks_uri`: reachable, a JWK Set, and usable for verifying what the issuer signs — public keys
 * only, each with a distinct `kid` (oauth4webapi requires exactly one candidate key), RSA of 2048 bits or more.
 * And on the issuer's own origin: keys on Clerk's origin verify Clerk's tokens, not the issuer's.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5 JWK Set
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.3 RSA keys of 2048 bits or larger
 */
import { base64url, importJWK, type JWK } from 'jose';
import { fail, pass, show, warn, type Finding } from '../finding.js';
import type { HttpResult } from '../walk/http.js';
import { documentOutcome, type JsonObject } from './jsonDocument.js';
import { looksLikeClerk } from './authorizationServerMetadata.js';

export function checkJwksFetch(result: HttpResult, jwksUri: string): { finding: Finding; keys?: unknown[] } {
  const outcome = documentOutcome(result, { mediaTypes: ['application/json', 'application/jwk-set+json'] });
  if (!outcome.ok) {
    return { finding: fail('jwks.fetch', `jwks_uri ${jwksUri}: ${outcome.problem}; no signature from this issuer can be verified`, { url: jwksUri, fix: outcome.fix ?? 'serve the public JWK Set at jwks_uri' }) };
  }
  const keys = (outcome.document as JsonObject).keys;
  if (!Array.isArray(keys)) return { finding: fail('jwks.fetch', `jwks_uri ${jwksUri} has no "keys" array`, { url: jwksUri, fix: 'serve {"keys": [ … ]}' }) };
  return { finding: pass('jwks.fetch', `${keys.length} key${keys.length === 1 ? '' : 's'} at ${jwksUri}`, { url: jwksUri }), keys };
}

/** Members that are private key material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The algorithm to try a key with when it does not say (RFC 7518 defaults per key type). */
function algorithmFor(jwk: JWK): string | undefined {
  if (typeof jwk.alg === 'string') return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[jwk.crv ?? ''];
  if (jwk.kty === 'OKP') return 'EdDSA';
  return undefined;
}

export async function checkJwksKeys(keys: readonly unknown[], jwksUri: string): Promise<Finding> {
  const problems: string[] = [];
  const notes: string[] = [];
  const usable: string[] = [];
  const kids = new Map<string, number>();
  for (const [index, raw] of keys.entries()) {
    const jwk = raw as JWK;
    const name = typeof jwk?.kid === 'string' ? `kid ${show(jwk.kid)}` : `keys[${index}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${name} is not an object`);
      continue;
    }
    const leaked = PRIVATE_MEMBERS.filter((m) => m in jwk);
    if (leaked.length > 0) problems.push(`${name} publishes private key material (${leaked.join(', ')})`);
    if (jwk.use !== undefined && jwk.use !== 'sig') {
      notes.push(`${name} is use ${show(jwk.use)}, not a signing key`);
      continue;
    }
    if (typeof jwk.kid === 'string') kids.set(jwk.kid, (kids.get(jwk.kid) ?? 0) + 1);
    else notes.push(`${name} has no kid (with several keys, oauth4webapi cannot pick one)`);
    if (jwk.kty === 'RSA' && typeof jwk.n === 'string') {
      const bits = base64url.decode(jwk.n).length * 8;
      if (bits < 2048) {
        problems.push(`${name} is a ${bits}-bit RSA key; oauth4webapi refuses RSA keys under 2048 bits`);
        continue;
      }
    }
    const alg = algorithmFor(jwk);
    if (!alg) {
      problems.push(`${name}: key type ${show(jwk.kty)} has no signature algorithm`);
      continue;
    }
    try {
      await importJWK(publicPart(jwk), alg);
      usable.push(`${name} (${jwk.kty}, ${alg})`);
    } catch (error) {
      problems.push(`${name} cannot be imported for ${alg}: ${(error as Error).message}`);
    }
  }
  const duplicates = [...kids].filter(([, n]) => n > 1).map(([kid]) => kid);
  if (duplicates.length > 0) problems.push(`duplicate kid ${duplicates.map((k) => show(k)).join(', ')}`);
  if (usable.length === 0) problems.push('no usable signing key');
  const url = jwksUri;
  if (problems.length > 0) {
    return fail('jwks.keys', [...problems, ...notes].join('; '), { url, fix: 'publish the public half of every signing key, each with a distinct kid, alg and use "sig" (RSA ≥ 2048 bits)' });
  }
  if (notes.length > 0 && keys.length > 1) return warn('jwks.keys', `usable: ${usable.join(', ')}; ${notes.join('; ')}`, { url, fix: 'give every signing key a distinct kid' });
  return pass('jwks.keys', `usable: ${usable.join(', ')}`, { url });
}

function publicPart(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const m of PRIVATE_MEMBERS) delete copy[m];
  return copy as JWK;
}

/** The issuer's keys live with the issuer; Clerk's JWKS verifies Clerk's `iss`, never the issuer's tokens. */
export function checkJwksOrigin(jwksUri: string, issuer: string): Finding {
  const jwks = new URL(jwksUri);
  const iss = URL.canParse(issuer) ? new URL(issuer) : undefined;
  if (iss && jwks.origin === iss.origin) return pass('jwks.origin', `jwks_uri is on the issuer's origin ${iss.origin}`, { url: jwksUri });
  const clerk = looksLikeClerk(jwksUri) ? " — Clerk's keys: they verify tokens whose iss is Clerk's, so a client comparing iss with the issuer rejects them" : '';
  return warn('jwks.origin', `jwks_uri ${jwksUri} is on another origin than the issuer ${issuer}${clerk}`, {
    url: jwksUri,
    fix: 'sign id_tokens with your own key and publish it at <issuer>/.well-known/jwks.json',
  });
}
