/**
 * The store contract (SPEC §8, `src/store/store.ts`), one set of tests run against every implementation: the
 * memory store, the Redis store on a real redis-server and on a real 3-master Redis Cluster. What the grants rely on: TTLs, one winner for take(),
 * compare-and-swap on the JSON text that was read, putIfAbsent, existsAny in one call.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryStore } from '../../src/store/memory.js';
import { RedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { startRedisCluster, type RedisCluster } from '../support/redisCluster.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

function storeContract(name: string, open: () => Promise<Store>) {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });

    it('get() of a missing key is undefined; put() then get() returns an equal copy', async () => {
      assert.equal(await store.get('missing'), undefined);
      const value = { s: 'é ✓ "quoted"', n: 1.5, list: [1, { deep: true }], none: null };
      await store.put('k', value);
      const read = await store.get<typeof value>('k');
      assert.deepEqual(read, value);
      read!.list.push(2);
      assert.deepEqual(await store.get('k'), value);
    });

    it('put() replaces the value', async () => {
      await store.put('k', { v: 1 }, 60);
      await store.put('k', { v: 2 }, 60);
      assert.deepEqual(await store.get('k'), { v: 2 });
    });

    it('a record expires after its TTL (and not before)', async () => {
      await store.put('short', { v: 1 }, 0.3);
      await store.put('long', { v: 1 }, 60);
      assert.deepEqual(await store.get('short'), { v: 1 });
      await sleep(450);
      assert.equal(await store.get('short'), undefined);
      assert.deepEqual(await store.get('long'), { v: 1 });
    });

    it('putIfAbsent() writes once, and again after the record expired', async () => {
      assert.equal(await store.putIfAbsent('once', { n: 1 }, 0.3), true);
      assert.equal(await store.putIfAbsent('once', { n: 2 }, 0.3), false);
      assert.deepEqual(await store.get('once'), { n: 1 });
      await sleep(450);
      assert.equal(await store.putIfAbsent('once', { n: 3 }), true);
      assert.deepEqual(await store.get('once'), { n: 3 });
    });

    it('take() gives the record to exactly one of 20 concurrent takers and removes it', async () => {
      await store.put('code', { grant: 'g' }, 60);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.take('code')));
      assert.deepEqual(results.filter(Boolean), [{ grant: 'g' }]);
      assert.equal(await store.get('code'), undefined);
      assert.equal(await store.take('code'), undefined);
    });

    it('takeAndMark() gives the record to exactly one of 20 concurrent takers, and the marker is there for all who lost', async () => {
      await store.put('code:{h}', { grantId: 'g1', scopes: ['openid'], claims: { email: 'a@example.com' } }, 60);
      const seen = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const taken = await store.takeAndMark('code:{h}', 'code-used:{h}', ['grantId'], 60);
          // A loser looks for the marker right after losing: it must already be there (one atomic step).
          return taken ?? (await store.get('code-used:{h}'));
        }),
      );
      assert.equal(seen.filter((v) => v && 'scopes' in v).length, 1);
      assert.deepEqual(seen.filter((v) => !v || !('scopes' in v)), Array.from({ length: 19 }, () => ({ grantId: 'g1' })));
      assert.equal(await store.get('code:{h}'), undefined);
      assert.deepEqual(await store.get('code-used:{h}'), { grantId: 'g1' }, 'the marker keeps only the named members');
    });

    it('takeAndMark() of a missing key writes no marker; the marker expires after its TTL', async () => {
      assert.equal(await store.takeAndMark('code:{none}', 'code-used:{none}', ['grantId'], 60), undefined);
      assert.equal(await store.get('code-used:{none}'), undefined);
      await store.put('code:{t}', { grantId: 'g2' }, 60);
      assert.deepEqual(await store.takeAndMark('code:{t}', 'code-used:{t}', ['grantId', 'absent'], 0.3), { grantId: 'g2' });
      assert.deepEqual(await store.get('code-used:{t}'), { grantId: 'g2' });
      await sleep(450);
      assert.equal(await store.get('code-used:{t}'), undefined);
    });

    it('delete() removes; deleting a missing key is fine', async () => {
      await store.put('d', {});
      await store.delete('d');
      await store.delete('d');
      assert.equal(await store.get('d'), undefined);
    });

    it('compareAndSwap() replaces only the value that was read, never a missing one', async () => {
      await store.put('f', { current: 'a', n: 1 }, 60);
      assert.equal(await store.compareAndSwap('f', { current: 'x', n: 1 }, { current: 'b', n: 2 }), false);
      // Compared as JSON text: the same members in another order are another value.
      assert.equal(await store.compareAndSwap('f', { n: 1, current: 'a' }, { current: 'b', n: 2 }), false);
      const read = (await store.get('f'))!;
      assert.equal(await store.compareAndSwap('f', read, { current: 'b', n: 2 }, 60), true);
      assert.deepEqual(await store.get('f'), { current: 'b', n: 2 });
      assert.equal(await store.compareAndSwap('missing', {}, { current: 'b' }), false);
      assert.equal(await store.get('missing'), undefined);
    });

    it('compareAndSwap() sets the new TTL', async () => {
      await store.put('f', { v: 1 }, 60);
      assert.equal(await store.compareAndSwap('f', { v: 1 }, { v: 2 }, 0.3), true);
      await sleep(450);
      assert.equal(await store.get('f'), undefined);
    });

    it('of 10 concurrent compareAndSwap() calls from one read, exactly one wins', async () => {
      await store.put('family', { current: 'h0' }, 60);
      const read = (await store.get('family'))!;
      const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => store.compareAndSwap('family', read, { current: `h${i + 1}` }, 60)));
      assert.equal(wins.filter(Boolean).length, 1);
      assert.deepEqual(await store.get('family'), { current: `h${wins.indexOf(true) + 1}` });
    });

    it('existsAny() is true when any key is live, false for none or for expired ones', async () => {
      assert.equal(await store.existsAny([]), false);
      assert.equal(await store.existsAny(['y', 'z']), false);
      await store.put('x', {}, 0.3);
      assert.equal(await store.existsAny(['y', 'x']), true);
      await sleep(450);
      assert.equal(await store.existsAny(['y', 'x']), false);
    });

    it('addToSet() keeps each member for its own TTL; setMembers() lists the live ones; re-adding renews', async () => {
      assert.deepEqual(await store.setMembers('index'), []);
      await store.addToSet('index', 'short', 0.3);
      await store.addToSet('index', 'long', 60);
      await store.addToSet('index', 'renewed', 0.3);
      await store.addToSet('index', 'renewed', 60);
      assert.deepEqual((await store.setMembers('index')).sort(), ['long', 'renewed', 'short']);
      await sleep(450);
      assert.deepEqual((await store.setMembers('index')).sort(), ['long', 'renewed']);
    });

    it('a set expires with its last member (no index outlives its grants)', async () => {
      await store.addToSet('gone', 'a', 0.2);
      await store.addToSet('gone', 'b', 0.3);
      assert.equal(await store.existsAny(['gone']), true);
      await sleep(450);
      assert.deepEqual(await store.setMembers('gone'), []);
      assert.equal(await store.existsAny(['gone']), false);
    });

    it('removeFromSet() removes one member; delete() removes the set; missing ones are fine', async () => {
      await store.addToSet('s', '{"grantId":"g1"}', 60);
      await store.addToSet('s', '{"grantId":"g2"}', 60);
      await store.removeFromSet('s', '{"grantId":"g1"}');
      await store.removeFromSet('s', 'missing');
      await store.removeFromSet('missing', 'x');
      assert.deepEqual(await store.setMembers('s'), ['{"grantId":"g2"}']);
      await store.delete('s');
      assert.deepEqual(await store.setMembers('s'), []);
    });

    it('of 20 concurrent addToSet() calls on one key, none is lost', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.addToSet('busy', `m${i}`, 60)));
      assert.equal((await store.setMembers('busy')).length, 20);
    });
  });
}

storeContract('MemoryStore', async () => new MemoryStore());

describe('RedisStore (redis-server on loopback)', () => {
  let redis: RedisServer;
  let store: RedisStore | undefined;
  let prefix = 0;
  before(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  after(() => redis.stop());

  // Each test gets a fresh key space on the same server.
  storeContract('RedisStore', async () => {
    store = new RedisStore({ url: redis.url, keyPrefix: `contract${++prefix}:` });
    await store.ready();
    return store;
  });
});

describe('RedisStore (3-master Redis Cluster on loopback)', function () {
  this.timeout(60_000);
  let cluster: RedisCluster;
  let store: RedisStore | undefined;
  let prefix = 0;
  before(async () => {
    cluster = await startRedisCluster();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  after(() => cluster?.stop());

  // Seeded with one master: the store discovers the rest. Keys without a tag spread over the three masters.
  storeContract('RedisStore on a cluster', async () => {
    store = new RedisStore({ clusterNodes: [cluster.nodes[0]], keyPrefix: `contract${++prefix}:` });
    await store.ready();
    return store;
  });
});
