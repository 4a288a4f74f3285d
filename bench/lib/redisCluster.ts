/**
 * A throwaway 3-master Redis Cluster (3 replicas) on loopback for the bench's `cluster_vs_redis` runs: the test
 * suite's cluster (test/support/redisCluster.ts: same processes, same teardown), handed to the server child as its
 * `--store=` spec.
 */
import { startRedisCluster } from '../../test/support/redisCluster.js';
import { CLUSTER_SPEC_PREFIX } from './redisStore.js';

export async function startCluster(): Promise<{ spec: string; nodes: string[]; stop(): Promise<void> }> {
  const cluster = await startRedisCluster();
  const seeds = cluster.nodes.slice(0, 3);
  return { spec: `${CLUSTER_SPEC_PREFIX}${seeds.join(',')}`, nodes: cluster.nodes, stop: () => cluster.stop() };
}
