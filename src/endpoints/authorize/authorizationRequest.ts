/**
 * Reading an authorization request in two phases (SPEC §5 Authorize):
 * phase 1 establishes the client and its redirect URI, and until it succeeds nothing may redirect;
 * phase 2 checks everything else, and its errors go back to the client's redirect URI with `state` and `iss`.
 *
 * "May I redirect?" is structural: a {@link RedirectableError} exists only once phase 1 has passed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1 error response
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.4.1 PKCE errors
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 resource parameter
 */
import type { ClientRecord } from '../../clients/clientMetadata.js';
import type { ClientRegistry } from '../../clients/clientRegistry.js';
import { ClientMetadataDocumentError } from '../../clients/cimd/clientMetadataDocuments.js';
import type { ResolvedConfig } from '../../config/options.js';
import { OAuthError } from '../../errors/oauthError.js';
import { matchRedirectUri } from '../../policy/redirectUri.js';
import { isConfiguredResource } from '../../policy/resource.js';
import { decideScopes, parseScope } from '../../policy/scope.js';

export type Prompt = 'none' | 'login' | 'consent';

/** A request that passed both phases. */
export interface AuthorizationRequest {
  client: ClientRecord;
  redirectUri: string;
  state?: string;
  scopes: string[];
  resource: string;
  codeChallenge: string;
  nonce?: string;
  prompts: Set<Prompt>;
  maxAge?: number;
  /** The request's own parameters, one value each, to re-render or re-submit it unchanged. */
  params: Map<string, string>;
}

/** Phase 1 failed: render an error page locally; never redirect (RFC 6749 §4.1.2.1 first paragraph). */
export class UnredirectableError extends Error {}

/** Phase 2 failed: the client's validated redirect URI gets `error`, `state` and `iss`. */
export class RedirectableError extends Error {
  constructor(
    readonly oauth: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(oauth.message);
  }
}

/** Parameters the kit reads, and the consent form's own fields: a repeated one is ambiguous and refused. */
const SINGLE_VALUED = ['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'resource', 'nonce', 'prompt', 'max_age', 'login_hint', 'decision', 'csrf_token'];
const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/; // BASE64URL(SHA-256(verifier)) is always 43 characters
const MAX_STATE = 2048;
const MAX_NONCE = 512;

/** Reads both phases from the request parameters (query for GET, form for the consent POST). */
export async function readAuthorizationRequest(
  input: URLSearchParams,
  registry: ClientRegistry,
  config: ResolvedConfig,
): Promise<AuthorizationRequest> {
  const repeated = SINGLE_VALUED.filter((name) => input.getAll(name).length > 1);
  const params = new Map<string, string>();
  for (const [name, value] of input) if (!params.has(name)) params.set(name, value);

  // Phase 1: client and redirect URI.
  if (repeated.includes('client_id') || repeated.includes('redirect_uri')) {
    throw new UnredirectableError('client_id and redirect_uri must each be sent once');
  }
  const clientId = params.get('client_id');
  if (!clientId) throw new UnredirectableError('the request has no client_id');
  let client;
  try {
    client = await registry.find(clientId);
  } catch (error) {
    // A document we could not use gives no redirect URI we may trust.
    if (error instanceof ClientMetadataDocumentError) throw new UnredirectableError(`the client's metadata document cannot be used: ${error.message}`);
    throw error;
  }
  if (!client) throw new UnredirectableError('unknown client_id; the client must register first');
  const requestedRedirect = params.get('redirect_uri');
  const redirectUri =
    requestedRedirect === undefined
      ? client.redirect_uris.length === 1
        ? client.redirect_uris[0]
        : undefined
      : matchRedirectUri(client.redirect_uris, requestedRedirect);
  if (!redirectUri) {
    throw new UnredirectableError(
      requestedRedirect === undefined ? 'redirect_uri is required: the client registered several' : 'redirect_uri is not registered for this client',
    );
  }
  // A loopback redirect may differ from the registered one in its port: answer to the one requested.
  const target = requestedRedirect ?? redirectUri;

  // Phase 2: everything else, answered at the redirect URI.
  const rawState = params.get('state');
  const state = rawState !== undefined && rawState.length <= MAX_STATE && !repeated.includes('state') ? rawState : undefined;
  const fail = (error: OAuthError['error'], description: string) => new RedirectableError(new OAuthError(error, { description }), target, state);

  if (repeated.length > 0) throw fail('invalid_request', `parameter "${repeated[0]}" must be sent once`);
  if (rawState !== undefined && rawState.length > MAX_STATE) throw fail('invalid_request', `state is longer than ${MAX_STATE} characters`);
  if (params.has('request') || params.has('request_uri')) throw fail('invalid_request', 'request objects are not supported');
  const responseType = params.get('response_type');
  if (!responseType) throw fail('invalid_request', 'response_type is required');
  if (responseType !== 'code') throw fail('unsupported_response_type', 'only response_type=code is supported');
  const responseMode = params.get('response_mode');
  if (responseMode !== undefined && responseMode !== 'query') throw fail('invalid_request', 'only response_mode=query is supported');

  const codeChallenge = params.get('code_challenge');
  if (!codeChallenge) throw fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256');
  const method = params.get('code_challenge_method');
  if (method !== 'S256') {
    throw fail('invalid_request', method === undefined ? 'code_challenge_method is required and must be S256' : `code_challenge_method "${method}" is not supported; use S256`);
  }
  if (!PKCE_CHALLENGE.test(codeChallenge)) throw fail('invalid_request', 'code_challenge must be 43 base64url characters (S256)');

  const scopeParam = params.get('scope');
  const requestedScopes = scopeParam === undefined ? undefined : parseScope(scopeParam);
  if (scopeParam !== undefined && !requestedScopes) throw fail('invalid_scope', 'scope is not a space-separated list of scope tokens');
  const decided = decideScopes(requestedScopes, config.scopes, config.defaultScopes, client.scope?.split(' '));
  if ('unsupported' in decided) throw fail('invalid_scope', `scope "${decided.unsupported}" is not offered by this server`);

  const resource = params.get('resource');
  if (resource !== undefined && !isConfiguredResource(resource, config.urls.resource)) {
    throw fail('invalid_target', `this server protects only ${config.urls.resource}`);
  }

  const nonce = params.get('nonce');
  if (nonce !== undefined && (nonce === '' || nonce.length > MAX_NONCE)) throw fail('invalid_request', `nonce must be 1 to ${MAX_NONCE} characters`);

  const prompts = new Set<Prompt>();
  for (const value of (params.get('prompt') ?? '').split(' ').filter(Boolean)) {
    if (value !== 'none' && value !== 'login' && value !== 'consent') throw fail('invalid_request', `prompt "${value}" is not supported`);
    prompts.add(value);
  }
  if (prompts.has('none') && prompts.size > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other values');

  const maxAgeParam = params.get('max_age');
  let maxAge: number | undefined;
  if (maxAgeParam !== undefined) {
    if (!/^\d{1,10}$/.test(maxAgeParam)) throw fail('invalid_request', 'max_age must be a non-negative integer of seconds');
    maxAge = Number(maxAgeParam);
  }

  return {
    client,
    redirectUri: target,
    state: rawState,
    scopes: decided.scopes,
    resource: config.urls.resource,
    codeChallenge,
    nonce,
    prompts,
    maxAge,
    params,
  };
}
