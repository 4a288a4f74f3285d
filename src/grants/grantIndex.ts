/**
 * Grants indexed by Clerk session and by user (SPEC §11 Stores), so that a Clerk webhook saying a session ended
 * or a user was deleted ends exactly the grants concerned, and the host app can list and revoke a user's grants.
 * Each index entry expires with the grant it names (no unbounded growth); each index is one key, so every write
 * is one atomic step on one Redis Cluster slot.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1 revoking a grant ends its tokens
 */
import type { ClientRecord } from '../clients/clientMetadata.js';
import type { Store } from '../store/store.js';
import { KEYS, type Grant } from './grant.js';
import type { RefreshFamily } from './refreshFamily.js';
import type { Revocations } from './revocation.js';

/** What the index keeps of a grant: enough to list and revoke it without reading its refresh family. */
export interface IndexedGrant {
  grantId: string;
  clientId: string;
  scopes: string[];
  /** Seconds since the epoch when the user authenticated. */
  authTime: number;
  /** Seconds since the epoch when the grant was issued (the code exchanged). */
  createdAt: number;
  /** Seconds since the epoch when the last thing the grant issued expires. */
  expiresAt: number;
  /** The client as the user saw it at consent (the connected-apps page shows it; absent on older entries). */
  clientName?: string;
  /** A metadata-document client's publishing host (its client_id URL's host). */
  documentHost?: string;
  /** Where the grant's code was sent: the redirect URI's host, or its scheme for a private-use scheme. */
  redirectHost?: string;
  /** The Clerk organization the grant was approved for, when it has one. */
  orgId?: string;
  orgName?: string;
}

/** What of the client and its redirect URI the index keeps for the connected-apps page. */
export type IndexedClient = Pick<IndexedGrant, 'clientName' | 'documentHost' | 'redirectHost'>;

/** The shown client of a grant: its name, who published its identity (CIMD), where its codes go. */
export function indexedClient(client: ClientRecord, redirectUri: string): IndexedClient {
  const redirect = new URL(redirectUri);
  return {
    ...(client.client_name !== undefined ? { clientName: client.client_name } : {}),
    ...(client.metadata_document ? { documentHost: new URL(client.client_id).host } : {}),
    redirectHost: redirect.host || `${redirect.protocol}//`,
  };
}

/**
 * How long "this session ended" / "this user was deleted" is remembered, so that a code exchange racing the
 * webhook still ends its grant: longer than any authorization code (at most 600 s) plus the few seconds the
 * session state is cached at `/authorize`.
 */
const ENDED_MARKER_LIFETIME = 900;

export class GrantIndex {
  constructor(
    private readonly store: Store,
    private readonly revocations: Revocations,
    private readonly lifetimes: { accessToken: number; refreshToken: number },
  ) {}

  /**
   * Indexes a grant as it starts, for as long as it can live: its refresh family's lifetime when it has one,
   * else its access token's. If its session ended or its user was deleted meanwhile (a webhook that read the
   * index just before this write), the grant is revoked at once: what it issues is dead on arrival.
   */
  async add(grant: Grant, options: { refreshable: boolean; now: number; client?: IndexedClient }): Promise<void> {
    const lifetime = options.refreshable ? Math.max(this.lifetimes.refreshToken, this.lifetimes.accessToken) : this.lifetimes.accessToken;
    const entry: IndexedGrant = {
      grantId: grant.grantId,
      clientId: grant.clientId,
      scopes: grant.scopes,
      authTime: grant.authTime,
      createdAt: options.now,
      expiresAt: options.now + lifetime,
      ...options.client,
      ...(grant.organization ? { orgId: grant.organization.id, orgName: grant.organization.name } : {}),
    };
    // The user's index keeps what the connected-apps page and grants.list() show; the session's and the
    // organization's only the grant id a webhook ends (every byte here is kept per grant for weeks).
    await this.store.addToSet(KEYS.grantsBySession(grant.sessionId), grant.grantId, lifetime);
    await this.store.addToSet(KEYS.grantsByUser(grant.userId), JSON.stringify(entry), lifetime);
    const orgId = grant.organization?.id;
    if (orgId) await this.store.addToSet(KEYS.grantsByOrganization(orgId), grant.grantId, lifetime);
    // Index first, then look for the marker; the webhook writes its marker first, then reads the index: one of
    // the two sees the other.
    const markers = [KEYS.endedSession(grant.sessionId), KEYS.deletedUser(grant.userId)];
    if (orgId) markers.push(KEYS.endedMembership(orgId, grant.userId), KEYS.deletedOrganization(orgId));
    if (await this.store.existsAny(markers)) {
      await this.revocations.revokeGrant(grant.grantId);
      return;
    }
    // The user revoked this client after this grant's code was issued (connected apps): the code was in flight.
    // Only such codes: a grant the user approves again after the revoke lives.
    const revoked = await this.store.get<{ at: number }>(KEYS.revokedClient(grant.userId, grant.clientId));
    if (revoked && (grant.checkedAt ?? options.now) <= revoked.at) await this.revocations.revokeGrant(grant.grantId);
  }

