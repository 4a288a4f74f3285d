/**
 * Rate limits shared by every instance (SPEC §9): express-rate-limit's Redis store (`rate-limit-redis`) on the
 * grant store's connection, one key space per limiter so `/register` and `/token` never count each other's hits.
 * On Redis Cluster each counter is one key, so its script runs on the master owning that key.
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
 * Pass the {@link RedisStore} (one connection for both, a cluster included), an ioredis client or `Cluster`, or a
 * URL (a connection of its own to one Redis).
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

  // rate-limit-redis loads its scripts with SCRIPT LOAD (no key: on a cluster it would reach one random node) and
  // keeps a failed load forever. So SCRIPT LOAD is answered here with the hash Redis would return, and an EVALSHA
  // that meets NOSCRIPT (a node that has not seen the script, a restarted Redis) runs as EVAL on the node owning
  // its key: a limiter created while Redis was down recovers with the connection, and every master gets the script.
  const scripts = new Map<string, string>();
  const send = async (command: string, ...args: string[]): Promise<RedisReply> => {
    const name = command.toUpperCase();
    if (name === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD') {
      const sha = createHash('sha1').update(args[1]).digest('hex');
      scripts.set(sha, args[1]);
      return sha;
    }
    try {
      return (await sendCommand(client, timeout, command, args)) as RedisReply;
    } catch (error) {
      const lua = name === 'EVALSHA' ? scripts.get(args[0]) : undefined;
      if (lua === undefined || !/^NOSCRIPT\b/.test((error as Error).message)) throw error;
      return (await sendCommand(client, timeout, 'EVAL', [lua, ...args.slice(1)])) as RedisReply;
    }
  };
  return (limiter) => new rateLimitRedis.RedisStore({ sendCommand: send, prefix: `${prefix}${limiter}:` });
}
