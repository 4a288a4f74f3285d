/**
 * A real Redis Cluster for one test file (SPEC §11): six `redis-server --cluster-enabled yes` processes on free
 * loopback ports (3 masters, 3 replicas), joined by `redis-cli --cluster create`, nothing persisted but each
 * node's cluster config (in a temporary directory removed by `stop()`). A node timeout of 1 s makes a killed
 * master's replica take over within a few seconds, which is what the failover tests need.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, launchRedisServer } from './redisServer.js';

const run = promisify(execFile);

/** How long a node may be silent before the others call it failed (and its replica takes over). */
export const CLUSTER_NODE_TIMEOUT_MS = 1000;

export interface RedisCluster {
  /** `redis://127.0.0.1:<port>` of every node, masters first: seeds for `RedisStore({ clusterNodes })`. */
  nodes: string[];
  /** The ports of the nodes still running. */
  ports(): number[];
  /** Sends one command with `redis-cli` to the node on `port`; its reply as text. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The hash slot of `key` (CLUSTER KEYSLOT, Redis's own answer). */
  keySlot(key: string): Promise<number>;
  /** The port of the master serving `key`'s slot now. */
  masterOf(key: string): Promise<number>;
  /** Kills the node on `port` outright (SIGKILL), as a crash would. */
  kill(port: number): Promise<void>;
  /** Waits until the other nodes see `port` failed, its replica is promoted and the cluster is `ok` again. */
  waitForFailover(port: number, timeoutMs?: number): Promise<void>;
  /** Stops every node and removes the cluster's directory. */
  stop(): Promise<void>;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout.trim();
}

/** `CLUSTER NODES` of a live node: each node's port, flags and the slot ranges it serves. */
async function clusterNodes(port: number): Promise<Array<{ port: number; flags: string[]; slots: Array<[number, number]> }>> {
  return (await cli(port, 'CLUSTER', 'NODES'))
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [, address, flags, , , , , , ...slots] = line.split(' ');
      return {
        port: Number(address.split('@')[0].split(':').at(-1)),
        flags: flags.split(','),
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s) => s.split('-').map(Number))
          .map(([from, to]) => [from, to ?? from] as [number, number]),
      };
    });
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Redis Cluster: ${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Every live node says `cluster_state:ok`, and agrees that live masters serve all 16384 slots. */
async function healthy(ports: number[]): Promise<boolean> {
  for (const port of ports) {
    if (!(await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
    const nodes = await clusterNodes(port);
    const covered = nodes
      .filter((n) => n.flags.includes('master') && !n.flags.some((f) => f === 'fail' || f === 'fail?') && ports.includes(n.port))
      .flatMap((n) => n.slots)
      .reduce((sum, [from, to]) => sum + to - from + 1, 0);
    if (covered !== 16384) return false;
  }
  return true;
}

/** Starts a 3-master, 3-replica cluster on loopback and waits until it serves every slot with synced replicas. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'cmi-cluster-'));
  const children = new Map<number, ChildProcess>();
  const ports: number[] = [];
  try {
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      const child = await launchRedisServer(port, [
        '--cluster-enabled', 'yes',
        '--cluster-config-file', join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout', String(CLUSTER_NODE_TIMEOUT_MS),
        '--dir', dir,
      ]);
      children.set(port, child);
      ports.push(port);
    }
    // The first three become masters, the next three their replicas.
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
    await until('every node ok with all slots served', 20_000, () => healthy(ports));
    await until('every replica in sync', 20_000, async () => {
      for (const port of ports) {
        const info = await cli(port, 'INFO', 'replication');
        if (info.includes('role:slave') && !info.includes('master_link_status:up')) return false;
      }
      return true;
    });
  } catch (error) {
    for (const child of children.values()) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const live = () => ports.filter((p) => children.get(p)?.exitCode === null && children.get(p)?.signalCode === null);
  const keySlot = async (key: string) => Number(await cli(live()[0], 'CLUSTER', 'KEYSLOT', key));
  return {
    nodes: ports.map((p) => `redis://127.0.0.1:${p}`),
    ports: live,
    cli,
    keySlot,
    async masterOf(key) {
      const slot = await keySlot(key);
      const master = (await clusterNodes(live()[0])).find(
        (n) => n.flags.includes('master') && !n.flags.includes('fail') && n.slots.some(([from, to]) => from <= slot && slot <= to),
      );
      if (!master) throw new Error(`Redis Cluster: no live master serves slot ${slot}`);
      return master.port;
    },
    async kill(port) {
      const child = children.get(port);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
    async waitForFailover(port, timeoutMs = 20_000) {
      await until(`node ${port} seen failed and replaced`, timeoutMs, async () => {
        const others = live();
        for (const other of others) {
          const failed = (await clusterNodes(other)).find((n) => n.port === port);
          if (!failed?.flags.includes('fail')) return false;
        }
        return healthy(others);
      });
    },
    async stop() {
      for (const port of live()) {
        const child = children.get(port)!;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
