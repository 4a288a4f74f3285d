/**
 * Client metadata policy (pure): what a registration may ask for, and the record that is kept.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2 client metadata
 */
import { OAuthError } from '../errors/oauthError.js';
import { redirectUriRegistrationProblem } from '../policy/redirectUri.js';
import { parseScope } from '../policy/scope.js';

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post'];
export const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;

/** The metadata a client registered, as echoed in the registration response (no unhonoured members). */
export interface ClientMetadata {
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  client_name?: string;
  scope?: string;
  application_type?: 'web' | 'native';
}

/** A registered client as stored: the secret only as its hash. */
export interface ClientRecord extends ClientMetadata {
  client_id: string;
  client_id_issued_at: number;
  client_secret_hash?: string;
  /** Set for CIMD clients: the URL their document came from. */
  metadata_document?: true;
  [key: string]: unknown;
}

/**
 * Caps on what one registration may pin in the store for months (open registration, 90-day lifetime): the raw
 * JSON body, the number of redirect URIs, and (below and in the redirect-URI policy) each name and URI.
 */
export const MAX_METADATA_BYTES = 4096;
export const MAX_REDIRECT_URIS = 10;
const MAX_NAME = 200;

function invalid(description: string): OAuthError {
  return new OAuthError('invalid_client_metadata', { description });
}

function stringArray(value: unknown, member: string, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`${member} must be an array of strings`);
  return [...new Set(value as string[])];
}

/**
 * Checks a registration request body and returns the metadata to register. Defaults per RFC 7591 §2:
 * `token_endpoint_auth_method` `client_secret_basic`, `grant_types` `["authorization_code"]`,
 * `response_types` `["code"]`.
 */
export function checkClientMetadata(body: unknown, supportedScopes: ReadonlyMap<string, unknown>): ClientMetadata {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('the request body must be a JSON object');
  const m = body as Record<string, unknown>;

  if (!Array.isArray(m.redirect_uris) || m.redirect_uris.length === 0) {
    throw new OAuthError('invalid_redirect_uri', { description: 'redirect_uris must be a non-empty array' });
  }
  if (m.redirect_uris.length > MAX_REDIRECT_URIS) throw new OAuthError('invalid_redirect_uri', { description: `at most ${MAX_REDIRECT_URIS} redirect_uris` });
  for (const uri of m.redirect_uris) {
    const problem = redirectUriRegistrationProblem(uri);
    if (problem) throw new OAuthError('invalid_redirect_uri', { description: problem });
  }

  const method = m.token_endpoint_auth_method ?? 'client_secret_basic';
  if (!TOKEN_ENDPOINT_AUTH_METHODS.includes(method as TokenEndpointAuthMethod)) {
    throw invalid(`token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`);
  }
  const grantTypes = stringArray(m.grant_types, 'grant_types', ['authorization_code']);
  const unsupportedGrant = grantTypes.find((g) => !(GRANT_TYPES as readonly string[]).includes(g));
  if (unsupportedGrant) throw invalid(`grant_type "${unsupportedGrant}" is not supported; use ${GRANT_TYPES.join(', ')}`);
  if (!grantTypes.includes('authorization_code')) throw invalid('grant_types must include authorization_code');
  const responseTypes = stringArray(m.response_types, 'response_types', ['code']);
  if (responseTypes.length !== 1 || responseTypes[0] !== 'code') throw invalid('response_types must be ["code"]');

  const metadata: ClientMetadata = {
    redirect_uris: [...new Set(m.redirect_uris as string[])],
    grant_types: grantTypes,
    response_types: responseTypes,
    token_endpoint_auth_method: method as TokenEndpointAuthMethod,
  };
  if (m.client_name !== undefined) {
    if (typeof m.client_name !== 'string' || m.client_name.trim() === '' || m.client_name.length > MAX_NAME) {
      throw invalid(`client_name must be a non-empty string of at most ${MAX_NAME} characters`);
    }
    metadata.client_name = m.client_name;
  }
  if (m.scope !== undefined) {
    const scopes = typeof m.scope === 'string' ? parseScope(m.scope) : undefined;
    if (!scopes) throw invalid('scope must be a space-separated string of scope tokens');
    const unknown = scopes.find((s) => !supportedScopes.has(s));
    if (unknown) throw invalid(`scope "${unknown}" is not supported`);
    if (scopes.length > 0) metadata.scope = scopes.join(' ');
  }
  if (m.application_type !== undefined) {
    if (m.application_type !== 'web' && m.application_type !== 'native') throw invalid('application_type must be "web" or "native"');
    metadata.application_type = m.application_type;
  }
  return metadata;
}
