/**
 * The same suite on each grant store (SPEC §8): `describeWithStores(title, fn)` declares `fn` once with the
 * kit's default memory store and once with a {@link RedisStore} on a redis-server this suite starts for itself.
 * Inside, `startHarness()` picks the store up (see `setHarnessStore`), so the suite's own code does not change.
 */
import { RedisStore } from '../../src/store/redis.js';
import { setHarnessStore } from './harness.js';
import { startRedisServer, type RedisServer } from './redisServer.js';

export type StoreKind = 'memory' | 'redis';

let prefixes = 0;

export function describeWithStores(title: string, fn: (kind: StoreKind) => void): void {
  describe(`${title} (memory store)`, () => fn('memory'));

  describe(`${title} (Redis store)`, function () {
    let redis: RedisServer;
    let created = 0;
    // Registered before the suite's own hooks, so its harnesses start on Redis.
    before(async function () {
      this.timeout(20_000);
      redis = await startRedisServer();
      setHarnessStore(() => {
        created++;
        return new RedisStore({ url: redis.url, keyPrefix: `test${++prefixes}:` });
      });
    });
    fn('redis');
    // Registered after the suite's own hooks, so its harnesses have closed their connections first.
    after(async () => {
      setHarnessStore(undefined);
      await redis?.stop();
      // A suite that never reached the harness would pass here without having touched Redis.
      if (created === 0) throw new Error(`"${title}" started no harness on the Redis store`);
    });
  });
}
