/**
 * Verifying an access token into the MCP SDK's `AuthInfo` shape: locally (our keys, no network), then one
 * store lookup for revocation.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4 validating JWT access tokens
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 invalid_token
 */
import type { IssuerContext } from '../context.js';
import { OAuthError } from '../errors/oauthError.js';
import { verifyAccessToken } from '../tokens/accessToken.js';

/**
 * What the kit puts in `AuthInfo.extra`. A type alias, not an interface, so it stays assignable to the SDKs'
 * `extra?: Record<string, unknown>`. Read it typed with `clerkAuth(authInfo)`.
 */
export type ClerkAuthExtra = {
  /** The Clerk user id. */
  userId: string;
  /** The Clerk session the grant is bound to (for the downstream helper). */
  sessionId: string;
  /** The organization fixed in the grant, when organizations are on (`org_id`). */
  orgId?: string;
  /** The organization's slug (`org_slug`). */
  orgSlug?: string;
  /** The user's role in it, e.g. `org:admin` (`org_role`), as of the grant's last refresh. */
  orgRole?: string;
  /** The permissions of that role (`org_permissions`). */
  orgPermissions?: string[];
  grantId: string;
};

/**
 * What a tool handler sees as `req.auth` (and `extra.authInfo` in the MCP SDK): assignable to the `AuthInfo` of
 * `@modelcontextprotocol/sdk` 1.x and of `@modelcontextprotocol/server` 2.x.
 */
export interface McpAuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  /** Seconds since the epoch. */
  expiresAt: number;
  resource: URL;
  extra: ClerkAuthExtra;
}

/**
 * The part of either MCP SDK major's `AuthInfo` the kit's helpers read: both declare `scopes: string[]` and
 * `extra?: Record<string, unknown>`, so `extra.authInfo` of a v1 or a v2 tool handler is accepted without a cast.
 */
export interface AuthInfoLike {
  scopes: readonly string[];
  extra?: Record<string, unknown>;
}

/** Verifies a bearer token; throws an {@link OAuthError} `invalid_token` that says why. */
export async function authInfoFromToken(ctx: Pick<IssuerContext, 'keys' | 'config' | 'revocations'>, token: string): Promise<McpAuthInfo> {
  let claims;
  try {
    claims = await verifyAccessToken(ctx.keys, token, { issuer: ctx.config.urls.issuer, resource: ctx.config.urls.resource });
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const description =
      code === 'ERR_JWT_EXPIRED'
        ? 'the access token expired'
        : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (cause as { claim?: string }).claim === 'aud'
          ? `the access token is not for ${ctx.config.urls.resource}`
          : 'the access token is invalid';
    throw new OAuthError('invalid_token', { description, cause });
  }
  if (await ctx.revocations.isRevoked(claims.gid, claims.jti)) {
    throw new OAuthError('invalid_token', { description: 'the access token was revoked' });
  }
  return {
    token,
    clientId: claims.client_id,
    scopes: claims.scope.split(' ').filter(Boolean),
    expiresAt: claims.exp,
    resource: new URL(claims.aud),
    extra: {
      userId: claims.sub,
      sessionId: claims.sid,
      grantId: claims.gid,
      ...(claims.org_id !== undefined
        ? { orgId: claims.org_id, orgSlug: claims.org_slug ?? '', orgRole: claims.org_role ?? '', orgPermissions: [...(claims.org_permissions ?? [])] }
        : {}),
    },
  };
}

/** The token of an `Authorization: Bearer` header, or `undefined` when absent or another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match ? match[1] : undefined;
}
