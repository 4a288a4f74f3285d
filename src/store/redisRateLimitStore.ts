/**
 * Rate limits shared by every instance (SPEC §9): express-rate-limit's Redis store (`rate-limit-redis`) on the
 * grant store's connection, one key space per limiter so `/register` and `/token` never count each other's hits.
 */
import { createHash } from 'node:crypto';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { RedisReply } from 'rate-limit-redis';
import { ConfigurationError } from '../config/options.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, sendCommand, type RedisClientLike } from './redisConnection.js';
import { RedisStore } from './redis.js';

export type RateLimiterName = 'register' | 'token' | 'authorize';

export interface RedisRateLimitStoreOptions {
  /** Key prefix; the limiter's name follows it. Default: the RedisStore's prefix + `rl:` (`cmi:rl:`). */
  prefix?: string;
  /** How long one command may take. Default 2000 ms. */
  commandTimeoutMs?: number;
}

/**
 * The `rateLimit.store` option of `createMcpIssuer`: `{ rateLimit: { store: await redisRateLimitStore(store) } }`.
 * Pass the {@link RedisStore} (one connection for both), an ioredis client, or a URL (a connection of its own).
 *
 * While Redis is unreachable the limited endpoints answer 503 `temporarily_unavailable`, like the grant store;
 * counting resumes with the connection.
 */
export async function redisRateLimitStore(
  source: RedisStore | RedisClientLike | string,
  options: RedisRateLimitStoreOptions = {},
): Promise<(limiter: RateLimiterName) => RateLimitStore> {
  let rateLimitRedis: typeof import('rate-limit-redis');
  try {
    rateLimitRedis = await import('rate-limit-redis');
  } catch (cause) {
    throw new ConfigurationError(`redisRateLimitStore needs the rate-limit-redis package (an optional peer dependency): npm install rate-limit-redis (${(cause as Error).message})`);
  }
  const store = typeof source === 'string' ? new RedisStore({ url: source }) : source instanceof RedisStore ? source : undefined;
  const client = store ? await store.connection() : (source as RedisClientLike);
  const prefix = options.prefix ?? `${store?.keyPrefix ?? 'cmi:'}rl:`;
  const timeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;

  const send = async (command: string, ...args: string[]): Promise<RedisReply> => {
    try {
      return (await sendCommand(client, timeout, command, args)) as RedisReply;
    } catch (error) {
      // rate-limit-redis loads its scripts once, at startup, and keeps a failed load forever. Answer SCRIPT LOAD
      // with the hash Redis would return: the first EVALSHA then meets NOSCRIPT and the store loads it for real,
      // so a limiter created while Redis was down recovers with the connection.
      if (command.toUpperCase() === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD') return createHash('sha1').update(args[1]).digest('hex');
      throw error;
    }
  };
  return (limiter) => new rateLimitRedis.RedisStore({ sendCommand: send, prefix: `${prefix}${limiter}:` });
}
