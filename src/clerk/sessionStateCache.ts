/**
 * A few seconds of memory for what `/authorize` asks Clerk about a browser's session: its state (active, when
 * it authenticated) and the consent page's user label. One signed-in browser reloading `/authorize` (or a page
 * that loops it) then costs at most one session lookup and one user lookup per session per window, instead of
 * two Backend API calls per request against the Clerk instance's quota (SPEC §11 "Clerk calls are bounded").
 *
 * Concurrent requests share one lookup. A session found ended stays ended; an outage is not remembered.
 */
import { ClerkSessionEndedError, type ClerkIdentity, type ClerkSessionState } from './clerkIdentity.js';

/** How long an answer is reused. A session signed out in Clerk may still pass `/authorize` for this long. */
export const SESSION_STATE_TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  value: Promise<T>;
  expiresAt: number;
}

/** A small TTL map of promises, bounded (oldest first out). */
class Memo<T> {
  readonly #entries = new Map<string, Entry<T>>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(key: string, load: () => Promise<T>, keepError: (error: unknown) => boolean): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    this.#entries.delete(key);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value as string);
    const value = load();
    value.catch((error: unknown) => {
      if (!keepError(error) && this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    this.#entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    return value;
  }
}

export class ClerkSessionStateCache {
  readonly #states: Memo<ClerkSessionState>;
  readonly #labels: Memo<string>;

  constructor(
    private readonly identity: Pick<ClerkIdentity, 'activeSession' | 'userLabel'>,
    ttlMs = SESSION_STATE_TTL_MS,
    now: () => number = Date.now,
  ) {
    this.#states = new Memo(ttlMs, now);
    this.#labels = new Memo(ttlMs, now);
  }

  /** {@link ClerkIdentity.activeSession}, reused for the window; an ended session's error is reused too. */
  activeSession(sessionId: string): Promise<ClerkSessionState> {
    return this.#states.get(sessionId, () => this.identity.activeSession(sessionId), (error) => error instanceof ClerkSessionEndedError);
  }

  /** {@link ClerkIdentity.userLabel} of the session's user, reused for the window (keyed by session). */
  userLabel(sessionId: string, userId: string): Promise<string> {
    return this.#labels.get(sessionId, () => this.identity.userLabel(userId), () => false);
  }
}
