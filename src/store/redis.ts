/**
 * The Redis store: several instances of the MCP server share one grant store (SPEC §8). Every operation of the
 * {@link Store} contract is one Redis command, so each is atomic on the server: `take` is GETDEL (of concurrent
 * redemptions of one code exactly one gets it), `takeAndMark` and `compareAndSwap` are Lua scripts (code redemption
 * with its used-code marker, refresh rotation), every write carries its TTL in the same command (nothing is ever
 * written without its expiry). Values are the same JSON text the memory store keeps, so compare-and-swap compares
 * exactly what was read.
 *
 * While Redis is unreachable every call throws {@link StoreUnavailableError} at once (503
 * `temporarily_unavailable`); the connection comes back by itself.
 *
 * On Redis Cluster (SPEC §11) every atomic step touches one hash slot: the keys a script touches are all in its
 * KEYS and share a hash tag (`code:{h}` / `code-used:{h}`, `revoked-grant:{gid}` / `revoked-jti:{gid}:…`, see
 * `KEYS` in src/grants/grant.ts); the key prefix stays outside the tag.
 */
import { createHash } from 'node:crypto';
import { consoleLogger } from '../logging/logger.js';
import {
  createRedisClient,
  createRedisCluster,
  DEFAULT_COMMAND_TIMEOUT_MS,
  sendCommand,
  watchConnection,
  type RedisClientLike,
  type RedisConnectionOptions,
} from './redisConnection.js';
import { StoreUnavailableError, type Store, type StoreValue } from './store.js';

export type { RedisClientLike } from './redisConnection.js';

export interface RedisStoreOptions extends RedisConnectionOptions {
  /** `redis://[[user]:password@]host:port[/db]`, or `rediss://` for TLS. The store owns this connection. */
  url?: string;
  /**
   * An ioredis client you own instead of `url` (the store attaches an `error` listener; `close()` leaves it
   * open). Create it with `enableOfflineQueue: false`, `maxRetriesPerRequest: 0` and
   * `autoResendUnfulfilledCommands: false` to fail as fast as a store made from a URL.
   */
  client?: RedisClientLike;
  /**
   * Redis Cluster (or Valkey / a managed cluster mode) instead of `url`: a few of its nodes as
   * `redis://[[user]:password@]host:port` (`rediss://` for TLS); the rest is discovered. The store owns this
   * connection. An ioredis `Cluster` you create yourself goes in `client` instead.
   */
  clusterNodes?: readonly string[];
  /** Further ioredis `ClusterOptions` for a cluster the store creates from `clusterNodes` (yours win). */
  clusterOptions?: Record<string, unknown>;
  /** Prefix of every key, so one Redis can serve other data (or several issuers). Default `cmi:`. */
  keyPrefix?: string;
}

/** A Lua script run by hash, loaded once per Redis server (EVAL on NOSCRIPT, e.g. after a Redis restart). */
interface Script {
  lua: string;
  sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * Replaces KEYS[1] with ARGV[2] only if it still holds exactly ARGV[1] (JSON text); ARGV[3] is the TTL in
 * milliseconds, or empty for none. A missing key never matches.
 */
const COMPARE_AND_SWAP = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`);

/**
 * Takes KEYS[1] (GETDEL) and, when it was there, writes under KEYS[2] the JSON object of the taken record's members
 * named in ARGV[2..], expiring after ARGV[1] ms: one step, so a replay that finds the code gone finds its marker.
 * The record must be a JSON object (every store value is); cjson is part of every Redis scripting engine.
 */
const TAKE_AND_MARK = script(`
local taken = redis.call('GETDEL', KEYS[1])
if not taken then return false end
local record = cjson.decode(taken)
local marker = {}
local kept = false
for i = 2, #ARGV do
  if record[ARGV[i]] ~= nil then marker[ARGV[i]] = record[ARGV[i]]; kept = true end
end
redis.call('SET', KEYS[2], kept and cjson.encode(marker) or '{}', 'PX', ARGV[1])
return taken
`);

/**
 * A set of expiring members is a sorted set scored by each member's expiry (ms, Redis's clock, so every instance
 * agrees). Adding drops the expired members, adds or renews this one, and keeps the key until its last member
 * expires: the index never grows past the grants that are still alive. ARGV[1] member, ARGV[2] TTL in ms.
 */
const ADD_TO_SET = script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = now + tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], expiry, ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`);

