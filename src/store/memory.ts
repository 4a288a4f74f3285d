/**
 * The default store: one process, in memory. Values are kept as JSON text, so a record read back is a copy
 * (no caller can mutate the stored state) and memory per record stays small.
 */
import type { Store, StoreValue } from './store.js';

/**
 * The same text as one flat string. V8 builds JSON.stringify's output as a rope (a 32-byte node per piece, the
 * pieces each with their own header); a record kept for hours should not keep that shape. A UTF-8 round trip is
 * lossless here (JSON.stringify never emits a lone surrogate) and costs well under a microsecond per record;
 * it saves ~240 bytes of heap per grant (`npm run bench`, memory part).
 */
function flatText(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

interface Entry {
  json: string;
  /** Expiry in ms since the epoch; 0 for none. */
  expiresAt: number;
}

export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  /** Sets of expiring members (grant indexes): member → expiry in ms since the epoch. */
  readonly #sets = new Map<string, Map<string, number>>();
  #sweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt !== 0 && entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #write(key: string, value: StoreValue, ttlSeconds?: number): void {
    const now = this.now();
    this.#entries.set(key, { json: flatText(JSON.stringify(value)), expiresAt: ttlSeconds ? now + ttlSeconds * 1000 : 0 });
    // Expired records are dropped lazily on read; a sweep now and then bounds memory for keys never read again.
    if (now >= this.#sweepAt) {
      this.#sweepAt = now + 60_000;
      for (const [k, e] of this.#entries) if (e.expiresAt !== 0 && e.expiresAt <= now) this.#entries.delete(k);
      for (const k of this.#sets.keys()) this.#liveSet(k);
    }
  }

  async put(key: string, value: StoreValue, ttlSeconds?: number): Promise<void> {
    this.#write(key, value, ttlSeconds);
  }

  async putIfAbsent(key: string, value: StoreValue, ttlSeconds?: number): Promise<boolean> {
    if (this.#live(key)) return false;
    this.#write(key, value, ttlSeconds);
    return true;
  }

  async get<T extends StoreValue>(key: string): Promise<T | undefined> {
    const entry = this.#live(key);
    return entry ? (JSON.parse(entry.json) as T) : undefined;
  }

  async take<T extends StoreValue>(key: string): Promise<T | undefined> {
    const entry = this.#live(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    return JSON.parse(entry.json) as T;
  }

  async takeAndMark<T extends StoreValue>(key: string, markerKey: string, markerFields: readonly string[], markerTtlSeconds: number): Promise<T | undefined> {
    const record = await this.take<T>(key);
    if (record) this.#write(markerKey, Object.fromEntries(markerFields.filter((f) => Object.hasOwn(record, f)).map((f) => [f, record[f]])), markerTtlSeconds);
    return record;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
    this.#sets.delete(key);
  }

  async compareAndSwap(key: string, expected: StoreValue, next: StoreValue, ttlSeconds?: number): Promise<boolean> {
    const entry = this.#live(key);
    if (!entry || entry.json !== JSON.stringify(expected)) return false;
    this.#write(key, next, ttlSeconds);
    return true;
  }

  async existsAny(keys: string[]): Promise<boolean> {
    return keys.some((key) => this.#live(key) !== undefined || this.#liveSet(key) !== undefined);
  }

  /** The set at `key` without its expired members; dropped (undefined) once none is left. */
  #liveSet(key: string): Map<string, number> | undefined {
    const set = this.#sets.get(key);
    if (!set) return undefined;
    const now = this.now();
    for (const [member, expiresAt] of set) if (expiresAt <= now) set.delete(member);
    if (set.size > 0) return set;
    this.#sets.delete(key);
    return undefined;
  }

  /**
   * O(1): expired members are dropped when the set is read and by the periodic sweep, not on every add (one user's
   * index may hold thousands of grants, and every code exchange adds to it).
   */
  async addToSet(key: string, member: string, ttlSeconds: number): Promise<void> {
    let set = this.#sets.get(key);
    if (!set) this.#sets.set(key, (set = new Map<string, number>()));
    set.set(flatText(member), this.now() + ttlSeconds * 1000);
  }

  async setMembers(key: string): Promise<string[]> {
    return [...(this.#liveSet(key)?.keys() ?? [])];
  }

  async removeFromSet(key: string, member: string): Promise<void> {
    const set = this.#sets.get(key);
    set?.delete(member);
    if (set?.size === 0) this.#sets.delete(key);
  }

  /** Number of live records (for tests and the memory benchmark); a set counts as one. */
  get size(): number {
    return this.#entries.size + this.#sets.size;
  }
}
