/**
 * An id_token's claims against what the client knows: `iss` is the issuer from discovery, `aud` the client_id,
 * `nonce` the one it sent, `exp` ahead, `alg` one the metadata lists. This is where a forwarded Clerk id_token
 * fails (kernel-mcp-server#101): its `iss` is Clerk's Frontend API. The signature is checked by the walker
 * (it needs `jwks_uri`); this file stays pure.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import { fail, pass, show, warn, type Finding } from '../finding.js';
import { looksLikeClerk } from './authorizationServerMetadata.js';

export interface IdTokenExpectations {
  issuer: string;
  /** The expected audience; unchecked when undefined (a captured token without --client-id). */
  clientId?: string;
  /** The nonce of the authorization request; unchecked when undefined. */
  nonce?: string;
  /** A token from a file (offline): expiry is history, not a failure. */
  captured: boolean;
  /** The metadata's `id_token_signing_alg_values_supported`. */
  algs?: unknown;
  /** Seconds since the epoch (injected so tests freeze the clock). */
  now: number;
}

/** oauth4webapi's default clock tolerance. */
const TOLERANCE_SECONDS = 30;
/** Claims oauth4webapi requires in every id_token. */
const REQUIRED_CLAIMS = ['aud', 'exp', 'iat', 'iss', 'sub'] as const;

export interface DecodedJwt {
  header: ProtectedHeaderParameters;
  claims: JWTPayload;
}

/** Decodes without verifying; undefined when it is not a compact JWS. */
export function decodeJws(jwt: string): DecodedJwt | undefined {
  if (jwt.split('.').length !== 3) return undefined;
  try {
    return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    return undefined;
  }
}

export function checkIdTokenClaims(jwt: string, expect: IdTokenExpectations): Finding[] {
  const decoded = decodeJws(jwt);
  if (!decoded) {
    const encrypted = jwt.split('.').length === 5 ? ' (it is a JWE; clients need a decryption key they do not have)' : '';
    return [fail('id_token.present', `the id_token is not a signed JWT${encrypted}`, { fix: 'issue the id_token as a compact JWS (RS256)' })];
  }
  const { header, claims } = decoded;
  const findings: Finding[] = [];
  const missing = REQUIRED_CLAIMS.filter((c) => claims[c] === undefined);
  findings.push(
    missing.length === 0
      ? pass('id_token.present', `id_token with ${REQUIRED_CLAIMS.join(', ')}`)
      : fail('id_token.present', `missing claim${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; oauth4webapi: JWT "${missing[0]}" claim missing`, { fix: 'include iss, sub, aud, exp and iat' }),
  );
  findings.push(checkIss(claims.iss, expect.issuer));
  if (expect.clientId !== undefined) findings.push(checkAud(claims, expect.clientId));
  if (expect.nonce !== undefined) findings.push(checkNonce(claims.nonce, expect.nonce));
  findings.push(checkTimes(claims, expect));
  findings.push(checkAlg(header, expect.algs));
  return findings;
}

function checkIss(iss: unknown, issuer: string): Finding {
  if (iss === issuer) return pass('id_token.iss', `iss ${show(iss)}`);
  const clerk = typeof iss === 'string' && looksLikeClerk(iss) ? " — a Clerk-signed id_token forwarded to the client (Clerk sets iss to its Frontend API; a JWT template cannot change it)" : '';
  return fail('id_token.iss', `iss ${show(iss)} is not the issuer ${show(issuer)}${clerk}. oauth4webapi / openid-client: unexpected JWT "iss" (issuer) claim value`, {
    fix: 'issue the id_token yourself: iss = your issuer, aud = client_id, the authorization request\'s nonce, signed with your key at your jwks_uri; never forward Clerk\'s id_token',
  });
}

function checkAud(claims: JWTPayload, clientId: string): Finding {
  const { aud, azp } = claims;
  const fix = 'set aud to the client_id (a single string)';
  if (aud === clientId) return pass('id_token.aud', `aud ${show(aud)}`);
  if (Array.isArray(aud) && aud.includes(clientId)) {
    if (aud.length === 1) return pass('id_token.aud', `aud ${show(aud)}`);
    if (azp === clientId) return pass('id_token.aud', `aud ${show(aud)} with azp ${show(azp)}`);
    return fail('id_token.aud', `aud ${show(aud)} has other audiences and azp is ${show(azp)}; oauth4webapi: ID Token "aud" (audience) claim includes additional untrusted audiences`, { fix });
  }
  return fail('id_token.aud', `aud ${show(aud)} is not the client_id ${show(clientId)}; oauth4webapi: unexpected JWT "aud" (audience) claim value`, { fix });
}

function checkNonce(nonce: unknown, expected: string): Finding {
  if (nonce === expected) return pass('id_token.nonce', 'nonce is the one sent');
  return fail('id_token.nonce', `nonce ${show(nonce)} is not the ${show(expected)} of the authorization request; oauth4webapi: unexpected ID Token "nonce" claim value`, {
    fix: 'bind the authorization request\'s nonce to the code and put exactly that value in the id_token (Clerk cannot: mint the id_token yourself)',
  });
}

function checkTimes(claims: JWTPayload, expect: IdTokenExpectations): Finding {
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || typeof iat !== 'number') {
    return fail('id_token.exp', `exp ${show(exp)} and iat ${show(iat)} must be numbers`, { fix: 'send exp and iat as NumericDate (seconds)' });
  }
  if (exp > expect.now - TOLERANCE_SECONDS) return pass('id_token.exp', `expires in ${exp - expect.now} s`);
  const message = `expired ${expect.now - exp} s ago; oauth4webapi: unexpected JWT "exp" (expiration time) claim value, expiration is past current timestamp`;
  return expect.captured
    ? warn('id_token.exp', `${message} (a captured token: fine if it was valid when received)`, { fix: 'capture a fresh token to check it as a client would' })
    : fail('id_token.exp', message, { fix: 'give the id_token an exp well ahead of now (minutes, not seconds)' });
}

function checkAlg(header: ProtectedHeaderParameters, algs: unknown): Finding {
  const { alg } = header;
  if (header.crit !== undefined) return fail('id_token.alg', `crit header ${show(header.crit)}; oauth4webapi: no JWT "crit" header parameter extensions are supported`, { fix: 'drop crit' });
  if (alg === undefined || alg === 'none') return fail('id_token.alg', `alg ${show(alg)}: an id_token must be signed`, { fix: 'sign with RS256' });
  const allowed = Array.isArray(algs) ? algs : ['RS256'];
  if (allowed.includes(alg)) return pass('id_token.alg', `alg ${alg}${Array.isArray(algs) ? '' : ' (the default RS256)'}`);
  return fail('id_token.alg', `alg ${show(alg)} is not in ${Array.isArray(algs) ? `id_token_signing_alg_values_supported ${show(algs)}` : 'the default [RS256] (the metadata lists no algorithms)'}; oauth4webapi: unexpected JWT "alg" header parameter`, {
    fix: 'list the algorithm you sign with in id_token_signing_alg_values_supported',
  });
}
