/**
 * The programmatic grants API for the host app (SPEC §11 "Connected apps"): list a user's live grants, and end
 * every grant of one client for that user (forgetting the remembered consent, so the client must ask again).
 */
import type { IssuerContext } from '../context.js';

/** A live grant as the host app sees it: no Clerk session id, no token. */
export interface UserGrant {
  clientId: string;
  scopes: string[];
  /** Seconds since the epoch when the user authenticated for it. */
  authTime: number;
  /** Seconds since the epoch when it was issued. */
  createdAt: number;
  /** Seconds since the epoch when it ends at the latest (its refresh family, or its access token without one). */
  expiresAt: number;
  /** Seconds since the epoch of its last refresh, else of its issuance. */
  lastUsedAt: number;
  /** The client's name as the user saw it at consent. */
  clientName?: string;
  /** A metadata-document client's publishing host. */
  documentHost?: string;
  /** The host (or private-use scheme) its authorization code was sent to. */
  redirectHost?: string;
  /** The Clerk organization it was approved for, when it has one. */
  orgId?: string;
  orgName?: string;
}

export interface GrantsApi {
  /** The user's grants that are neither expired nor revoked, oldest first. */
  list(query: { userId: string }): Promise<UserGrant[]>;
  /**
   * Ends every grant of `clientId` for `userId` (access tokens refused at once, refresh `invalid_grant`) and
   * forgets the user's consent to that client. Returns how many live grants ended.
   */
  revoke(query: { userId: string; clientId: string }): Promise<{ grantsEnded: number }>;
}

export function grantsApi(ctx: Pick<IssuerContext, 'grantIndex' | 'consents'>): GrantsApi {
  return {
    async list({ userId }) {
      const grants = await ctx.grantIndex.ofUser(userId);
      // The grant id stays internal: the host app names a grant by user and client.
      return grants.sort((a, b) => a.createdAt - b.createdAt).map(({ grantId: _grantId, ...shown }) => shown);
    },
    async revoke({ userId, clientId }) {
      const grantsEnded = await ctx.grantIndex.endClient(userId, clientId);
      await ctx.consents.forget(userId, clientId);
      return { grantsEnded };
    },
  };
}
