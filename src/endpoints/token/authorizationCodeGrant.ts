/**
 * The `authorization_code` grant: redeem the code once, check that the request repeats what the code is bound
 * to (client, redirect URI, PKCE verifier, resource), then issue.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.1.3 token request
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2.2 resource at the token endpoint
 */
import type { ClientRecord } from '../../clients/clientMetadata.js';
import type { IssuerContext } from '../../context.js';
import { OAuthError } from '../../errors/oauthError.js';
import type { Grant } from '../../grants/grant.js';
import { keepGrantClaims } from '../../grants/grantClaims.js';
import { indexedClient } from '../../grants/grantIndex.js';
import { pkceVerifierMatches } from '../../policy/pkce.js';
import { isConfiguredResource } from '../../policy/resource.js';
import { identityForGrant, tokenResponse, type TokenResponse } from './tokenResponse.js';

const invalidGrant = (description: string) => new OAuthError('invalid_grant', { description });

export async function authorizationCodeGrant(ctx: IssuerContext, client: ClientRecord, form: Record<string, string>): Promise<TokenResponse> {
  if (!form.code) throw new OAuthError('invalid_request', { description: 'code is required' });
  if (form.code_verifier === undefined) throw new OAuthError('invalid_request', { description: 'code_verifier is required (PKCE)' });
  const record = await ctx.codes.redeem(form.code);
  if (!record) throw invalidGrant('the code is invalid, expired or already used');
  if (record.clientId !== client.client_id) throw invalidGrant('the code was issued to another client');
  if (record.redirectUriSent || form.redirect_uri !== undefined) {
    if (form.redirect_uri !== record.redirectUri) throw invalidGrant('redirect_uri differs from the authorization request');
  }
  if (!pkceVerifierMatches(form.code_verifier, record.codeChallenge)) throw invalidGrant('code_verifier does not match the code_challenge');
  if (form.resource !== undefined && !isConfiguredResource(form.resource, record.resource)) {
    throw new OAuthError('invalid_target', { description: `the code was issued for ${record.resource}` });
  }

  const grant: Grant = {
    grantId: record.grantId,
    clientId: record.clientId,
    userId: record.userId,
    sessionId: record.sessionId,
    scopes: record.scopes,
    resource: record.resource,
    authTime: record.authTime,
    checkedAt: record.checkedAt ?? ctx.now(),
    // Fixed on the consent page (option `organizations`): the grant acts for it until it ends.
    ...(record.organization ? { organization: record.organization } : {}),
  };
  // No Clerk call: the code is seconds old, and the identity claims were minted for a live session when it was
  // issued (SPEC §11). A code from before claims were kept (an upgrade in flight) still gets them from Clerk.
  const identityClaims = grant.scopes.includes('openid') ? (record.claims ?? (await identityForGrant(ctx, grant, grant.scopes))) : undefined;
  if (identityClaims) grant.claims = identityClaims; // kept with the grant: /userinfo answers from them
  await ctx.clients.keepAlive(client);
  // The index keeps the client as the user saw it and where the code went: the connected-apps page shows both.
  await ctx.grantIndex.add(grant, { refreshable: client.grant_types.includes('refresh_token'), now: ctx.now(), client: indexedClient(client, record.redirectUri) });
  const refreshToken = client.grant_types.includes('refresh_token') ? await ctx.refreshFamilies.start(grant, ctx.now()) : undefined;
  if (!refreshToken && identityClaims) await keepGrantClaims(ctx.store, grant.grantId, identityClaims, ctx.config.lifetimes.accessToken);
  // A replay racing this exchange may revoke the grant before the family exists: the revocation marker outlives
  // the family, and rotation and the bearer check consult it, so what is issued here is dead on arrival.
  return tokenResponse(ctx, grant, { scopes: grant.scopes, nonce: record.nonce, refreshToken, identityClaims });
}
