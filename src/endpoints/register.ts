/**
 * Dynamic client registration: `POST /register` → 201 with the registered metadata echoed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1 client information response (201)
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.2 client registration error response
 */
import express, { Router, type RequestHandler } from 'express';
import type { Logger, ResolvedConfig } from '../config/options.js';
import { checkClientMetadata, MAX_METADATA_BYTES } from '../clients/clientMetadata.js';
import type { ClientRegistry } from '../clients/clientRegistry.js';
import { OAuthError } from '../errors/oauthError.js';
import { allowMethods, noStore, publicCors } from '../http/endpointBasics.js';
import { rateLimited } from '../http/rateLimit.js';
import { asyncHandler } from '../http/asyncHandler.js';

const parseJson = express.json({ limit: MAX_METADATA_BYTES, strict: false });
/** A body over the cap is metadata the server will not keep: RFC 7591's error, naming the cap, not a bare 413. */
const metadataJson: RequestHandler = (req, res, next) =>
  parseJson(req, res, (error?: unknown) =>
    next(
      (error as { type?: unknown } | undefined)?.type === 'entity.too.large'
        ? new OAuthError('invalid_client_metadata', { description: `the registration metadata is larger than ${MAX_METADATA_BYTES} bytes of JSON` })
        : error,
    ),
  );

export function registrationEndpoint(config: ResolvedConfig, registry: ClientRegistry, logger: Logger): Router {
  const router = Router();
  const path = config.urls.routePath('registration');
  router.route(path).all(publicCors(['POST']), allowMethods(['POST']));
  router.post(
    path,
    rateLimited('register', config.rateLimit.register, { windowMs: 60 * 60 * 1000, limit: 200 }, config.rateLimit.store),
    (req, _res, next) => (req.is('application/json') ? next() : next(new OAuthError('invalid_client_metadata', { description: 'the body must be application/json' }))),
    metadataJson,
    noStore,
    asyncHandler(async (req, res) => {
      const metadata = checkClientMetadata(req.body, config.scopes);
      const information = await registry.register(metadata, Math.floor(Date.now() / 1000));
      logger.info('client registered', { client_id: information.client_id, client_name: information.client_name, auth_method: information.token_endpoint_auth_method });
      res.status(201).json(information);
    }),
  );
  return router;
}
