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
  /** Further ioredis options for a client the store creates from a URL (yours win over the store's). */
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

/**
 * Reports an outage once when it starts and once when it ends. The listener on `error` is also what keeps the
 * process alive: an EventEmitter `error` event with no listener throws.
 */
export function watchConnection(client: RedisClientLike, logger: Logger): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn('grant store: Redis unreachable; OAuth endpoints answer 503 temporarily_unavailable until it is back', { message: error?.message });
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('grant store: Redis reachable again');
  });
}

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
    return await Promise.race([client.call(command, ...args), timedOut]);
  } catch (error) {
    throw toStoreError(error);
  } finally {
    clearTimeout(timer);
  }
}
