/**
 * Revocation markers: what the bearer check consults so that revoked grants and tokens stop working
 * before they expire. Markers live as long as the longest access token they can outlive.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1 revocation
 */
import type { Store } from '../store/store.js';
import { KEYS } from './grant.js';

export class Revocations {
  constructor(
    private readonly store: Store,
    /** How long a grant's revocation is remembered: as long as anything it issued could still be used. */
    private readonly grantMarkerLifetime: number,
  ) {}

  /** Ends a grant: its refresh family is deleted and its access tokens are refused from now on. */
  async revokeGrant(grantId: string): Promise<void> {
    await this.store.put(KEYS.revokedGrant(grantId), { at: Math.floor(Date.now() / 1000) }, this.grantMarkerLifetime);
    await this.store.delete(KEYS.family(grantId));
    // The kept identity claims are personal data nothing may answer from any more.
    await this.store.delete(KEYS.grantClaims(grantId));
  }

  /** Revokes one access token (its `gid` and `jti`) until it would have expired anyway. */
  async revokeAccessToken(grantId: string, jti: string, exp: number): Promise<void> {
    const ttl = exp - Math.floor(Date.now() / 1000);
    if (ttl > 0) await this.store.put(KEYS.revokedToken(grantId, jti), { at: Math.floor(Date.now() / 1000) }, ttl);
  }

  /** True when the grant was revoked. */
  isGrantRevoked(grantId: string): Promise<boolean> {
    return this.store.existsAny([KEYS.revokedGrant(grantId)]);
  }

  /** True when the token or its grant was revoked: one store round trip (one hash slot on Redis Cluster). */
  isRevoked(grantId: string, jti: string): Promise<boolean> {
    return this.store.existsAny([KEYS.revokedGrant(grantId), KEYS.revokedToken(grantId, jti)]);
  }
}
