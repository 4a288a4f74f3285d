/**
 * The token endpoint: form body, client authentication, one of two grants, JSON answer with no-store.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5 token responses
 */
import { Router } from 'express';
import type { IssuerContext } from '../../context.js';
import { OAuthError } from '../../errors/oauthError.js';
import { asyncHandler } from '../../http/asyncHandler.js';
import { authenticateClient } from '../../http/clientAuthentication.js';
import { allowMethods, noStore, publicCors } from '../../http/endpointBasics.js';
import { formBody, formOf } from '../../http/formBody.js';
import { rateLimited } from '../../http/rateLimit.js';
import { authorizationCodeGrant } from './authorizationCodeGrant.js';
import { refreshTokenGrant } from './refreshTokenGrant.js';

const GRANTS = { authorization_code: authorizationCodeGrant, refresh_token: refreshTokenGrant } as const;

export function tokenEndpoint(ctx: IssuerContext): Router {
  const router = Router();
  const path = ctx.config.urls.routePath('token');
  router.route(path).all(publicCors(['POST']), allowMethods(['POST']));
  router.post(
    path,
    noStore,
    rateLimited('token', ctx.config.rateLimit.token, { windowMs: 60 * 1000, limit: 600 }, ctx.config.rateLimit.store),
    formBody,
    asyncHandler(async (req, res) => {
      const form = formOf(req.body);
      const grantType = form.grant_type;
      if (!grantType) throw new OAuthError('invalid_request', { description: 'grant_type is required' });
      const grant = GRANTS[grantType as keyof typeof GRANTS];
      if (!Object.hasOwn(GRANTS, grantType)) {
        throw new OAuthError('unsupported_grant_type', { description: 'use authorization_code or refresh_token' });
      }
      const client = await authenticateClient(req, form, ctx.clients);
      const response = await grant(ctx, client, form);
      ctx.logger.info('tokens issued', { client_id: client.client_id, grant_type: grantType, scope: response.scope, oidc: response.id_token !== undefined, rotating: response.refresh_token !== undefined });
      res.status(200).json(response);
    }),
  );
  return router;
}
