/**
 * Rate limits on `/register` and `/token` (SPEC §9): counted in Redis so every instance shares them, one counter
 * per limiter, 503 (not 500) while Redis is away and counting again when it returns; keyed on the real client
 * address behind a proxy once `trust proxy` says how many hops to trust, and never failing a request over
 * `X-Forwarded-For` when it does not.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../src/config/options.js';
import { RedisStore } from '../../src/store/redis.js';
import { redisRateLimitStore } from '../../src/store/redisRateLimitStore.js';
import { startHarness, type Harness } from '../support/harness.js';
import { startInstancePair, type InstancePair, type InstancePairOptions } from '../support/instancePair.js';
import { exchange, register } from '../support/oauthSteps.js';
import { startRedisCluster, type RedisCluster } from '../support/redisCluster.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

async function registerFrom(issuerUrl: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${issuerUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:53691/callback'], token_endpoint_auth_method: 'none' }),
  });
  await res.body?.cancel();
  return res;
}

/** Runs `fn` with console.error captured (express-rate-limit reports its configuration checks there). */
async function capturingConsoleError<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.map((a) => (a instanceof Error ? `${(a as { code?: string }).code} ${a.message}` : String(a))).join(' '));
  try {
    return { result: await fn(), lines };
  } finally {
    console.error = original;
  }
}

/** The limits counted in the shared store, whichever instance answers (one Redis, or a Redis Cluster). */
function sharedAcrossInstances(title: string, connection: () => Pick<InstancePairOptions, 'redisUrl' | 'clusterNodes'>): void {
  describe(title, () => {
    let pair: InstancePair;
    before(async () => {
      pair = await startInstancePair({
        ...connection(),
        keyPrefix: 'limits:',
        sharedRateLimits: { register: { limit: 3, windowMs: 60_000 }, token: { limit: 50, windowMs: 60_000 } },
      });
    });
    after(() => pair?.close());

    it('/register allows 3 per window in total, whichever instance answers; /token counts on its own', async () => {
      pair.use('alternate');
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await registerFrom(pair.issuerUrl)).status);
      assert.deepEqual(statuses, [201, 201, 201, 429]);
      assert.deepEqual(new Set(pair.served.map((s) => s.instance)), new Set(['a', 'b']));

      const limited = await register(pair.issuerUrl);
      assert.equal(limited.status, 429);
      assert.equal(limited.body.error, 'too_many_requests');
      assert.match(limited.headers.get('ratelimit') ?? '', /r=0/);

      // Another limiter, another counter: the token endpoint still answers (here: the code is unknown).
      const token = await exchange(pair.issuerUrl, 'unknown-client', 'code', 'v'.repeat(43));
      assert.notEqual(token.status, 429);
      assert.match(token.headers.get('ratelimit') ?? '', /r=49/);
    });
  });
}

