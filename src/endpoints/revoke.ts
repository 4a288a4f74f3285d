/**
 * Token revocation: a refresh token ends its whole grant; an access token stops working at once. Unknown or
 * foreign tokens get 200 too, so the endpoint reveals nothing (RFC 7009 §2.2).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2 token revocation
 */
import { Router } from 'express';
import type { IssuerContext } from '../context.js';
import { OAuthError } from '../errors/oauthError.js';
import { asyncHandler } from '../http/asyncHandler.js';
import { authenticateClient } from '../http/clientAuthentication.js';
import { allowMethods, noStore, publicCors } from '../http/endpointBasics.js';
import { formBody, formOf } from '../http/formBody.js';
import { verifyAccessToken } from '../tokens/accessToken.js';

export function revocationEndpoint(ctx: IssuerContext): Router {
  const router = Router();
  const path = ctx.config.urls.routePath('revocation');
  router.route(path).all(publicCors(['POST']), allowMethods(['POST']));
  router.post(
    path,
    noStore,
    formBody,
    asyncHandler(async (req, res) => {
      const form = formOf(req.body);
      const client = await authenticateClient(req, form, ctx.clients);
      if (!form.token) throw new OAuthError('invalid_request', { description: 'token is required' });
      const hint = form.token_type_hint;
      if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token') {
        throw new OAuthError('unsupported_token_type', { description: 'token_type_hint must be access_token or refresh_token' });
      }
      // The hint only orders the lookups (RFC 7009 §2.1); both kinds are tried.
      const family = await ctx.refreshFamilies.find(form.token);
      if (family) {
        if (family.clientId === client.client_id) await ctx.revocations.revokeGrant(family.grantId);
      } else if (form.token.split('.').length === 3) {
        const claims = await verifyAccessToken(ctx.keys, form.token, { issuer: ctx.config.urls.issuer, resource: ctx.config.urls.resource }).catch(() => undefined);
        if (claims && claims.client_id === client.client_id) await ctx.revocations.revokeAccessToken(claims.gid, claims.jti, claims.exp);
      }
      res.status(200).end();
    }),
  );
  return router;
}
