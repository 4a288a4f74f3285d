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
  [key: string]: unknown;
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
  endedSession: (sessionId: string) => `session-ended:${sessionId}`,
  deletedUser: (userId: string) => `user-deleted:${userId}`,
  webhookDelivery: (deliveryId: string) => `webhook-delivery:${deliveryId}`,
  consent: (userId: string, clientId: string) => `consent:${userId}:${clientId}`,
} as const;
