/**
 * One Redis connection as the stores need it: loaded on demand (ioredis is an optional peer dependency), never
 * queueing a command while disconnected, reconnecting by itself with capped backoff, and failing every command
 * promptly with {@link StoreUnavailableError} while Redis cannot answer. Shared by the grant store and the
 * rate-limit store so both behave the same during an outage.
 */
import { ConfigurationError, type Logger } from '../config/options.js';
import { StoreUnavailableError } from './store.js';

/**
 * The part of an ioredis client (v5 or v6) the stores use. Declared here so that our type declarations do not
 * name the optional `ioredis` package.
 */
export interface RedisClientLike {
  /** ioredis connection status: commands are sent only when `ready`. */
  readonly status: string;
  /** `true` on an ioredis `Cluster`: keys in different hash slots cannot meet in one command. */
  readonly isCluster?: boolean;
  call(command: string, ...args: Array<string | number>): Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  on(event: string, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  once(event: string, listener: (...args: any[]) => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

export interface RedisConnectionOptions {
  /** How long one command may take before the store reports itself unavailable. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Further ioredis options for a client the store creates from a URL, or for each cluster node (yours win). */
  redisOptions?: Record<string, unknown>;
  /** Where outages and recoveries are reported (once each). Default: the kit's console logger at `warn`. */
  logger?: Logger;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 2000;

/** Reconnect backoff: 100 ms doubling to a 3 s ceiling, forever (the store never gives up on Redis). */
export function reconnectDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt - 1, 5), 3000);
}

/**
 * Creates an ioredis client for `url`. Its options are what make outages cheap: no offline queue (a command
 * while disconnected fails now instead of waiting for a reconnect that may never come), a command in flight when
 * the connection drops fails at once and is never replayed after reconnecting (a replayed write could land after
 * the client was already told 503), and a per-command timeout for a Redis that accepts but does not answer.
 */
export async function createRedisClient(url: string, options: RedisConnectionOptions): Promise<RedisClientLike> {
  let Redis: (typeof import('ioredis'))['Redis'];
  try {
    ({ Redis } = await import('ioredis'));
  } catch (cause) {
    throw new ConfigurationError(`RedisStore needs the ioredis package (an optional peer dependency): npm install ioredis (${(cause as Error).message})`);
  }
  const timeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: timeout,
    connectTimeout: Math.max(timeout, 2000),
    retryStrategy: reconnectDelay,
    ...options.redisOptions,
  });
}

/** A cluster node as `redis://[[user]:password@]host:port` (`rediss://` for TLS) or plain `host:port`. */
function clusterNode(node: string): { host: string; port: number; username?: string; password?: string; tls: boolean } {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(node) ? node : `redis://${node}`);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigurationError(`RedisStore: cluster node ${url.protocol}//${url.host} is not redis:// or rediss://`);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:',
  };
}

/**
 * Creates an ioredis `Cluster` from its seed nodes (any few nodes; the rest is discovered), failing as fast as
 * {@link createRedisClient} does. The cluster-specific part is what happens while a master fails over: a command
 * whose connection closed or that met CLUSTERDOWN is not retried by ioredis (`retryDelayOnFailover` and
 * `retryDelayOnClusterDown` 0), so it fails at once with 503 and is never replayed after the client was told so;
 * a MOVED or ASK redirect (the command did not run) is still followed, and the first MOVED after the replica's
 * promotion refreshes the slot map, which is how the store recovers by itself. Credentials and TLS come from the
 * first node (a cluster shares them).
 */
