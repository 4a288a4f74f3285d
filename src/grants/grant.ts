/**
 * A grant: what the user approved for a client, bound to the Clerk session it was approved in. The code,
 * the refresh family and every access token carry its id, so ending the grant ends them all.
 */
export interface Grant {
  /** Grant id (`gid`): the refresh family id as well. */
  grantId: string;
  clientId: string;
  userId: string;
  /** The Clerk session the grant lives and dies with (SPEC §5 Refresh tokens). */
  sessionId: string;
  scopes: string[];
  resource: string;
  /** Seconds since the epoch when the user authenticated; kept across refreshes (OIDC Core §12.2). */
  authTime: number;
  /**
   * The identity claims minted from the JWT template (only when `openid` was granted): minted at `/authorize`,
   * renewed at each refresh; the id_token and `/userinfo` answer from them without calling Clerk (SPEC §11).
   */
  claims?: Record<string, unknown>;
  /**
   * Seconds since the epoch when Clerk last confirmed the session alive (and minted `claims`): at `/authorize`
   * when the code was issued, then at each refresh that asked Clerk.
   */
  checkedAt?: number;
  /** The organization the user chose on the consent page (option `organizations`), fixed for the grant's life. */
  organization?: GrantOrganization;
  [key: string]: unknown;
}

/**
 * The organization a grant acts for, as the membership said at the last check (consent, then every refresh): the
 * id never changes; the role and permissions follow the membership.
 */
export interface GrantOrganization {
  id: string;
  name: string;
  slug: string;
  /** Clerk's role key, e.g. `org:admin`. */
  role: string;
  /** Clerk's permission keys of that role, e.g. `org:sys_memberships:read`. */
  permissions: string[];
}

/** Store keys, in one place so the Redis store and the benchmarks see the same layout. */
export const KEYS = {
  client: (clientId: string) => `client:${clientId}`,
  // The code hash is a hash tag: a code and its used-code marker are written in one step, on one Redis Cluster slot.
  code: (codeHash: string) => `code:{${codeHash}}`,
  usedCode: (codeHash: string) => `code-used:{${codeHash}}`,
  refreshToken: (tokenHash: string) => `refresh:${tokenHash}`,
  family: (grantId: string) => `family:${grantId}`,
  grantClaims: (grantId: string) => `grant-claims:${grantId}`,
  // The grant id is a hash tag: the bearer check asks "grant or token revoked?" in one command, on one slot.
  revokedGrant: (grantId: string) => `revoked-grant:{${grantId}}`,
  revokedToken: (grantId: string, jti: string) => `revoked-jti:{${grantId}}:${jti}`,
  grantsBySession: (sessionId: string) => `grants-by-session:${sessionId}`,
  grantsByUser: (userId: string) => `grants-by-user:${userId}`,
  grantsByOrganization: (orgId: string) => `grants-by-org:${orgId}`,
  endedMembership: (orgId: string, userId: string) => `membership-ended:${orgId}:${userId}`,
  deletedOrganization: (orgId: string) => `org-deleted:${orgId}`,
  endedSession: (sessionId: string) => `session-ended:${sessionId}`,
  deletedUser: (userId: string) => `user-deleted:${userId}`,
  revokedClient: (userId: string, clientId: string) => `client-revoked:${userId}:${clientId}`,
  webhookDelivery: (deliveryId: string) => `webhook-delivery:${deliveryId}`,
  consent: (userId: string, clientId: string) => `consent:${userId}:${clientId}`,
} as const;
