/**
 * Signing-key rotation across running instances (SPEC §6: add → publish → promote → retire), by restarting each
 * instance with its new key set. Every instance verifies with every key of its own set, so a token verifies on
 * an instance exactly when that instance publishes the key that signed it. Hence the order: publish the new key
 * on every instance first, promote it second, retire the old one after the longest token lifetime.
 */
import assert from 'node:assert/strict';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateSigningKey, type PrivateJwk, type PrivateJwkSet } from '../../src/keys/jwkSet.js';
import { testSigningKeys } from '../support/harness.js';
import { startInstancePair, type InstanceName, type InstancePair } from '../support/instancePair.js';
import { authorize, exchange, refresh, register, whoami, type TokenSet } from '../support/oauthSteps.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

describe('signing-key rotation across instances (restart with overlap)', () => {
  let redis: RedisServer;
  let k1: PrivateJwk;
  let k2: PrivateJwk;
  const set = (...keys: PrivateJwk[]): PrivateJwkSet => ({ keys });
  before(async () => {
    redis = await startRedisServer();
    k1 = (await testSigningKeys()).keys[0];
    k2 = await generateSigningKey('RS256');
  });
  after(() => redis?.stop());

  let pair: InstancePair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  async function start(a: PrivateJwkSet, b: PrivateJwkSet): Promise<InstancePair> {
    pair = await startInstancePair({ redisUrl: redis.url, keyPrefix: `rotation${Date.now()}:`, instanceOptions: { a: { signingKeys: a }, b: { signingKeys: b } } });
    return pair;
  }

  async function on<T>(p: InstancePair, name: InstanceName, step: () => Promise<T>): Promise<T> {
    p.use(name);
    try {
      return await step();
    } finally {
      p.use('alternate');
    }
  }

  /** A grant whose tokens `name` signed (the whole flow on that instance). */
  async function grantOn(p: InstancePair, name: InstanceName): Promise<{ clientId: string; tokens: TokenSet }> {
    return on(p, name, async () => {
      const clientId = (await register(p.issuerUrl)).body.client_id;
      const { code, verifier } = await authorize(await p.signedInBrowser(), p.issuerUrl, p.mcpUrl, clientId);
      const tokens = await exchange(p.issuerUrl, clientId, code, verifier);
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      return { clientId, tokens: tokens.body };
    });
  }

  const kid = (jwt: string) => decodeProtectedHeader(jwt).kid;
  const mcpStatus = async (p: InstancePair, name: InstanceName, token: string) => (await on(p, name, () => whoami(p.mcpUrl, token))).status;

  it('A signs with [k1], B restarted with [k2, k1]: A’s tokens verify on B; B’s verify on A only once A runs [k2, k1]', async () => {
    const p = await start(set(k1), set(k2, k1));
    const fromA = await grantOn(p, 'a');
    const fromB = await grantOn(p, 'b');
    assert.equal(kid(fromA.tokens.access_token), k1.kid);
    assert.equal(kid(fromB.tokens.access_token), k2.kid);

    assert.equal(await mcpStatus(p, 'b', fromA.tokens.access_token), 200);
    // B promoted k2 before A published it: A refuses B's tokens. This is why publishing comes first.
    assert.equal(await mcpStatus(p, 'a', fromB.tokens.access_token), 401);

    await p.restart('a', { signingKeys: set(k2, k1) });
    assert.equal(await mcpStatus(p, 'a', fromB.tokens.access_token), 200);
    assert.equal(await mcpStatus(p, 'a', fromA.tokens.access_token), 200, 'k1 tokens verify until k1 is retired');
    // The grants themselves lived in Redis through the restart: both refresh on the restarted instance.
    for (const g of [fromA, fromB]) assert.equal((await on(p, 'a', () => refresh(p.issuerUrl, g.clientId, g.tokens.refresh_token))).status, 200);
  });

  it('the documented order — publish [k1, k2] everywhere, then promote [k2, k1] — keeps every token valid on every instance', async () => {
    // Step 1, publish: both instances restart with k2 published, k1 still signing.
    const p = await start(set(k1, k2), set(k1, k2));
    const published = await fetch(`${p.issuerUrl}/.well-known/jwks.json`).then((r) => r.json() as Promise<{ keys: Array<{ kid: string }> }>);
    assert.deepEqual(published.keys.map((k) => k.kid), [k1.kid, k2.kid]);
    const beforePromotion = await grantOn(p, 'a');

    // Step 2, promote, one instance at a time: mid-rollout A signs with k1, B with k2, both verify both.
    await p.restart('b', { signingKeys: set(k2, k1) });
    const promoted = await grantOn(p, 'b');
    assert.equal(kid(promoted.tokens.access_token), k2.kid);
    const stillOld = await grantOn(p, 'a');
    assert.equal(kid(stillOld.tokens.access_token), k1.kid);
    for (const name of ['a', 'b'] as const) {
      for (const g of [beforePromotion, promoted, stillOld]) assert.equal(await mcpStatus(p, name, g.tokens.access_token), 200);
    }
    // An id_token from either signer verifies against the published set, as a relying party checks it.
    const jwks = createLocalJWKSet(await fetch(`${p.issuerUrl}/.well-known/jwks.json`).then((r) => r.json()));
    for (const g of [promoted, stillOld]) await jwtVerify(g.tokens.id_token!, jwks, { issuer: p.issuerUrl, audience: g.clientId });

    await p.restart('a', { signingKeys: set(k2, k1) });
    for (const g of [beforePromotion, promoted, stillOld]) assert.equal(await mcpStatus(p, 'a', g.tokens.access_token), 200);

    // Step 3, retire (after the longest token lifetime): k1's tokens stop verifying; k2's keep working.
    await p.restart('a', { signingKeys: set(k2) });
    await p.restart('b', { signingKeys: set(k2) });
    for (const name of ['a', 'b'] as const) {
      assert.equal(await mcpStatus(p, name, stillOld.tokens.access_token), 401);
      assert.equal(await mcpStatus(p, name, promoted.tokens.access_token), 200);
    }
  });

  it('mid-rollout (A [k1, k2], B [k2, k1]), concurrent refreshes split over both instances keep the grant', async () => {
    const p = await start(set(k1, k2), set(k2, k1));
    const { clientId, tokens } = await grantOn(p, 'a');
    p.use('alternate');
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(p.issuerUrl, clientId, tokens.refresh_token)));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, 1);
    const next = await refresh(p.issuerUrl, clientId, results[0].body.refresh_token);
    assert.equal(next.status, 200, JSON.stringify(next.body));
  });

  it('mid-rollout, a consent page served by A is accepted when the browser posts it to B', async () => {
    const p = await start(set(k1, k2), set(k2, k1));
    const clientId = (await register(p.issuerUrl)).body.client_id;
    const browser = await p.signedInBrowser();
    p.use('alternate');
    const from = p.served.length;
    const { code, verifier } = await authorize(browser, p.issuerUrl, p.mcpUrl, clientId);
    const authorizeHops = p.served.slice(from).filter((s) => s.path === '/authorize');
    assert.deepEqual(new Set(authorizeHops.map((s) => s.instance)), new Set(['a', 'b']), 'page and post went to different instances');
    assert.equal((await exchange(p.issuerUrl, clientId, code, verifier)).status, 200);
  });
});