  /** Ends every grant bound to a Clerk session; returns how many were live. */
  async endSession(sessionId: string): Promise<number> {
    await this.#mark(KEYS.endedSession(sessionId));
    return this.#revokeAll(await this.store.setMembers(KEYS.grantsBySession(sessionId)));
  }

  /** Ends every grant of a Clerk user; returns how many were live. */
  async endUser(userId: string): Promise<number> {
    await this.#mark(KEYS.deletedUser(userId));
    return this.#revokeAll((await this.#entries(KEYS.grantsByUser(userId))).map(({ entry }) => entry.grantId));
  }

  /** Ends every grant of a user that acts for one organization (the membership was deleted); returns how many were live. */
  async endMembership(orgId: string, userId: string): Promise<number> {
    await this.#mark(KEYS.endedMembership(orgId, userId));
    let ended = 0;
    for (const { entry } of await this.#entries(KEYS.grantsByUser(userId))) {
      if (entry.orgId !== orgId) continue;
      if (!(await this.revocations.isGrantRevoked(entry.grantId))) ended++;
      await this.revocations.revokeGrant(entry.grantId);
    }
    return ended;
  }

  /** Ends every grant that acts for an organization (it was deleted); returns how many were live. */
  async endOrganization(orgId: string): Promise<number> {
    await this.#mark(KEYS.deletedOrganization(orgId));
    return this.#revokeAll(await this.store.setMembers(KEYS.grantsByOrganization(orgId)));
  }

  /**
   * The user's grants that are neither expired nor revoked, each with when it was last used: its refresh
   * family's last rotation (written by every refresh anyway), else when it was issued. No write per use.
   */
  async ofUser(userId: string): Promise<Array<IndexedGrant & { lastUsedAt: number }>> {
    const live: Array<IndexedGrant & { lastUsedAt: number }> = [];
    for (const { entry } of await this.#entries(KEYS.grantsByUser(userId))) {
      if (await this.revocations.isGrantRevoked(entry.grantId)) continue;
      const family = await this.store.get<RefreshFamily>(KEYS.family(entry.grantId));
      live.push({ ...entry, lastUsedAt: Math.max(entry.createdAt, family?.rotatedAt ?? 0) });
    }
    return live;
  }

  /** Ends every grant of one client for one user; returns how many were live. */
  async endClient(userId: string, clientId: string): Promise<number> {
    // Marker first, as for sessions: a code issued before now and exchanged after the index is read is ended too.
    await this.#mark(KEYS.revokedClient(userId, clientId));
    const key = KEYS.grantsByUser(userId);
    let ended = 0;
    for (const { member, entry } of await this.#entries(key)) {
      if (entry.clientId !== clientId) continue;
      if (!(await this.revocations.isGrantRevoked(entry.grantId))) ended++;
      await this.revocations.revokeGrant(entry.grantId);
      await this.store.removeFromSet(key, member);
    }
    return ended;
  }

  /** Leaves an "ended at" marker that a grant indexed in the next ENDED_MARKER_LIFETIME seconds still finds. */
  async #mark(key: string): Promise<void> {
    await this.store.put(key, { at: Math.floor(Date.now() / 1000) }, ENDED_MARKER_LIFETIME);
  }

  async #entries(key: string): Promise<Array<{ member: string; entry: IndexedGrant }>> {
    return (await this.store.setMembers(key)).map((member) => ({ member, entry: JSON.parse(member) as IndexedGrant }));
  }

  async #revokeAll(grantIds: string[]): Promise<number> {
    let ended = 0;
    for (const grantId of grantIds) {
      if (!(await this.revocations.isGrantRevoked(grantId))) ended++;
      await this.revocations.revokeGrant(grantId);
    }
    // The index is kept (it expires with its grants): a second delivery finds the same grants, already revoked.
    return ended;
  }
}
