/**
 * What only the Redis store has to show (SPEC §8): keys under its prefix, every expiring write carrying its TTL
 * in the same command, scripts that survive a Redis restart, and outages that fail fast with
 * StoreUnavailableError (never queueing), never crash the process, and end by themselves.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '../../src/config/options.js';
import { RedisStore } from '../../src/store/redis.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { KEYS } from '../../src/grants/grant.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not true within ${ms} ms`);
    await sleep(50);
  }
}

describe('RedisStore on a real redis-server', () => {
  let redis: RedisServer;
  /** A plain client to look at what the store wrote. */
  let raw: Redis;
  before(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    raw.on('error', () => undefined);
    await raw.connect();
  });
  after(async () => {
    raw.disconnect();
    await redis.stop();
  });

  describe('keys and TTLs', () => {
    let store: RedisStore;
    before(async () => {
      store = new RedisStore({ url: redis.url });
      await store.ready();
    });
    after(() => store.close());

    it('writes under the cmi: prefix by default, as the JSON text of the record', async () => {
      await store.put('client:abc', { client_id: 'abc' });
      assert.equal(await raw.get('cmi:client:abc'), '{"client_id":"abc"}');
      assert.equal(await raw.pttl('cmi:client:abc'), -1);
      assert.equal(await raw.exists('client:abc'), 0);
    });

    it('every write given a TTL carries it: put, putIfAbsent, compareAndSwap', async () => {
      await store.put('code:h', { g: 1 }, 60);
      await store.putIfAbsent('consent:u:c', { s: [] }, 120);
      await store.put('family:g', { current: 'a' }, 600);
      await store.compareAndSwap('family:g', { current: 'a' }, { current: 'b' }, 300);
      for (const [key, ttl] of [['cmi:code:h', 60_000], ['cmi:consent:u:c', 120_000], ['cmi:family:g', 300_000]] as const) {
        const pttl = await raw.pttl(key);
        assert.ok(pttl > ttl - 2000 && pttl <= ttl, `${key} expires in ${pttl} ms`);
      }
    });

    it('take() is one GETDEL: the record is gone from Redis', async () => {
      await store.put('code:t', { g: 1 }, 60);
      assert.deepEqual(await store.take('code:t'), { g: 1 });
      assert.equal(await raw.exists('cmi:code:t'), 0);
    });

    it('compareAndSwap() still works after Redis forgot its scripts (NOSCRIPT → EVAL)', async () => {
      await store.put('family:s', { current: 'a' });
      assert.equal(await store.compareAndSwap('family:s', { current: 'a' }, { current: 'b' }), true);
      await raw.script('FLUSH');
      assert.equal(await store.compareAndSwap('family:s', { current: 'b' }, { current: 'c' }), true);
      assert.deepEqual(await store.get('family:s'), { current: 'c' });
    });

    it('takeAndMark() is one script on one hash slot, and still works after Redis forgot its scripts', async () => {
      // Redis Cluster runs a script only when its keys share a slot: the code hash is both keys' hash tag `{…}`.
      await store.put(KEYS.code('hh'), { grantId: 'g' }, 60);
      assert.deepEqual(await store.takeAndMark(KEYS.code('hh'), KEYS.usedCode('hh'), ['grantId'], 120), { grantId: 'g' });
      assert.equal(await raw.exists('cmi:code:{hh}'), 0);
      assert.equal(await raw.get('cmi:code-used:{hh}'), '{"grantId":"g"}');
      const pttl = await raw.pttl('cmi:code-used:{hh}');
      assert.ok(pttl > 118_000 && pttl <= 120_000, `the marker expires in ${pttl} ms`);
      await raw.script('FLUSH');
      await store.put(KEYS.code('h2'), { grantId: 'g2' }, 60);
      assert.deepEqual(await store.takeAndMark(KEYS.code('h2'), KEYS.usedCode('h2'), ['grantId'], 60), { grantId: 'g2' });
      assert.deepEqual(await store.get(KEYS.usedCode('h2')), { grantId: 'g2' });
    });

    it('a keyPrefix keeps two issuers apart on one Redis', async () => {
      const other = new RedisStore({ url: redis.url, keyPrefix: 'tenant2:' });
      try {
        await other.ready();
        await other.put('client:abc', { client_id: 'other' });
        assert.deepEqual(await store.get('client:abc'), { client_id: 'abc' });
        assert.deepEqual(await other.get('client:abc'), { client_id: 'other' });
      } finally {
        await other.close();
      }
    });

    it('a Redis error that is not about availability stays itself (a visible 500, not a 503)', async () => {
      await raw.lpush('cmi:not-a-string', 'x');
      await assert.rejects(store.get('not-a-string'), (error: Error) => {
        assert.ok(!(error instanceof StoreUnavailableError));
        assert.match(error.message, /^WRONGTYPE/);
        return true;
      });
    });
  });

  describe('a client you pass', () => {
    it('is used as is, gets an error listener, and stays open after close()', async () => {
      const client = new Redis(redis.url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false });
      assert.equal(client.listenerCount('error'), 0);
      const store = new RedisStore({ client, keyPrefix: 'passed:' });
      await store.ready();
      assert.equal(client.listenerCount('error'), 1);
      await store.put('k', { v: 1 }, 10);
      assert.equal(await raw.get('passed:k'), '{"v":1}');
      await store.close();
      assert.equal(client.status, 'ready');
      await client.quit();
    });

    it('refuses both or neither of url and client', () => {
      assert.throws(() => new RedisStore({}), TypeError);
      assert.throws(() => new RedisStore({ url: redis.url, client: raw as never }), TypeError);
    });
  });

  describe('outages', () => {
    let store: RedisStore;
    let logger: ReturnType<typeof recordingLogger>;
    before(async () => {
      logger = recordingLogger();
      store = new RedisStore({ url: redis.url, commandTimeoutMs: 300, logger });
      await store.ready();
    });
    after(() => store.close());

    it('Redis stopped: every operation throws StoreUnavailableError at once; nothing crashes; it comes back by itself', async () => {
      await store.put('k', { v: 1 });
      await redis.stop();
      const operations = [
        () => store.get('k'),
        () => store.put('k', { v: 2 }, 10),
        () => store.putIfAbsent('n', {}),
        () => store.take('k'),
        () => store.delete('k'),
        () => store.compareAndSwap('k', { v: 1 }, { v: 2 }),
        () => store.takeAndMark('k', 'm', ['v'], 10),
        () => store.existsAny(['a', 'b']),
      ];
      for (const operation of operations) {
        const started = Date.now();
        await assert.rejects(operation(), StoreUnavailableError);
        assert.ok(Date.now() - started < 250, 'failed fast, not queued');
      }
      await sleep(500); // several reconnect attempts fail meanwhile: each is an 'error' event, none crashes
      await redis.start();
      await eventually(async () => (await store.put('k', { v: 3 }), true));
      assert.deepEqual(await store.get('k'), { v: 3 });
      assert.deepEqual(
        logger.lines.filter((l) => /Redis/.test(l)),
        ['warn grant store: Redis unreachable; OAuth endpoints answer 503 temporarily_unavailable until it is back', 'info grant store: Redis reachable again'],
      );
    });

    it('Redis frozen (accepts, never answers): a command fails after commandTimeoutMs, not never; data intact after', async () => {
      await store.put('frozen', { v: 1 });
      redis.pause();
      try {
        const started = Date.now();
        await assert.rejects(store.get('frozen'), StoreUnavailableError);
        const took = Date.now() - started;
        assert.ok(took >= 250 && took < 1500, `failed after ${took} ms`);
      } finally {
        redis.resume();
      }
      await eventually(async () => (await store.get('frozen')) !== undefined);
      assert.deepEqual(await store.get('frozen'), { v: 1 });
    });

    it('a store created while Redis is down answers StoreUnavailableError, then works once Redis is up', async () => {
      await redis.stop();
      const late = new RedisStore({ url: redis.url, commandTimeoutMs: 300, logger: recordingLogger() });
      try {
        await assert.rejects(late.get('x'), StoreUnavailableError);
        await assert.rejects(late.ready(300), StoreUnavailableError);
        await redis.start();
        await late.ready();
        await late.put('x', { v: 1 });
        assert.deepEqual(await late.get('x'), { v: 1 });
      } finally {
        await late.close();
      }
    });
  });
});
