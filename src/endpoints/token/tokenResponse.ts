/**
 * The successful token response of both grants: an access token for the resource, the id_token when `openid`
 * was granted, and the refresh token when one was issued. Absent members are omitted, never `null`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 successful response
 * @see https://openid.net/specs/openid-connect-core-1_0.html#TokenResponse
 */
import { ClerkSessionEndedError } from '../../clerk/clerkIdentity.js';
import type { IssuerContext } from '../../context.js';
import type { Grant } from '../../grants/grant.js';
import { issueAccessToken } from '../../tokens/accessToken.js';
import { issueIdToken } from '../../tokens/idToken.js';
import { claimsForScopes } from '../../policy/claims.js';
import { currentMembership } from '../../clerk/organizationMemberships.js';
import { withGrantOrganization } from '../../policy/organizationClaims.js';
import { OAuthError } from '../../errors/oauthError.js';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

/**
 * Consults the grant's Clerk session before anything is issued or rotated: the template's identity claims
 * when `openid` is granted (minting fails for a dead session), else the session's state. A signed-out user's
 * grant ends here: it is revoked and the client gets `invalid_grant`.
 */
export async function identityForGrant(ctx: IssuerContext, grant: Grant, scopes: readonly string[]): Promise<Record<string, unknown> | undefined> {
  try {
    if (scopes.includes('openid')) {
      const claims = await ctx.identity.templateClaims(grant.sessionId);
      // The template's org claims are rendered for the browser's active organization: the grant's replace them.
      return ctx.config.organizations ? withGrantOrganization(claims, grant.organization) : claims;
    }
    await ctx.identity.activeSession(grant.sessionId);
    return undefined;
  } catch (error) {
    if (error instanceof ClerkSessionEndedError) await ctx.revocations.revokeGrant(grant.grantId);
    throw error;
  }
}

/**
 * The grant's membership as Clerk has it now (SPEC §11 Organizations): one Backend API call for an org-bound
 * grant, none otherwise. A user no longer in the organization (or a deleted organization) ends the grant:
 * it is revoked and the client gets `invalid_grant`. A changed role comes back with its new permissions.
 */
export async function membershipForGrant(ctx: IssuerContext, grant: Grant): Promise<Grant['organization']> {
  if (!grant.organization) return undefined;
  const membership = await currentMembership(ctx.identity.client, grant.userId, grant.organization.id);
  if (!membership) {
    await ctx.revocations.revokeGrant(grant.grantId);
    throw new OAuthError('invalid_grant', { description: 'the user is no longer a member of the organization this grant acts for' });
  }
  return membership;
}

/** Mints the tokens of a grant; `identityClaims` come from {@link identityForGrant}. */
export async function tokenResponse(
  ctx: IssuerContext,
  grant: Grant,
  options: { scopes: string[]; nonce?: string; refreshToken?: string; identityClaims?: Record<string, unknown> },
): Promise<TokenResponse> {
  const now = ctx.now();
  const { identityClaims } = options;

  const { config, keys } = ctx;
  const access = await issueAccessToken(
    keys,
    { ...grant, scopes: options.scopes, ...(grant.organization ? { organization: grant.organization } : {}) },
    { issuer: config.urls.issuer, resource: grant.resource, lifetime: config.lifetimes.accessToken, now },
  );
  const response: TokenResponse = {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: config.lifetimes.accessToken,
    scope: options.scopes.join(' '),
  };
  if (options.refreshToken !== undefined) response.refresh_token = options.refreshToken;
  if (identityClaims) {
    response.id_token = await issueIdToken(keys, {
      issuer: config.urls.issuer,
      userId: grant.userId,
      clientId: grant.clientId,
      authTime: grant.authTime,
      nonce: options.nonce,
      identityClaims: claimsForScopes(identityClaims, options.scopes),
      lifetime: config.lifetimes.idToken,
      now,
    });
  }
  return response;
}
