/**
 * Authorization server metadata (RFC 8414) and OIDC discovery: one document, served at every well-known
 * location a strict client computes from the issuer. Never a redirect.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 metadata members
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1 path insertion
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-3 authorization_response_iss_parameter_supported
 */
import { Router } from 'express';
import type { ResolvedConfig } from '../config/options.js';
import { TOKEN_ENDPOINT_AUTH_METHODS } from '../clients/clientMetadata.js';
import { allowMethods, publicCors } from '../http/endpointBasics.js';

export interface AuthorizationServerMetadata {
  issuer: string;
  [member: string]: unknown;
}

/** Identity claims the id_token may carry: the envelope plus the standard claims our default template sets. */
const CLAIMS_SUPPORTED = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'given_name', 'family_name', 'preferred_username', 'picture', 'email', 'email_verified'];

/** Builds the document; no `null` member and no empty array (SPEC §4). */
export function authorizationServerMetadata(config: ResolvedConfig, signingAlgorithms: readonly string[]): AuthorizationServerMetadata {
  const { urls } = config;
  return {
    issuer: urls.issuer,
    authorization_endpoint: urls.endpoint('authorization'),
    token_endpoint: urls.endpoint('token'),
    registration_endpoint: urls.endpoint('registration'),
    revocation_endpoint: urls.endpoint('revocation'),
    userinfo_endpoint: urls.endpoint('userinfo'),
    jwks_uri: urls.endpoint('jwks'),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    scopes_supported: [...config.scopes.keys()],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...signingAlgorithms],
    claims_supported: CLAIMS_SUPPORTED,
    prompt_values_supported: ['none', 'login', 'consent'],
    authorization_response_iss_parameter_supported: true,
    ...(config.clientIdMetadataDocuments ? { client_id_metadata_document_supported: true } : {}),
  };
}

/** A router serving `document` as JSON at each path: GET/OPTIONS, CORS `*`, cacheable briefly. */
export function wellKnownDocument(paths: string[], document: () => object): Router {
  const router = Router();
  for (const path of paths) {
    router.route(path).all(publicCors(['GET']), allowMethods(['GET']));
    router.get(path, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.status(200).json(document());
    });
  }
  return router;
}
