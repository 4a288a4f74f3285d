/**
 * Step 4 (`--interactive`): the authorization code flow of a strict native client, judged by oauth4webapi itself.
 * PKCE S256, `state`, `nonce` and RFC 8707 `resource` on the authorization URL; a human (or a test) opens it;
 * the loopback callback is checked (`validateAuthResponse`: RFC 9207 `iss`, `state`), the code is exchanged, and
 * the token response goes through `processAuthorizationCodeResponse` with `expectedNonce`. Then every `iss` is
 * compared and the id_token signature is verified at `jwks_uri`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1 authorization code grant
 * @see https://www.rfc-editor.org/rfc/rfc7636 PKCE
 * @see https://www.rfc-editor.org/rfc/rfc9207 authorization server issuer identification
 */
import * as oauth from 'oauth4webapi';
import { checkAuthorizationResponse } from '../checks/authorizationResponse.js';
import { absoluteUrl, type JsonObject } from '../checks/jsonDocument.js';
import { checkTokenResponse } from '../checks/tokenResponse.js';
import { fail, pass, type Finding } from '../finding.js';
import { insecureAllowed, type HttpPolicy } from './http.js';
import type { LoopbackCallback } from './loopbackCallback.js';
import { checkIssuedTokens } from './issuedTokens.js';
import { describeOAuthError } from './oauthErrors.js';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?: string;
}

export interface FlowOptions {
  mcpUrl: string;
  /** The issuer the client trusts (PRM `authorization_servers[0]`). */
  issuer: string;
  metadata: JsonObject;
  client: RegisteredClient;
  callback: LoopbackCallback;
  scope: string;
  policy: HttpPolicy;
  callbackTimeoutMs: number;
  /** Shows the authorization URL to whoever signs in: a human (stderr) or a test. */
  onAuthorizationUrl: (url: URL) => void | Promise<void>;
  /** Seconds since the epoch. */
  now: () => number;
}

export async function authorizationCodeFlow(opts: FlowOptions): Promise<Finding[]> {
  const { metadata, issuer, policy } = opts;
  const authorizationEndpoint = absoluteUrl(metadata.authorization_endpoint);
  const tokenEndpoint = absoluteUrl(metadata.token_endpoint);
  if (!authorizationEndpoint || !tokenEndpoint) {
    return [fail('callback.received', 'not attempted: the metadata lacks authorization_endpoint or token_endpoint', { fix: 'serve both endpoints in the metadata' })];
  }
  // The client holds the issuer from discovery; the rest of the document as served.
  const as = { ...metadata, issuer } as oauth.AuthorizationServer;
  const client: oauth.Client = {
    client_id: opts.client.client_id,
    ...(opts.client.client_secret ? { client_secret: opts.client.client_secret } : {}),
    token_endpoint_auth_method: opts.client.token_endpoint_auth_method ?? 'none',
  };
  const openid = opts.scope.split(' ').includes('openid');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = openid ? oauth.generateRandomNonce() : undefined;

  const url = new URL(authorizationEndpoint);
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('redirect_uri', opts.callback.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', opts.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  if (nonce) url.searchParams.set('nonce', nonce);
  url.searchParams.set('resource', opts.mcpUrl);
  await opts.onAuthorizationUrl(url);

  const callbackUrl = await opts.callback.wait(opts.callbackTimeoutMs);
  if (!callbackUrl) {
    return [
      fail('callback.received', `no authorization response at ${opts.callback.redirectUri} within ${opts.callbackTimeoutMs < 1000 ? `${opts.callbackTimeoutMs} ms` : `${Math.round(opts.callbackTimeoutMs / 1000)} s`}`, {
        fix: 'open the printed URL and sign in; if the browser showed an error page, the authorization request itself was refused',
      }),
    ];
  }
  const findings: Finding[] = [pass('callback.received', `at ${opts.callback.redirectUri}`)];
  findings.push(...checkAuthorizationResponse(callbackUrl.searchParams, { issuer, state, issParameterSupported: metadata.authorization_response_iss_parameter_supported === true }));

  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callbackUrl.searchParams, state);
    findings.push(pass('oauth4webapi.validateAuthResponse', 'accepted'));
  } catch (error) {
    // A strict client stops here: the code is never redeemed.
    findings.push(fail('oauth4webapi.validateAuthResponse', `rejected: ${describeOAuthError(error)}`, { fix: 'see callback.* above' }));
    return findings;
  }

  const insecure = tokenEndpoint.protocol === 'http:' && insecureAllowed(tokenEndpoint, policy);
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(as, client, clientAuthentication(client), params, opts.callback.redirectUri, verifier, {
      additionalParameters: { resource: opts.mcpUrl },
      signal: AbortSignal.timeout(policy.timeoutMs),
      ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}),
    });
  } catch (error) {
    findings.push(fail('token.response', `token request to ${tokenEndpoint.href} failed: ${describeOAuthError(error)}`, { url: tokenEndpoint.href, fix: 'make the token endpoint reachable over https' }));
    return findings;
  }
  const text = await response.clone().text();
  const tokens = checkTokenResponse({ status: response.status, headers: response.headers, json: parseJson(text) }, tokenEndpoint.href);
  findings.push(...tokens.findings);
  try {
    await oauth.processAuthorizationCodeResponse(as, client, response, openid ? { expectedNonce: nonce, requireIdToken: true } : undefined);
    findings.push(pass('oauth4webapi.processAuthorizationCodeResponse', `accepted${nonce ? ' (expectedNonce, requireIdToken)' : ''}`));
  } catch (error) {
    findings.push(fail('oauth4webapi.processAuthorizationCodeResponse', `rejected: ${describeOAuthError(error)}`, { fix: 'see the token and id_token findings' }));
  }
  if (tokens.body) findings.push(...(await checkIssuedTokens(tokens.body, { issuer, clientId: client.client_id, nonce, openid, metadata, mcpUrl: opts.mcpUrl, policy, captured: false, now: opts.now() })));
  return findings;
}

function clientAuthentication(client: oauth.Client): oauth.ClientAuth {
  if (typeof client.client_secret !== 'string') return oauth.None();
  return client.token_endpoint_auth_method === 'client_secret_post' ? oauth.ClientSecretPost(client.client_secret) : oauth.ClientSecretBasic(client.client_secret);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