export async function createRedisCluster(nodes: readonly string[], options: RedisConnectionOptions & { clusterOptions?: Record<string, unknown> }): Promise<RedisClientLike> {
  let Cluster: (typeof import('ioredis'))['Cluster'];
  try {
    ({ Cluster } = await import('ioredis'));
  } catch (cause) {
    throw new ConfigurationError(`RedisStore needs the ioredis package (an optional peer dependency): npm install ioredis (${(cause as Error).message})`);
  }
  if (nodes.length === 0) throw new ConfigurationError('RedisStore: `clusterNodes` names no node');
  const parsed = nodes.map(clusterNode);
  const { username, password, tls } = parsed[0];
  const timeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return new Cluster(
    parsed.map(({ host, port }) => ({ host, port })),
    {
      // Not the outage queue it is on one Redis: commands are only ever sent while the cluster is `ready` (see
      // sendCommand). Left on, it lets a command wait for a node connection being opened (ioredis connects to each
      // node on first use), which is bounded by the connect timeout and never replayed after a failure.
      enableOfflineQueue: true,
      clusterRetryStrategy: reconnectDelay,
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 0,
      slotsRefreshTimeout: Math.max(timeout, 1000),
      ...options.clusterOptions,
      redisOptions: {
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        commandTimeout: timeout,
        connectTimeout: Math.max(timeout, 2000),
        ...(username ? { username } : {}),
        ...(password ? { password } : {}),
        ...(tls ? { tls: {} } : {}),
        ...options.redisOptions,
      },
    },
  ) as unknown as RedisClientLike;
}

/**
 * Reports an outage once when it starts and once when it ends (on a cluster: a master failing over). The listener
 * on `error` is also what keeps the process alive: an EventEmitter `error` event with no listener throws.
 */
export function watchConnection(client: RedisClientLike, logger: Logger): void {
  let down = false;
  const lost = (error: Error) => {
    if (down) return;
    down = true;
    logger.warn('grant store: Redis unreachable; OAuth endpoints answer 503 temporarily_unavailable until it is back', { message: error?.message });
  };
  const back = () => {
    if (!down) return;
    down = false;
    logger.info('grant store: Redis reachable again');
  };
  client.on('error', lost);
  client.on('ready', back);
  if (client.isCluster) {
    // A cluster stays `ready` while one master fails over, and other slots keep answering: the outage shows as
    // errors of that node, its end as a command answered once no node has failed for a while.
    let lastNodeError = 0;
    client.on('node error', (error: Error) => {
      lastNodeError = Date.now();
      lost(error);
    });
    answered.set(client, () => {
      if (down && Date.now() - lastNodeError > CLUSTER_QUIET_MS) back();
    });
  }
}

/** How long a cluster must go without a node error before an answered command counts as recovery. */
const CLUSTER_QUIET_MS = 1000;

/** Per watched cluster: what to do when a command was answered. */
const answered = new WeakMap<RedisClientLike, () => void>();

/** Redis replies that mean "not now" rather than "wrong command": the client may retry later. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|TRYAGAIN|CLUSTERDOWN|NOREPLICAS)\b/;

/**
 * Maps a failed command to what the kit understands: connection loss, timeouts and "not now" replies become
 * {@link StoreUnavailableError} (503 `temporarily_unavailable`); any other Redis reply error is a bug and stays
 * itself (a visible 500).
 */
export function toStoreError(error: unknown): Error {
  if (error instanceof StoreUnavailableError) return error;
  const e = error as Error;
  if (e?.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(e.message)) return e;
  return new StoreUnavailableError(`the grant store (Redis) is unavailable: ${e?.message ?? String(error)}`, { cause: error });
}

/**
 * Sends one command: refused at once unless the connection is ready (so a client you pass with an offline
 * queue still never queues for us), bounded by `timeoutMs`, errors mapped by {@link toStoreError}.
 */
export async function sendCommand(client: RedisClientLike, timeoutMs: number, command: string, args: Array<string | number>): Promise<unknown> {
  if (client.status !== 'ready') throw new StoreUnavailableError(`the grant store (Redis) is not connected (${client.status})`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`the grant store (Redis) did not answer ${command} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const reply = await Promise.race([client.call(command, ...args), timedOut]);
    answered.get(client)?.();
    return reply;
  } catch (error) {
    throw toStoreError(error);
  } finally {
    clearTimeout(timer);
  }
}
