/**
 * The typed accessor for the Clerk identity behind a verified access token, for tool handlers of either MCP SDK
 * major: `extra.authInfo.extra` is `Record<string, unknown>` in both, so reading `userId` from it is `unknown`.
 */
import type { AuthInfoLike, ClerkAuthExtra } from './authInfo.js';

/** Thrown when an `AuthInfo` was not set by the kit's bearer middleware or verifier (a wiring mistake, not a client error). */
export class ClerkAuthMissingError extends Error {
  constructor(what: string) {
    super(`${what}: no Clerk identity in this AuthInfo; mount issuer.requireBearer() (or requireBearerAuth({ verifier: issuer.tokenVerifier })) in front of the MCP endpoint`);
    this.name = 'ClerkAuthMissingError';
  }
}

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * The Clerk user, session, organization and grant of the request, from the `AuthInfo` the kit set
 * (`req.auth`, `extra.authInfo`). Throws {@link ClerkAuthMissingError} when the kit did not set it.
 *
 * @example
 * server.registerTool('whoami', {}, async ({ authInfo }) => {
 *   const { userId } = clerkAuth(authInfo);
 *   …
 * });
 */
export function clerkAuth(authInfo: AuthInfoLike | undefined): ClerkAuthExtra {
  const extra = authInfo?.extra;
  if (!extra || !text(extra.userId) || !text(extra.sessionId) || !text(extra.grantId)) throw new ClerkAuthMissingError('clerkAuth');
  return {
    userId: extra.userId,
    sessionId: extra.sessionId,
    ...(text(extra.orgId)
      ? {
          orgId: extra.orgId,
          ...(typeof extra.orgSlug === 'string' ? { orgSlug: extra.orgSlug } : {}),
          ...(typeof extra.orgRole === 'string' ? { orgRole: extra.orgRole } : {}),
          ...(Array.isArray(extra.orgPermissions) ? { orgPermissions: extra.orgPermissions.filter((p): p is string => typeof p === 'string') } : {}),
        }
      : {}),
    grantId: extra.grantId,
  };
}
