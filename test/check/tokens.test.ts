import assert from 'node:assert/strict';
import { base64url, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { checkAccessTokenClaims } from '../../src/check/checks/accessToken.js';
import { checkIdTokenClaims } from '../../src/check/checks/idToken.js';
import { checkTokenResponse } from '../../src/check/checks/tokenResponse.js';

const ISSUER = 'https://mcp.example.com';
const MCP = 'https://mcp.example.com/mcp';
const CLERK = 'https://clerk.example.com';
/** A frozen clock: 2026-01-01T00:00:00Z. */
const NOW = 1_767_225_600;

const byId = <T extends { id: string }>(findings: T[]) => Object.fromEntries(findings.map((f) => [f.id, f]));

describe('check: tokens (RFC 6749 §5.1, OIDC Core §3.1.3.7, RFC 9068)', () => {
  let key: CryptoKey;
  const jwt = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header }).sign(key);
  const idClaims = { iss: ISSUER, sub: 'user_1', aud: 'client-1', iat: NOW - 10, exp: NOW + 3600, nonce: 'n-1' };
  const expect = { issuer: ISSUER, clientId: 'client-1', nonce: 'n-1', captured: false, algs: ['RS256'], now: NOW };
  before(async () => {
    ({ privateKey: key } = await generateKeyPair('RS256'));
  });

  describe('checkTokenResponse()', () => {
    const ok = { access_token: 'at', token_type: 'Bearer', expires_in: 3600, scope: 'openid' };
    const headers = new Headers({ 'cache-control': 'no-store', pragma: 'no-cache' });

    it('200, Bearer, expires_in a number, no-store: pass', () => {
      const { findings, body } = checkTokenResponse({ status: 200, headers, json: ok });
      assert.deepEqual(findings.map((f) => [f.id, f.status]), [['token.response', 'pass'], ['token.no_store', 'pass']]);
      assert.deepEqual(body, ok);
    });

    it('null members, an unknown token_type, a string expires_in: fail with oauth4webapi\'s reasons', () => {
      const { findings } = checkTokenResponse({ status: 200, headers, json: { ...ok, token_type: 'mac', expires_in: '3600', refresh_token: null } });
      assert.equal(findings[0].status, 'fail');
      assert.match(findings[0].message, /token_type is "mac" \(oauth4webapi: unsupported `token_type` value\)/);
      assert.match(findings[0].message, /expires_in is "3600"/);
      assert.match(findings[0].message, /refresh_token is null; omit it when not issued/);
    });

    it('no Cache-Control: no-store fails; an error status fails with the server\'s error', () => {
      assert.equal(checkTokenResponse({ status: 200, headers: new Headers(), json: ok }).findings[1].status, 'fail');
      const error = checkTokenResponse({ status: 400, headers, json: { error: 'invalid_grant' } }).findings;
      assert.equal(error.length, 1);
      assert.equal(error[0].message, 'HTTP 400: invalid_grant');
    });

    it('a captured body (no status, no headers) gets no no-store finding', () => {
      assert.deepEqual(checkTokenResponse({ json: ok }).findings.map((f) => f.id), ['token.response']);
    });
  });

  describe('checkIdTokenClaims()', () => {
    it('our iss, the client as aud, the nonce sent, exp ahead, RS256: pass', async () => {
      const findings = checkIdTokenClaims(await jwt(idClaims), expect);
      assert.deepEqual(findings.map((f) => [f.id, f.status]), [
        ['id_token.present', 'pass'],
        ['id_token.iss', 'pass'],
        ['id_token.aud', 'pass'],
        ['id_token.nonce', 'pass'],
        ['id_token.exp', 'pass'],
        ['id_token.alg', 'pass'],
      ]);
    });

    it('a forwarded Clerk id_token: iss and nonce fail with oauth4webapi\'s messages', async () => {
      const { nonce: _n, ...clerkClaims } = idClaims;
      const findings = byId(checkIdTokenClaims(await jwt({ ...clerkClaims, iss: CLERK }), expect));
      assert.equal(findings['id_token.iss'].status, 'fail');
      assert.match(findings['id_token.iss'].message, /^iss "https:\/\/clerk\.example\.com" is not the issuer "https:\/\/mcp\.example\.com" — a Clerk-signed id_token forwarded/);
      assert.match(findings['id_token.iss'].message, /unexpected JWT "iss" \(issuer\) claim value/);
      assert.equal(findings['id_token.nonce'].status, 'fail');
      assert.match(findings['id_token.nonce'].message, /unexpected ID Token "nonce" claim value/);
    });

    it('aud: another client fails; several audiences need azp = client_id', async () => {
      assert.match(byId(checkIdTokenClaims(await jwt({ ...idClaims, aud: 'other' }), expect))['id_token.aud'].message, /unexpected JWT "aud" \(audience\) claim value/);
      assert.equal(byId(checkIdTokenClaims(await jwt({ ...idClaims, aud: ['client-1', 'api'] }), expect))['id_token.aud'].status, 'fail');
      assert.equal(byId(checkIdTokenClaims(await jwt({ ...idClaims, aud: ['client-1', 'api'], azp: 'client-1' }), expect))['id_token.aud'].status, 'pass');
    });

    it('aud and nonce are not judged without expectations (a captured token without --client-id / --nonce)', async () => {
      const ids = checkIdTokenClaims(await jwt(idClaims), { ...expect, clientId: undefined, nonce: undefined }).map((f) => f.id);
      assert.deepEqual(ids, ['id_token.present', 'id_token.iss', 'id_token.exp', 'id_token.alg']);
    });

    it('expired: fail when live, warn when captured (30 s tolerance)', async () => {
      const expired = await jwt({ ...idClaims, exp: NOW - 31 });
      assert.equal(byId(checkIdTokenClaims(expired, expect))['id_token.exp'].status, 'fail');
      assert.equal(byId(checkIdTokenClaims(expired, { ...expect, captured: true }))['id_token.exp'].status, 'warn');
      assert.equal(byId(checkIdTokenClaims(await jwt({ ...idClaims, exp: NOW - 29 }), expect))['id_token.exp'].status, 'pass');
    });

    it('alg not advertised, a crit header, missing claims, not a JWS: fail', async () => {
      assert.match(byId(checkIdTokenClaims(await jwt(idClaims), { ...expect, algs: ['ES256'] }))['id_token.alg'].message, /unexpected JWT "alg" header parameter/);
      // jose will not sign with an unknown crit extension; swap the header of a signed token instead.
      const [, payload, signature] = (await jwt(idClaims)).split('.');
      const withCrit = [base64url.encode(JSON.stringify({ alg: 'RS256', kid: 'k1', crit: ['x'], x: 1 })), payload, signature].join('.');
      assert.match(byId(checkIdTokenClaims(withCrit, expect))['id_token.alg'].message, /no JWT "crit" header parameter extensions are supported/);
      const { sub: _s, ...noSub } = idClaims;
      assert.match(byId(checkIdTokenClaims(await jwt(noSub), expect))['id_token.present'].message, /missing claim sub; oauth4webapi: JWT "sub" claim missing/);
      const garbage = checkIdTokenClaims('not-a-jwt', expect);
      assert.deepEqual(garbage.map((f) => [f.id, f.status]), [['id_token.present', 'fail']]);
    });
  });

  describe('checkAccessTokenClaims()', () => {
    it('a JWT access token with our iss and the MCP URL as aud: pass; an opaque one: not inspected', async () => {
      const findings = checkAccessTokenClaims(await jwt({ iss: ISSUER, aud: MCP, sub: 'u' }, { typ: 'at+jwt' }), { issuer: ISSUER, resource: MCP });
      assert.deepEqual(findings.map((f) => [f.id, f.status]), [['access_token.iss', 'pass'], ['access_token.aud', 'pass']]);
      assert.deepEqual(checkAccessTokenClaims('opaque-token', { issuer: ISSUER, resource: MCP }), []);
    });

    it('a Clerk id_token handed out as the access token: iss fails (token passthrough), aud warns', async () => {
      const findings = byId(checkAccessTokenClaims(await jwt({ iss: CLERK, aud: 'client-1' }), { issuer: ISSUER, resource: MCP }));
      assert.equal(findings['access_token.iss'].status, 'fail');
      assert.match(findings['access_token.iss'].message, /token passthrough/);
      assert.equal(findings['access_token.aud'].status, 'warn');
    });
  });
});
