/**
 * The store behind every grant record (SPEC §8): small enough that a Redis store implements it with a few
 * atomic commands. Values are JSON records; keys are namespaced by the caller; secrets and tokens are never
 * keys or values in clear, only their hashes.
 */
export type StoreValue = Record<string, unknown>;

export interface Store {
  /** Writes `value` under `key`, expiring after `ttlSeconds` (omitted: kept until deleted). */
  put(key: string, value: StoreValue, ttlSeconds?: number): Promise<void>;
  /** Writes only if `key` is absent; true when written. */
  putIfAbsent(key: string, value: StoreValue, ttlSeconds?: number): Promise<boolean>;
  get<T extends StoreValue = StoreValue>(key: string): Promise<T | undefined>;
  /** Reads and deletes in one step: of concurrent takers, exactly one gets the value. */
  take<T extends StoreValue = StoreValue>(key: string): Promise<T | undefined>;
  /**
   * Takes `key` like {@link Store.take} and, in the same atomic step, leaves a marker under `markerKey` (expiring
   * after `markerTtlSeconds`) holding the taken record's members named in `markerFields`. Nothing is written when
   * `key` is absent. A used authorization code is marked this way, so a concurrent replay that finds the code
   * gone always finds the marker. In the Redis store both keys must share a hash slot (a hash tag).
   */
  takeAndMark<T extends StoreValue = StoreValue>(key: string, markerKey: string, markerFields: readonly string[], markerTtlSeconds: number): Promise<T | undefined>;
  delete(key: string): Promise<void>;
  /**
   * Replaces the value only if the stored one still equals `expected` (compared as JSON); true when replaced.
   * This is how refresh rotation stays atomic across instances.
   */
  compareAndSwap(key: string, expected: StoreValue, next: StoreValue, ttlSeconds?: number): Promise<boolean>;
  /** True when any of the keys exists (one round trip: the bearer check's revocation lookup). */
  existsAny(keys: string[]): Promise<boolean>;
  /**
   * Adds `member` to the set at `key`; the member expires after `ttlSeconds` (adding it again renews it), and
   * the set with its last member. One atomic step per key. How grants are indexed by Clerk session and user.
   */
  addToSet(key: string, member: string, ttlSeconds: number): Promise<void>;
  /** The live members of the set at `key` (none when absent), in no particular order. */
  setMembers(key: string): Promise<string[]>;
  /** Removes `member` from the set at `key`; removing a missing member is fine. */
  removeFromSet(key: string, member: string): Promise<void>;
  /** Optional: resolves once the backend is reachable (a networked store connecting at startup). */
  ready?(): Promise<void>;
}

/**
 * What a store throws when its backend cannot be reached. Endpoints answer it with 503
 * `temporarily_unavailable` (a redirect error at the authorization endpoint once the client is known), and the
 * process stays up.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1 temporarily_unavailable
 */
export class StoreUnavailableError extends Error {
  readonly code = 'ERR_STORE_UNAVAILABLE';
  constructor(message = 'the grant store is unavailable', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
