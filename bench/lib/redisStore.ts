/**
 * The kit's Redis store (`RedisStore`, src/store/redis.ts) for the bench's Redis runs, opened on a URL (one Redis)
 * or on `cluster:<node URL>,<node URL>,…` (a Redis Cluster, see ./redisCluster.ts) and waited for. Loaded lazily:
 * the memory runs need neither it nor ioredis.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../src/store/store.js';

const modulePath = new URL('../../src/store/redis.ts', import.meta.url);

/** `true`, or why the Redis runs cannot happen here. */
export async function redisStoreAvailable(): Promise<true | string> {
  if (!existsSync(fileURLToPath(modulePath))) return 'src/store/redis.ts (RedisStore) is not in this tree';
  const { redisServerPath } = await import('./redis.js');
  if (!redisServerPath()) return 'redis-server is not installed (apt-get install -y redis-server)';
  return true;
}

/** The `--store=` spec of a Redis Cluster: `cluster:` and some of its nodes' URLs, comma-separated. */
export const CLUSTER_SPEC_PREFIX = 'cluster:';

export async function openRedisStore(spec: string): Promise<Store> {
  const { RedisStore } = await import('../../src/store/redis.js');
  const store = spec.startsWith(CLUSTER_SPEC_PREFIX)
    ? new RedisStore({ clusterNodes: spec.slice(CLUSTER_SPEC_PREFIX.length).split(','), keyPrefix: 'bench:' })
    : new RedisStore({ url: spec, keyPrefix: 'bench:' });
  await store.ready(10_000);
  return store;
}
