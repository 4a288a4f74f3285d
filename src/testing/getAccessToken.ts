/**
 * `getAccessToken`: a real access token from the app under test, for your supertest suites. It runs the same
 * flow an MCP client runs, over HTTP and without a browser: discovery (PRM → AS metadata), dynamic client
 * registration, `/authorize` with PKCE S256 as a user signed in through the dev stand-in, the consent form
 * (Allow), the callback's `code`/`state`/`iss` checks, and the `authorization_code` grant at `/token`.
 *
 * Nothing is minted behind the kit's back: if the token endpoint, the consent page or the scope policy is
 * broken, the helper fails the way a client would.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.1 authorization code grant
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4 PKCE
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2 iss in the authorization response
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DevClerk } from './dev/devClerk.js';
import { readConsentForm } from './consentForm.js';

export interface GetAccessTokenOptions {
  /**
   * The app under test. The flow's requests go to it on an ephemeral loopback port, opened and closed by this
   * call. Give `app` or `baseUrl`, not both.
   */
  app?: RequestListener;
  /** Or the origin where the app already listens, e.g. `server.origin` of {@link startLoopbackServer}. */
  baseUrl?: string | URL;
  /** The stand-in the app's issuer was created with: it signs the user in (its `signIn`). */
  devClerk: Pick<DevClerk, 'signIn'>;
  /** The Clerk user to act as. Default `user_test_alice` (a seeded user; `bob` is `user_test_bob`). */
  userId?: string;
  /** The scopes to ask for, e.g. `['mcp:tools']`. Empty: the issuer's default scopes. */
  scopes: string[];
  /** The registered client's `client_name` (shown on the consent page). Default `getAccessToken test client`. */
  clientName?: string;
  /**
   * With organizations on: the organization to choose on the consent page (`''`: the personal account). Default:
   * the one the page preselects (the session's active organization).
   */
  organization?: string;
}

export interface IssuedTokens {
  /** The RFC 9068 access token for the MCP endpoint: send it as `Authorization: Bearer …`. */
  accessToken: string;
  /** Present when the issuer hands out refresh tokens to the client (it registers for `refresh_token`). */
  refreshToken?: string;
  /** Present when `openid` was granted. */
  idToken?: string;
  /** The client the helper registered. */
  clientId: string;
  /** The granted scopes, as the token response lists them. */
  scope: string;
  expiresIn: number;
}

/** A step of the flow did not go as a client expects; `error` is the server's OAuth error code, if it sent one. */
export class GetAccessTokenError extends Error {
  constructor(
    message: string,
    readonly error?: string,
  ) {
    super(message);
    this.name = 'GetAccessTokenError';
  }
}

/** Never contacted: the helper reads the code off the redirect's `Location`. Loopback, so any port matches. */
const REDIRECT_URI = 'http://127.0.0.1/callback';
const DEFAULT_USER = 'user_test_alice';

/**
 * Registers a client and runs authorize → consent → token as `userId`; resolves to the issued tokens.
 * Rejects with {@link GetAccessTokenError} when a step fails (e.g. `error: 'invalid_scope'`).
 *
 * @example
 * const { accessToken } = await getAccessToken({ app, devClerk, scopes: ['mcp:tools'] });
 * await request(app).post('/mcp').set('authorization', `Bearer ${accessToken}`).send(…);
 *
 * @see startLoopbackServer: the app must listen at the origin its issuer and dev stand-in were created with,
 *   because the kit calls the stand-in's Backend API there while it authorizes.
 */
