import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { checkJwksFetch, checkJwksKeys, checkJwksOrigin } from '../../src/check/checks/jwks.js';
import { response } from './support/http.js';

const URI = 'https://mcp.example.com/.well-known/jwks.json';

describe('check: jwks_uri (RFC 7517)', () => {
  let rsa: JWK;
  let rsaPrivate: JWK;
  let weak: JWK;
  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    rsa = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    rsaPrivate = { ...(await exportJWK(pair.privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    // jose refuses to generate keys under 2048 bits; node:crypto still can, as an old server might have.
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    weak = { ...(small.publicKey.export({ format: 'jwk' }) as JWK), kid: 'weak', alg: 'RS256' };
  });

  it('checkJwksFetch() - 200 with a keys array passes; application/jwk-set+json is accepted', () => {
    assert.equal(checkJwksFetch(response(200, { keys: [] }), URI).finding.status, 'pass');
    assert.equal(checkJwksFetch(response(200, { keys: [] }, { 'content-type': 'application/jwk-set+json' }), URI).finding.status, 'pass');
    assert.equal(checkJwksFetch(response(404, 'nope'), URI).finding.status, 'fail');
    assert.equal(checkJwksFetch(response(200, { key: {} }), URI).finding.status, 'fail');
  });

  it('checkJwksKeys() - one public RS256 key with kid passes', async () => {
    const finding = await checkJwksKeys([rsa], URI);
    assert.equal(finding.status, 'pass');
    assert.equal(finding.message, 'usable: kid "k1" (RSA, RS256)');
  });

  it('checkJwksKeys() - private key material, RSA under 2048 bits, duplicate kids, no usable key: fail', async () => {
    assert.match((await checkJwksKeys([rsaPrivate], URI)).message, /publishes private key material \(d, p, q, dp, dq, qi\)/);
    const small = await checkJwksKeys([weak], URI);
    assert.equal(small.status, 'fail');
    assert.match(small.message, /1024-bit RSA key; oauth4webapi refuses RSA keys under 2048 bits/);
    assert.match((await checkJwksKeys([rsa, rsa], URI)).message, /duplicate kid "k1"/);
    assert.match((await checkJwksKeys([{ ...rsa, use: 'enc' }], URI)).message, /no usable signing key/);
  });

  it('checkJwksKeys() - several keys, one without kid: warn (oauth4webapi cannot choose)', async () => {
    const { kid: _kid, ...noKid } = rsa;
    const finding = await checkJwksKeys([rsa, { ...noKid, n: rsa.n }], URI);
    assert.equal(finding.status, 'warn');
    assert.match(finding.message, /has no kid/);
  });

  it('checkJwksOrigin() - Clerk\'s JWKS behind our issuer warns and says why', () => {
    assert.equal(checkJwksOrigin(URI, 'https://mcp.example.com').status, 'pass');
    const clerk = checkJwksOrigin('https://clerk.example.com/.well-known/jwks.json', 'https://mcp.example.com');
    assert.equal(clerk.status, 'warn');
    assert.match(clerk.message, /Clerk's keys: they verify tokens whose iss is Clerk's/);
  });
});