/** The members of KEYS[1] that have not expired by Redis's clock. */
const SET_MEMBERS = script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
`);

/** The `PX` argument for a TTL in seconds (omitted or 0: no expiry, as in the memory store). */
function ttlMs(ttlSeconds: number | undefined): string {
  return ttlSeconds ? String(Math.max(1, Math.round(ttlSeconds * 1000))) : '';
}

/**
 * Keys grouped so that each group shares a hash slot: Redis Cluster hashes only the first non-empty `{…}` of a
 * key when it has one (equal tags, one slot), else the whole key.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags
 */
function bySlot(keys: string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const open = key.indexOf('{');
    const close = open < 0 ? -1 : key.indexOf('}', open + 1);
    const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
    groups.set(hashed, [...(groups.get(hashed) ?? []), key]);
  }
  return [...groups.values()];
}

function parse<T>(reply: unknown): T | undefined {
  return typeof reply === 'string' ? (JSON.parse(reply) as T) : undefined;
}

export class RedisStore implements Store {
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #owned: boolean;
  readonly #loading: Promise<RedisClientLike>;
  #client?: RedisClientLike;

  constructor(options: RedisStoreOptions) {
    if ([options.url, options.client, options.clusterNodes].filter(Boolean).length !== 1) {
      throw new TypeError('RedisStore: pass exactly one of `url`, `clusterNodes` or `client`');
    }
    this.#prefix = options.keyPrefix ?? 'cmi:';
    this.#timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.#owned = !options.client;
    const logger = options.logger ?? consoleLogger();
    const opening = options.client
      ? Promise.resolve(options.client)
      : options.clusterNodes
        ? createRedisCluster(options.clusterNodes, options)
        : createRedisClient(options.url!, options);
    this.#loading = opening.then((client) => {
      watchConnection(client, logger);
      this.#client = client;
      return client;
    });
    // A missing ioredis surfaces on ready() and on every call; it must not be an unhandled rejection meanwhile.
    this.#loading.catch(() => undefined);
  }

  /** The key prefix in use (`cmi:` unless configured). */
  get keyPrefix(): string {
    return this.#prefix;
  }

  /** The connection (for {@link redisRateLimitStore} to share it). */
  connection(): Promise<RedisClientLike> {
    return this.#loading;
  }

  /**
   * Resolves once Redis answers; rejects with {@link StoreUnavailableError} after `timeoutMs` (the store keeps
   * reconnecting regardless). Optional: a store that is not ready yet answers 503 until it is.
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    const client = await this.#loading;
    if (client.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new StoreUnavailableError(`the grant store (Redis) did not become ready within ${timeoutMs} ms`)), timeoutMs);
      client.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Closes a connection the store opened from `url` or `clusterNodes`; a client you passed stays open. */
  async close(): Promise<void> {
    if (!this.#owned) return;
    const client = await this.#loading.catch(() => undefined);
    if (!client) return;
    if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
    else client.disconnect();
  }

  async #call(command: string, ...args: Array<string | number>): Promise<unknown> {
    return sendCommand(this.#client ?? (await this.#loading), this.#timeoutMs, command, args);
  }

  async #eval(s: Script, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.#call('EVALSHA', s.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!/^NOSCRIPT\b/.test((error as Error).message)) throw error;
      return this.#call('EVAL', s.lua, keys.length, ...keys, ...args);
    }
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  async put(key: string, value: StoreValue, ttlSeconds?: number): Promise<void> {
    const px = ttlMs(ttlSeconds);
    await this.#call('SET', this.#key(key), JSON.stringify(value), ...(px ? ['PX', px] : []));
  }

  async putIfAbsent(key: string, value: StoreValue, ttlSeconds?: number): Promise<boolean> {
    const px = ttlMs(ttlSeconds);
    return (await this.#call('SET', this.#key(key), JSON.stringify(value), 'NX', ...(px ? ['PX', px] : []))) === 'OK';
  }

  async get<T extends StoreValue>(key: string): Promise<T | undefined> {
    return parse<T>(await this.#call('GET', this.#key(key)));
  }

  /** GETDEL (Redis ≥ 6.2): read and delete in one command, so one of concurrent takers wins. */
  async take<T extends StoreValue>(key: string): Promise<T | undefined> {
    return parse<T>(await this.#call('GETDEL', this.#key(key)));
  }

  /** One Lua script (GETDEL, then SET of the marker): the two keys must share a hash slot on Redis Cluster. */
  async takeAndMark<T extends StoreValue>(key: string, markerKey: string, markerFields: readonly string[], markerTtlSeconds: number): Promise<T | undefined> {
    return parse<T>(await this.#eval(TAKE_AND_MARK, [this.#key(key), this.#key(markerKey)], [String(Math.max(1, Math.round(markerTtlSeconds * 1000))), ...markerFields]));
  }

  async delete(key: string): Promise<void> {
    await this.#call('DEL', this.#key(key));
  }

  async compareAndSwap(key: string, expected: StoreValue, next: StoreValue, ttlSeconds?: number): Promise<boolean> {
    return (await this.#eval(COMPARE_AND_SWAP, [this.#key(key)], [JSON.stringify(expected), JSON.stringify(next), ttlMs(ttlSeconds)])) === 1;
  }

  /**
   * One EXISTS. On a cluster, one EXISTS per hash slot, in parallel (a multi-key command must stay in one slot):
   * the bearer check's keys share the grant's tag, so it is still one round trip; the grant index asks about a
   * session and a user, two slots. That needs no atomicity: the keys asked about are markers that are only
   * ever written (and expire), so checking them one by one answers what a single check would have.
   */
  async existsAny(keys: string[]): Promise<boolean> {
    if (keys.length === 0) return false;
    const client = this.#client ?? (await this.#loading);
    const groups = client.isCluster ? bySlot(keys.map((k) => this.#key(k))) : [keys.map((k) => this.#key(k))];
    const counts = await Promise.all(groups.map((group) => this.#call('EXISTS', ...group)));
    return counts.some((count) => Number(count) > 0);
  }

  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    await this.#eval(ADD_TO_SET, [this.#key(key)], [member, ttlMs(ttlSeconds) || '1']);
  }

  async setMembers(key: string): Promise<string[]> {
    const reply = await this.#eval(SET_MEMBERS, [this.#key(key)], []);
    return Array.isArray(reply) ? reply.map(String) : [];
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    await this.#call('ZREM', this.#key(key), member);
  }
}