export async function getAccessToken(options: GetAccessTokenOptions): Promise<IssuedTokens> {
  if ((options.app === undefined) === (options.baseUrl === undefined)) {
    throw new TypeError('getAccessToken: give either app or baseUrl');
  }
  if (options.baseUrl !== undefined) return runFlow(new URL(options.baseUrl).origin, options);
  const server = createServer(options.app);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  try {
    return await runFlow(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function runFlow(base: string, options: GetAccessTokenOptions): Promise<IssuedTokens> {
  // Discovery as an MCP client does it: the resource's PRM names the issuer; its metadata names the endpoints.
  const prm = await json(await fetch(`${base}/.well-known/oauth-protected-resource`), 200, 'GET /.well-known/oauth-protected-resource');
  const issuer = String(prm.authorization_servers?.[0] ?? '');
  const resource = String(prm.resource ?? '');
  const issuerPath = new URL(issuer).pathname.replace(/\/$/, '');
  const metadata = await json(await fetch(`${base}/.well-known/oauth-authorization-server${issuerPath}`), 200, 'GET AS metadata');
  // The endpoints are absolute on the configured origin; the requests go to wherever the app listens.
  const at = (endpoint: unknown) => {
    const url = new URL(String(endpoint));
    return new URL(url.pathname + url.search, base);
  };

  const registration = await json(
    await fetch(at(metadata.registration_endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: options.clientName ?? 'getAccessToken test client',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    }),
    201,
    'POST /register',
  );
  const clientId = String(registration.client_id);

  const { cookie } = await options.devClerk.signIn(options.userId ?? DEFAULT_USER);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = at(metadata.authorization_endpoint);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    state,
    code_challenge: createHash('sha256').update(verifier, 'ascii').digest('base64url'),
    code_challenge_method: 'S256',
    resource,
    ...(options.scopes.length > 0 ? { scope: options.scopes.join(' ') } : {}),
  }).toString();

  let res = await fetch(authorize, { redirect: 'manual', headers: { cookie } });
  if (res.status === 200) {
    const html = await res.text();
    const form = readConsentForm(html);
    if (!form) throw new GetAccessTokenError(`GET /authorize showed a page without a consent form: ${textOf(html)}`);
    const body = new URLSearchParams(form.fields);
    body.set('decision', 'allow');
    const organization = options.organization ?? form.organizations?.selected;
    if (form.organizations && organization !== undefined) body.set('organization', organization);
    // The Origin a browser sends when the form is posted from the issuer's own page.
    res = await fetch(new URL(form.action, base), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: new URL(issuer).origin, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }
  const callback = callbackOf(res, issuer);
  if (!callback) {
    const where = res.headers.get('location');
    throw new GetAccessTokenError(
      where
        ? `/authorize sent the user to ${where} instead of back to the client: is devClerk the stand-in this issuer was created with?`
        : `/authorize answered ${res.status}: ${textOf(await res.text())}`,
    );
  }
  const params = callback.searchParams;
  if (params.get('iss') !== issuer) throw new GetAccessTokenError(`the authorization response's iss is ${params.get('iss')}, not ${issuer}`);
  if (params.get('state') !== state) throw new GetAccessTokenError('the authorization response did not return the state it was sent');
  const error = params.get('error');
  if (error) throw new GetAccessTokenError(`/authorize refused: ${error}: ${params.get('error_description') ?? ''}`, error);

  const tokens = await json(
    await fetch(at(metadata.token_endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: params.get('code') ?? '',
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: clientId,
        resource,
      }),
    }),
    200,
    'POST /token',
  );
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token !== undefined ? { refreshToken: tokens.refresh_token } : {}),
    ...(tokens.id_token !== undefined ? { idToken: tokens.id_token } : {}),
    clientId,
    scope: tokens.scope,
    expiresIn: tokens.expires_in,
  };
}

/** The redirect to the client's callback, if that is where the response sends the user. */
function callbackOf(res: Response, issuer: string): URL | undefined {
  const location = res.headers.get('location');
  if (!location || res.status < 300 || res.status > 399) return undefined;
  const url = new URL(location, issuer);
  return url.origin + url.pathname === REDIRECT_URI ? url : undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(res: Response, status: number, step: string): Promise<Record<string, any>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status !== status || typeof body !== 'object' || body === null) {
    const error = (body as { error?: unknown } | undefined)?.error;
    throw new GetAccessTokenError(`${step} answered ${res.status} (expected ${status}): ${textOf(text)}`, typeof error === 'string' ? error : undefined);
  }
  return body as Record<string, unknown>;
}

/** A short, tag-free excerpt of a response body for an error message. */
function textOf(body: string): string {
  return body.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
}
