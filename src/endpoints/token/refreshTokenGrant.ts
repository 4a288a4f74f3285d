/**
 * The `refresh_token` grant: rotate the token (reuse detection in {@link RefreshFamilies}), optionally narrow
 * the scope, and issue again while the Clerk session lives.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.3 refresh token grant
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse id_token on refresh
 */
import type { ClientRecord } from '../../clients/clientMetadata.js';
import type { IssuerContext } from '../../context.js';
import { OAuthError } from '../../errors/oauthError.js';
import type { Grant } from '../../grants/grant.js';
import { withGrantOrganization } from '../../policy/organizationClaims.js';
import { isConfiguredResource } from '../../policy/resource.js';
import { isSubset, parseScope } from '../../policy/scope.js';
import { identityForGrant, membershipForGrant, tokenResponse, type TokenResponse } from './tokenResponse.js';

const REASONS = {
  unknown: 'the refresh token is invalid or revoked',
  reused: 'the refresh token was already used; the grant is revoked',
  expired: 'the refresh token has expired',
  wrong_client: 'the refresh token was issued to another client',
} as const;

const invalidGrant = (reason: keyof typeof REASONS) => new OAuthError('invalid_grant', { description: REASONS[reason] });

/**
 * Whether this refresh may answer from what Clerk last confirmed, without asking again (SPEC §11: at most one Clerk
 * call per refresh, none with webhooks while the kept claims are fresh). Only when Clerk's webhooks are mounted:
 * they end the grant the moment its session ends, so a kept confirmation younger than `clerk.claimsMaxAge` still
 * holds. The claims themselves must be kept when `openid` is asked for.
 */
function trustsKeptIdentity(ctx: IssuerContext, family: Grant, scopes: readonly string[]): boolean {
  if (!ctx.clerkEvents.webhooks || family.checkedAt === undefined) return false;
  if (scopes.includes('openid') && !family.claims) return false;
  return ctx.now() - family.checkedAt < ctx.config.clerk.claimsMaxAge;
}

export async function refreshTokenGrant(ctx: IssuerContext, client: ClientRecord, form: Record<string, string>): Promise<TokenResponse> {
  if (!form.refresh_token) throw new OAuthError('invalid_request', { description: 'refresh_token is required' });
  if (!client.grant_types.includes('refresh_token')) {
    throw new OAuthError('unauthorized_client', { description: 'this client did not register the refresh_token grant' });
  }
  // Checks that need no state go first, so a malformed request never rotates (and never burns) a token.
  const requested = form.scope === undefined ? undefined : parseScope(form.scope);
  if (form.scope !== undefined && !requested) throw new OAuthError('invalid_scope', { description: 'scope is malformed' });
  const family = await ctx.refreshFamilies.find(form.refresh_token);
  if (!family) throw invalidGrant('unknown');
  if (family.clientId !== client.client_id) throw invalidGrant('wrong_client');
  // Reuse detection before anything else about the request: a stolen rotated token revokes its family whatever
  // scope it asks for, and its answer tells the thief nothing about the family (issue 15 item 9).
  if (ctx.refreshFamilies.isReplay(family, form.refresh_token, ctx.now())) {
    await ctx.revocations.revokeGrant(family.grantId);
    ctx.logger.warn('refresh token reuse detected; grant revoked', { client_id: client.client_id, grant: family.grantId });
    throw invalidGrant('reused');
  }
  if (requested && !isSubset(requested, family.scopes)) {
    throw new OAuthError('invalid_scope', { description: 'a refresh may narrow the scope, never widen it' });
  }
  if (form.resource !== undefined && !isConfiguredResource(form.resource, family.resource)) {
    throw new OAuthError('invalid_target', { description: `the grant is for ${family.resource}` });
  }

  const scopes = requested && requested.length > 0 ? requested : family.scopes;
  let identityClaims: Record<string, unknown> | undefined;
  let renewed: Pick<Grant, 'claims' | 'checkedAt' | 'organization'> | undefined;
  // An org-bound grant's membership is re-checked at every refresh (removed → invalid_grant; new role → new
  // claims), before rotating: Clerk's webhooks report a removal, never a role change.
  const organization = await membershipForGrant(ctx, family);
  if (trustsKeptIdentity(ctx, family, scopes)) {
    const kept = scopes.includes('openid') ? family.claims : undefined;
    identityClaims = kept && organization ? withGrantOrganization(kept, organization) : kept;
    if (organization) renewed = { organization, ...(identityClaims ? { claims: identityClaims } : {}) };
  } else {
    // The Clerk call of a refresh, before rotating: if Clerk is briefly unreachable the client keeps a token that
    // still works, instead of one that was rotated for a response it never received. With `openid` it mints fresh
    // identity claims, which the family keeps from now on.
    identityClaims = await identityForGrant(ctx, organization ? { ...family, organization } : family, scopes);
    renewed = { checkedAt: ctx.now(), ...(identityClaims ? { claims: identityClaims } : {}), ...(organization ? { organization } : {}) };
  }

  const outcome = await ctx.refreshFamilies.rotate(form.refresh_token, client.client_id, ctx.now(), renewed);
  if (!outcome.ok) {
    if (outcome.reason === 'reused') ctx.logger.warn('refresh token reuse detected; grant revoked', { client_id: client.client_id, grant: family.grantId });
    throw invalidGrant(outcome.reason);
  }
  return tokenResponse(ctx, outcome.family, { scopes, refreshToken: outcome.refreshToken, identityClaims });
}