describe('rate limits', () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedisServer();
  });
  after(() => redis?.stop());

  sharedAcrossInstances('shared across two instances in Redis', () => ({ redisUrl: redis.url }));

  describe('while Redis is away', () => {
    let store: RedisStore;
    let h: Harness;
    afterEach(async () => {
      await h?.close();
      await store?.close();
      await redis.start().catch(() => undefined); // running again for the next test (a no-op when it is)
    });

    it('the limited endpoints answer 503 temporarily_unavailable, and count again once Redis is back', async () => {
      store = new RedisStore({ url: redis.url, commandTimeoutMs: 300, logger: quiet });
      await store.ready();
      h = await startHarness({ options: { store, logger: quiet, rateLimit: { register: { limit: 100 }, store: await redisRateLimitStore(store) } } });
      assert.equal((await registerFrom(h.issuerUrl)).status, 201);

      await redis.stop();
      const down = await register(h.issuerUrl);
      assert.equal(down.status, 503);
      assert.equal(down.body.error, 'temporarily_unavailable');

      await redis.start(); // empty: the limiter's script is gone too (NOSCRIPT → loaded again)
      let status = 0;
      for (let i = 0; i < 100 && status !== 201; i++, await sleep(100)) status = (await registerFrom(h.issuerUrl)).status;
      assert.equal(status, 201);
    });

    it('a limiter created while Redis was down starts counting when Redis comes up', async () => {
      await redis.stop();
      store = new RedisStore({ url: redis.url, commandTimeoutMs: 300, logger: quiet });
      const { result, lines } = await capturingConsoleError(async () => {
        const limiters = await redisRateLimitStore(store);
        h = await startHarness({ options: { store, logger: quiet, rateLimit: { register: { limit: 100 }, store: limiters } } });
        await sleep(100); // the limiters' asynchronous init (SCRIPT LOAD) has run
        return (await register(h.issuerUrl)).status;
      });
      assert.equal(result, 503);
      assert.deepEqual(lines, [], 'no store initialisation error');

      await redis.start();
      await store.ready();
      const res = await registerFrom(h.issuerUrl);
      assert.equal(res.status, 201);
      assert.match(res.headers.get('ratelimit') ?? '', /r=99/);
    });
  });

  describe('behind a proxy (memory store, the default limits)', () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ options: { rateLimit: { register: { limit: 2, windowMs: 60_000 } } } });
    });
    after(() => h?.close());
    afterEach(() => h.app.set('trust proxy', false));

    it('X-Forwarded-For while trust proxy is off: the request succeeds, express-rate-limit warns once, keys on the socket', async () => {
      const { result, lines } = await capturingConsoleError(async () => [
        (await registerFrom(h.issuerUrl, { 'x-forwarded-for': '203.0.113.7' })).status,
        (await registerFrom(h.issuerUrl, { 'x-forwarded-for': '203.0.113.8' })).status,
        (await registerFrom(h.issuerUrl, { 'x-forwarded-for': '203.0.113.9', forwarded: 'for=203.0.113.9' })).status,
      ]);
      // Both forwarded addresses counted as 127.0.0.1: the third request is over the limit of 2.
      assert.deepEqual(result, [201, 201, 429]);
      assert.equal(lines.filter((l) => l.includes('ERR_ERL_UNEXPECTED_X_FORWARDED_FOR')).length, 1, lines.join('\n'));
      assert.ok(lines.every((l) => l.startsWith('ERR_ERL_')), lines.join('\n'));
    });

    it('trust proxy set to the hops in front: each client address has its own limit', async () => {
      h.app.set('trust proxy', 1);
      const { result, lines } = await capturingConsoleError(async () => {
        const statuses: number[] = [];
        for (const address of ['198.51.100.1', '198.51.100.1', '198.51.100.1', '198.51.100.2']) {
          statuses.push((await registerFrom(h.issuerUrl, { 'x-forwarded-for': address })).status);
        }
        return statuses;
      });
      assert.deepEqual(result, [201, 201, 429, 201]);
      assert.deepEqual(lines, []);
    });

    it('trust proxy = true (any client can pick its address) is reported, and still never fails a request', async () => {
      // express-rate-limit runs each configuration check on a limiter's first request only: a fresh server.
      const fresh = await startHarness({ options: { rateLimit: { register: { limit: 2, windowMs: 60_000 } } } });
      try {
        fresh.app.set('trust proxy', true);
        const { result, lines } = await capturingConsoleError(async () => (await registerFrom(fresh.issuerUrl, { 'x-forwarded-for': '192.0.2.50' })).status);
        assert.equal(result, 201);
        assert.equal(lines.filter((l) => l.includes('ERR_ERL_PERMISSIVE_TRUST_PROXY')).length, 1, lines.join('\n'));
      } finally {
        await fresh.close();
      }
    });
  });
});

describe('rate limits on a Redis Cluster (3 masters)', function () {
  this.timeout(60_000);
  let cluster: RedisCluster;
  before(async () => {
    cluster = await startRedisCluster();
  });
  after(() => cluster?.stop());
  // The limiters' scripts reach every master that owns a counter (EVAL on NOSCRIPT, never a keyless SCRIPT LOAD).
  sharedAcrossInstances('shared across two instances in the cluster', () => ({ clusterNodes: cluster.nodes.slice(0, 3) }));
});
