/**
 * Refresh tokens: opaque, stored hashed, rotated on every use, one family per grant. Reuse of a rotated
 * token outside a short grace window revokes the family (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2).
 *
 * Concurrent refreshes with one token are normal (several tabs, retries). Inside the grace window they all
 * get the same successor: the successor is derived from the presented token under a server key, so the same
 * token always rotates to the same successor and nothing but hashes is ever stored.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2 refresh token rotation
 */
import { deriveKey, hashCredential, mac, randomCredential } from '../crypto/secrets.js';
import type { Store } from '../store/store.js';
import { KEYS, type Grant } from './grant.js';
import type { Revocations } from './revocation.js';

export interface RefreshFamily extends Grant {
  /** Hash of the one refresh token that rotates normally. */
  current: string;
  /** Hash of its predecessor, still answered within the grace window. */
  previous?: string;
  /** When `current` was issued (seconds). */
  rotatedAt: number;
  /** When the family ends (seconds). */
  expiresAt: number;
}

export type RefreshOutcome =
  | { ok: true; family: RefreshFamily; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'reused' | 'expired' | 'wrong_client' };

export class RefreshFamilies {
  /** Derived from each of our keys, signer first: the signer's makes successors, any one's is recognised. */
  readonly #successorKeys: Buffer[];

  constructor(
    private readonly store: Store,
    private readonly revocations: Revocations,
    private readonly lifetime: number,
    private readonly grace: number,
    serverSecrets: Uint8Array | Uint8Array[],
  ) {
    this.#successorKeys = (Array.isArray(serverSecrets) ? serverSecrets : [serverSecrets]).map((secret) => deriveKey(secret, 'refresh-successor'));
  }

  /** Starts the family of a grant and returns its first refresh token. */
  async start(grant: Grant, now: number): Promise<string> {
    const token = randomCredential(32);
    const hash = hashCredential(token);
    const family: RefreshFamily = { ...grant, current: hash, rotatedAt: now, expiresAt: now + this.lifetime };
    await this.store.put(KEYS.family(grant.grantId), family, this.lifetime);
    await this.store.put(KEYS.refreshToken(hash), { grantId: grant.grantId }, this.lifetime);
    return token;
  }

  /** Looks up the family a presented token belongs to, without rotating (revocation, pre-checks). */
  async find(token: string): Promise<RefreshFamily | undefined> {
    const ref = await this.store.get<{ grantId: string }>(KEYS.refreshToken(hashCredential(token)));
    return ref ? this.store.get<RefreshFamily>(KEYS.family(ref.grantId)) : undefined;
  }

  /**
   * True when `token` is a rotated token of `family` that no longer rotates: neither the current one nor its
   * predecessor within the grace window. Presenting it is reuse (RFC 9700 §4.14.2), whatever else the request says.
   */
  isReplay(family: RefreshFamily, token: string, now: number): boolean {
    const hash = hashCredential(token);
    return hash !== family.current && !(hash === family.previous && now - family.rotatedAt <= this.grace);
  }

  /**
   * Rotates: the current token yields its successor; its predecessor within the grace window yields the same
   * successor again; anything older (or the predecessor after the window) revokes the family.
   */
  async rotate(token: string, clientId: string, now: number, renewed?: Pick<Grant, 'claims' | 'checkedAt' | 'organization'>): Promise<RefreshOutcome> {
    const hash = hashCredential(token);
    const ref = await this.store.get<{ grantId: string }>(KEYS.refreshToken(hash));
    if (!ref) return { ok: false, reason: 'unknown' };
    for (let attempt = 0; attempt < 3; attempt++) {
      const family = await this.store.get<RefreshFamily>(KEYS.family(ref.grantId));
      // The revocation marker is written before the family is deleted: if the delete was lost, the marker still ends it.
      if (!family || (await this.revocations.isGrantRevoked(ref.grantId))) return { ok: false, reason: 'unknown' };
      // A token presented by another client is a stolen token: it says nothing about the family's owner.
      if (family.clientId !== clientId) return { ok: false, reason: 'wrong_client' };
      if (family.expiresAt <= now) return { ok: false, reason: 'expired' };
      const successor = mac(this.#successorKeys[0], token);
      const successorHash = hashCredential(successor);

      if (hash === family.current) {
        const ttl = family.expiresAt - now;
        // What Clerk confirmed for this refresh replaces what was kept: fresh identity claims (what /userinfo answers
        // from), the time, and the membership re-checked (an org-bound grant's role may change; its organization never does).
        const { organization, ...confirmed } = renewed ?? {};
        const membership = organization && family.organization?.id === organization.id ? { organization } : {};
        const next: RefreshFamily = { ...family, ...confirmed, ...membership, current: successorHash, previous: hash, rotatedAt: now };
        // The successor's lookup record first: should the store fail between the two writes, the family never
        // names a successor nobody can find (a lone lookup record for a token never handed out is harmless).
        await this.store.put(KEYS.refreshToken(successorHash), { grantId: family.grantId }, ttl);
        if (await this.store.compareAndSwap(KEYS.family(family.grantId), family, next, ttl)) {
          return { ok: true, family: next, refreshToken: successor };
        }
        continue; // another refresh rotated it first: read again, we are now the predecessor
      }
      if (hash === family.previous && now - family.rotatedAt <= this.grace) {
        // The instance that rotated derived the successor under its signing key; during a key rollout that may be
        // another of our published keys than ours.
        const given = family.current === successorHash ? successor : this.#successorKeys.slice(1).map((key) => mac(key, token)).find((s) => hashCredential(s) === family.current);
        if (given) return { ok: true, family, refreshToken: given };
      }
      await this.revocations.revokeGrant(family.grantId);
      return { ok: false, reason: 'reused' };
    }
    return { ok: false, reason: 'unknown' };
  }
}
