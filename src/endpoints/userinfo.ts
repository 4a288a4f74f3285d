/**
 * OIDC UserInfo: the user's identity claims from the Clerk JWT template, as kept with the token's grant, for a
 * valid access token with `openid`. `sub` always equals the id_token's.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 errors
 */
import { Router, type Response } from 'express';
import { ClerkSessionEndedError } from '../clerk/clerkIdentity.js';
import type { IssuerContext } from '../context.js';
import { OAuthError } from '../errors/oauthError.js';
import { asyncHandler } from '../http/asyncHandler.js';
import { allowMethods, noStore, publicCors } from '../http/endpointBasics.js';
import { authInfoFromToken, bearerToken, type McpAuthInfo } from '../bearer/authInfo.js';
import { grantClaims } from '../grants/grantClaims.js';
import { claimsForScopes } from '../policy/claims.js';

/** Claims for a grant that kept none: minted now; a session found ended ends the grant (SPEC §11). */
async function keptLater(ctx: IssuerContext, auth: McpAuthInfo): Promise<Record<string, unknown>> {
  try {
    return await ctx.identity.templateClaims(auth.extra.sessionId);
  } catch (error) {
    if (!(error instanceof ClerkSessionEndedError)) throw error;
    await ctx.revocations.revokeGrant(auth.extra.grantId);
    throw new OAuthError('invalid_token', { description: 'the user signed out' });
  }
}

function challenge(res: Response, error?: OAuthError): void {
  const params = error ? `error="${error.error}"${error.description ? `, error_description="${error.description}"` : ''}` : 'realm="userinfo"';
  res.setHeader('WWW-Authenticate', `Bearer ${params}`);
}

export function userinfoEndpoint(ctx: IssuerContext): Router {
  const router = Router();
  const path = ctx.config.urls.routePath('userinfo');
  router.route(path).all(publicCors(['GET', 'POST']), allowMethods(['GET', 'POST']));
  router.all(
    path,
    noStore,
    asyncHandler(async (req, res) => {
      if (req.method === 'OPTIONS') return res.status(204).end();
      const token = bearerToken(req.headers.authorization);
      if (!token) {
        challenge(res);
        return res.status(401).json({ error: 'invalid_token', error_description: 'an access token is required in the Authorization header' });
      }
      try {
        const auth = await authInfoFromToken(ctx, token);
        if (!auth.scopes.includes('openid')) throw new OAuthError('insufficient_scope', { description: 'the access token lacks the openid scope' });
        // The claims kept with the grant: no Clerk call per request (SPEC §11). Only a grant from before claims
        // were kept has none; it asks Clerk once, and a session found ended ends the grant.
        const kept = await grantClaims(ctx.store, auth.extra.grantId);
        const claims = kept ?? (await keptLater(ctx, auth));
        res.status(200).json({ ...claimsForScopes(claims, auth.scopes), sub: auth.extra.userId });
      } catch (error) {
        if (!(error instanceof OAuthError) || (error.error !== 'invalid_token' && error.error !== 'insufficient_scope')) throw error;
        challenge(res, error);
        res.status(error.status).json(error.toJSON());
      }
    }),
  );
  return router;
}
