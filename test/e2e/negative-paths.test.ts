/**
 * The kit's refusals, each through real HTTP against the running server: exact status, JSON `error`, and the
 * headers a strict client reads (Location parameters, WWW-Authenticate, Allow). Every JSON error body is
 * `{error, error_description?}` with no null members.
 */
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Request, Response as ExpressResponse } from 'express';
import { startHarness, type Harness } from '../support/harness.js';

const REDIRECT = 'http://127.0.0.1:53684/callback';
const OTHER_REDIRECT = 'http://127.0.0.1:53684/other-callback';
const SCOPE = 'openid profile email mcp:tools';

interface Registered {
  client_id: string;
  client_secret?: string;
  [member: string]: unknown;
}

interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function read(res: Response): Promise<HttpResult> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** A JSON OAuth error: the status, `application/json`, exactly `{error, error_description?}` as strings. */
function assertOAuthError(res: HttpResult, status: number, error: string): void {
  assert.equal(res.status, status, `status; body: ${res.text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = res.body as Record<string, unknown>;
  assert.ok(body && typeof body === 'object' && !Array.isArray(body), 'the body is a JSON object');
  assert.equal(body.error, error);
  for (const [name, value] of Object.entries(body)) {
    assert.ok(name === 'error' || name === 'error_description', `unexpected member "${name}"`);
    assert.equal(typeof value, 'string', `"${name}" is a string (never null)`);
  }
}

/** The RFC 6750 challenge's auth-params, e.g. `{ error: 'invalid_token', resource_metadata: '…' }`. */
function bearerParams(header: string | null): Record<string, string> {
  assert.ok(header, 'WWW-Authenticate is present');
  assert.match(header, /^Bearer /);
  return Object.fromEntries([...header.slice('Bearer '.length).matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
}

describe('negative paths: exact errors through real HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  // ---- helpers bound to a harness -------------------------------------------------------------------------

  async function register(on: Harness, metadata: Record<string, unknown> = {}): Promise<Registered> {
    const res = await read(
      await fetch(`${on.issuerUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: [REDIRECT],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          client_name: 'negative paths',
          ...metadata,
        }),
      }),
    );
    assert.equal(res.status, 201, res.text);
    return res.body as Registered;
  }

  /** An authorization URL with every parameter a good client sends; `undefined` in `overrides` drops one. */
  function authorizeUrl(on: Harness, client: Registered, overrides: Record<string, string | undefined> = {}, challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'): URL {
    const params: Record<string, string | undefined> = {
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: SCOPE,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: `state-${randomUUID()}`,
      nonce: `nonce-${randomUUID()}`,
      resource: on.mcpUrl,
      ...overrides,
    };
    const url = new URL(`${on.issuerUrl}/authorize`);
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  /** Signs alice in (a fresh Clerk session), consents, and returns the code from the client callback. */
  async function obtainCode(on: Harness, client: Registered, overrides: Record<string, string | undefined> = {}) {
    const verifier = oauth.generateRandomCodeVerifier();
    const url = authorizeUrl(on, client, overrides, await oauth.calculatePKCECodeChallenge(verifier));
    const { browser, sessionId } = await on.signedInBrowser();
    const callback = await browser.authorize(url.href);
    assert.ok(callback, `reached the callback; hops: ${JSON.stringify(browser.hops)}`);
    const code = callback.searchParams.get('code');
    assert.ok(code, `a code came back: ${callback.href}`);
    return { code, verifier, sessionId };
  }

  async function tokenRequest(on: Harness, form: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<HttpResult> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) if (value !== undefined) body.set(name, value);
    return read(await fetch(`${on.issuerUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body }));
  }

  const clientAuth = (client: Registered) => ({ client_id: client.client_id, client_secret: client.client_secret });

  function exchange(on: Harness, client: Registered, code: string, verifier: string | undefined, extra: Record<string, string | undefined> = {}) {
    return tokenRequest(on, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT, resource: on.mcpUrl, ...clientAuth(client), ...extra });
  }

  function refresh(on: Harness, client: Registered, refreshToken: string) {
    return tokenRequest(on, { grant_type: 'refresh_token', refresh_token: refreshToken, resource: on.mcpUrl, ...clientAuth(client) });
  }

  /** Code → tokens; asserts the exchange succeeded. */
  async function signIn(on: Harness, client: Registered, overrides: Record<string, string | undefined> = {}) {
    const { code, verifier, sessionId } = await obtainCode(on, client, overrides);
    const res = await exchange(on, client, code, verifier);
    assert.equal(res.status, 200, res.text);
    const tokens = res.body as { access_token: string; refresh_token: string };
    assert.equal(typeof tokens.refresh_token, 'string');
    return { code, verifier, sessionId, tokens };
  }

  /** The MCP `whoami` tool call with a bearer token (or none). */
  async function mcp(on: Harness, accessToken?: string, url = on.mcpUrl): Promise<HttpResult> {
    return read(
      await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(accessToken !== undefined ? { authorization: `Bearer ${accessToken}` } : {}),
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
      }),
    );
  }

  /** 401 from the bearer middleware with `error="invalid_token"` in the challenge and in the body. */
  function assertInvalidToken(res: HttpResult, on: Harness = h): Record<string, string> {
    assertOAuthError(res, 401, 'invalid_token');
    const params = bearerParams(res.headers.get('www-authenticate'));
    assert.equal(params.error, 'invalid_token');
    assert.equal(params.resource_metadata, `${on.origin}/.well-known/oauth-protected-resource/mcp`);
    return params;
  }

  /**
   * An error redirect to the client: `error`, `state` (as sent) and `iss` (ours), each once, no `code`; and
   * oauth4webapi, reading it as a strict client does, gets past the RFC 9207 and state checks to the error.
   */
  function assertErrorRedirect(res: Response, error: string, state: string | undefined, status = 302): URL {
    assert.equal(res.status, status);
    const location = res.headers.get('location');
    assert.ok(location, 'a Location header');
    const url = new URL(location);
    assert.equal(`${url.origin}${url.pathname}`, REDIRECT);
    for (const name of ['error', 'error_description', 'state', 'iss']) assert.ok(url.searchParams.getAll(name).length <= 1, `${name} at most once`);
    assert.equal(url.searchParams.get('error'), error);
    assert.equal(typeof url.searchParams.get('error_description'), 'string');
    assert.equal(url.searchParams.get('iss'), h.issuerUrl);
    assert.equal(url.searchParams.get('state'), state ?? null);
    assert.equal(url.searchParams.has('code'), false);
    const as: oauth.AuthorizationServer = { issuer: h.issuerUrl, authorization_response_iss_parameter_supported: true };
    assert.throws(
      () => oauth.validateAuthResponse(as, { client_id: 'any' }, url, state ?? oauth.expectNoState),
      (e: unknown) => e instanceof oauth.AuthorizationResponseError && e.error === error,
    );
    return url;
  }

  /** The phase-1 error page: 400 HTML and never a redirect. */
  async function assertErrorPage(url: URL, mentions: RegExp) {
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null, 'no redirect happens');
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await res.text(), mentions);
  }

  /** An access token signed with `key` (default: our signing key) with the claims the kit issues, overridable. */
  async function forgeAccessToken(on: Harness, claims: JWTPayload = {}, key?: CryptoKey) {
    const jwk = on.signingKeys.keys[0] as { kid: string; alg?: string };
    const alg = jwk.alg ?? 'RS256';
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: on.issuerUrl,
      sub: 'user_test_alice',
      aud: on.mcpUrl,
      client_id: 'forged-client',
      scope: 'mcp:tools',
      iat: now,
      exp: now + 600,
      jti: randomUUID(),
      auth_time: now,
      sid: 'sess_forged',
      gid: `grant-${randomUUID()}`,
      ...claims,
    })
      .setProtectedHeader({ alg, kid: jwk.kid, typ: 'at+jwt' })
      .sign(key ?? (await importJWK(on.signingKeys.keys[0] as Parameters<typeof importJWK>[0], alg)));
  }

  // ---- PKCE ------------------------------------------------------------------------------------------------

  describe('PKCE', () => {
    it('authorize without code_challenge redirects with error=invalid_request, state and iss', async () => {
      const client = await register(h);
      const url = authorizeUrl(h, client, { code_challenge: undefined, code_challenge_method: undefined, state: 'pkce-missing' });
      assertErrorRedirect(await fetch(url, { redirect: 'manual' }), 'invalid_request', 'pkce-missing');
    });

    it('authorize with code_challenge_method=plain redirects with error=invalid_request', async () => {
      const client = await register(h);
      const verifier = oauth.generateRandomCodeVerifier();
      const url = authorizeUrl(h, client, { code_challenge: verifier, code_challenge_method: 'plain', state: 'pkce-plain' });
      assertErrorRedirect(await fetch(url, { redirect: 'manual' }), 'invalid_request', 'pkce-plain');
    });

    it('token with a wrong code_verifier is 400 invalid_grant', async () => {
      const client = await register(h);
      const { code } = await obtainCode(h, client);
      assertOAuthError(await exchange(h, client, code, oauth.generateRandomCodeVerifier()), 400, 'invalid_grant');
    });

    it('token without code_verifier is 400 invalid_request', async () => {
      const client = await register(h);
      const { code } = await obtainCode(h, client);
      assertOAuthError(await exchange(h, client, code, undefined), 400, 'invalid_request');
    });
  });

  // ---- authorization codes -----------------------------------------------------------------------------------

  describe('code replay', () => {
    it('a second redemption is 400 invalid_grant and revokes the access and refresh tokens of the first', async () => {
      const client = await register(h);
      const { code, verifier, tokens } = await signIn(h, client);
      assert.equal((await mcp(h, tokens.access_token)).status, 200, 'the first redemption’s access token works');

      assertOAuthError(await exchange(h, client, code, verifier), 400, 'invalid_grant');

      assertInvalidToken(await mcp(h, tokens.access_token));
      assertOAuthError(await refresh(h, client, tokens.refresh_token), 400, 'invalid_grant');
    });

    it('a replay through oauth4webapi surfaces as ResponseBodyError invalid_grant', async () => {
      const client = await register(h);
      const { code, verifier } = await signIn(h, client);
      const o4w: oauth.Client = { client_id: client.client_id };
      const as: oauth.AuthorizationServer = { issuer: h.issuerUrl, token_endpoint: `${h.issuerUrl}/token` };
      const callback = new URL(REDIRECT);
      callback.search = new URLSearchParams({ code, iss: h.issuerUrl }).toString();
      const params = oauth.validateAuthResponse({ ...as, authorization_response_iss_parameter_supported: true }, o4w, callback, oauth.expectNoState);
      const res = await oauth.authorizationCodeGrantRequest(as, o4w, oauth.None(), params, REDIRECT, verifier, { [oauth.allowInsecureRequests]: true });
      await assert.rejects(oauth.processAuthorizationCodeResponse(as, o4w, res), (e: unknown) => {
        assert.ok(e instanceof oauth.ResponseBodyError);
        assert.equal(e.status, 400);
        assert.equal(e.error, 'invalid_grant');
        return true;
      });
    });
  });

  // ---- authorize phase 1: never redirect --------------------------------------------------------------------

  describe('authorize without a trustworthy redirect URI', () => {
    it('an unregistered redirect_uri gets a 400 HTML error page and no redirect', async () => {
      const client = await register(h);
      await assertErrorPage(authorizeUrl(h, client, { redirect_uri: 'https://attacker.example/callback' }), /redirect_uri is not registered/);
      // Registered path, other path: still exact matching, still no redirect.
      await assertErrorPage(authorizeUrl(h, client, { redirect_uri: OTHER_REDIRECT }), /redirect_uri is not registered/);
    });

    it('an unknown client_id gets a 400 HTML error page and no redirect', async () => {
      await assertErrorPage(authorizeUrl(h, { client_id: 'no-such-client' }), /unknown client_id/);
    });
  });

  // ---- token endpoint ---------------------------------------------------------------------------------------

  describe('token endpoint client authentication and binding', () => {
    it('an unknown client is 401 invalid_client (with WWW-Authenticate: Basic when Basic was used)', async () => {
      const res = await tokenRequest(h, { grant_type: 'authorization_code', code: 'x', code_verifier: oauth.generateRandomCodeVerifier(), redirect_uri: REDIRECT, client_id: 'no-such-client' });
      assertOAuthError(res, 401, 'invalid_client');

      const basic = await tokenRequest(
        h,
        { grant_type: 'authorization_code', code: 'x', code_verifier: oauth.generateRandomCodeVerifier(), redirect_uri: REDIRECT },
        { authorization: `Basic ${Buffer.from('no-such-client:secret').toString('base64')}` },
      );
      assertOAuthError(basic, 401, 'invalid_client');
      assert.match(basic.headers.get('www-authenticate') ?? '', /^Basic\b/);
    });

    it('a wrong secret with Basic is 401 invalid_client with WWW-Authenticate: Basic, and does not burn the code', async () => {
      const client = await register(h, { token_endpoint_auth_method: 'client_secret_basic' });
      assert.equal(typeof client.client_secret, 'string');
      const { code, verifier } = await obtainCode(h, client);
      const form = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT };
      const basic = (secret: string) => ({ authorization: `Basic ${Buffer.from(`${client.client_id}:${secret}`).toString('base64')}` });

      const wrong = await tokenRequest(h, form, basic('wrong-secret'));
      assertOAuthError(wrong, 401, 'invalid_client');
      assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic\b/);

      const right = await tokenRequest(h, form, basic(client.client_secret!));
      assert.equal(right.status, 200, right.text);
    });

    it('a redirect_uri at the token endpoint other than the authorization request’s is 400 invalid_grant', async () => {
      const client = await register(h, { redirect_uris: [REDIRECT, OTHER_REDIRECT] });
      const { code, verifier } = await obtainCode(h, client);
      assertOAuthError(await exchange(h, client, code, verifier, { redirect_uri: OTHER_REDIRECT }), 400, 'invalid_grant');
    });
  });

  // ---- resource indicators -----------------------------------------------------------------------------------

  describe('resource (RFC 8707)', () => {
    it('a foreign resource at authorize redirects with error=invalid_target, state and iss', async () => {
      const client = await register(h);
      const url = authorizeUrl(h, client, { resource: 'https://other.example/mcp', state: 'wrong-resource' });
      assertErrorRedirect(await fetch(url, { redirect: 'manual' }), 'invalid_target', 'wrong-resource');
    });

    it('a foreign resource at the token endpoint is 400 invalid_target', async () => {
      const client = await register(h);
      const { code, verifier } = await obtainCode(h, client);
      assertOAuthError(await exchange(h, client, code, verifier, { resource: 'https://other.example/mcp' }), 400, 'invalid_target');
    });
  });

  // ---- refresh rotation --------------------------------------------------------------------------------------

  describe('refresh token rotation', () => {
    it('within the grace window two refreshes with the same token both succeed with the same new refresh token', async () => {
      const client = await register(h);
      const { tokens } = await signIn(h, client);
      const first = await refresh(h, client, tokens.refresh_token);
      const second = await refresh(h, client, tokens.refresh_token);
      assert.equal(first.status, 200, first.text);
      assert.equal(second.status, 200, second.text);
      const successor = (first.body as { refresh_token: string }).refresh_token;
      assert.notEqual(successor, tokens.refresh_token);
      assert.equal((second.body as { refresh_token: string }).refresh_token, successor);
      // The family is intact: the successor rotates normally and the original access token still works.
      assert.equal((await refresh(h, client, successor)).status, 200);
      assert.equal((await mcp(h, tokens.access_token)).status, 200);
    });

    it('concurrent refreshes with the same token both succeed with the same new refresh token', async () => {
      const client = await register(h);
      const { tokens } = await signIn(h, client);
      const results = await Promise.all([refresh(h, client, tokens.refresh_token), refresh(h, client, tokens.refresh_token)]);
      for (const r of results) assert.equal(r.status, 200, r.text);
      const [a, b] = results.map((r) => (r.body as { refresh_token: string }).refresh_token);
      assert.equal(a, b);
    });

    describe('with a 1 s grace window', () => {
      let g: Harness;
      before(async () => {
        g = await startHarness({ options: { lifetimes: { refreshReuseGrace: 1 } } });
      });
      after(() => g.close());

      /**
       * Moves the process clock forward instead of sleeping: the grace window is compared in whole seconds, so
       * a real wait would have to exceed grace + 1 s to be deterministic. The server runs in this process.
       */
      async function later<T>(seconds: number, fn: () => Promise<T>): Promise<T> {
        const realNow = Date.now;
        Date.now = () => realNow() + seconds * 1000;
        try {
          return await fn();
        } finally {
          Date.now = realNow;
        }
      }

      it('reusing a rotated token after the grace window is invalid_grant and revokes the whole family', async () => {
        const client = await register(g);
        const { tokens } = await signIn(g, client);
        const rotated = await refresh(g, client, tokens.refresh_token);
        assert.equal(rotated.status, 200, rotated.text);
        const newest = rotated.body as { access_token: string; refresh_token: string };

        const reuse = await later(3, () => refresh(g, client, tokens.refresh_token));
        assertOAuthError(reuse, 400, 'invalid_grant');

        assertOAuthError(await refresh(g, client, newest.refresh_token), 400, 'invalid_grant');
        assertInvalidToken(await mcp(g, newest.access_token), g);
        assertInvalidToken(await mcp(g, tokens.access_token), g);
      });
    });
  });

  // ---- the Clerk session behind the grant ------------------------------------------------------------------

  describe('signed-out Clerk session', () => {
    for (const [how, end] of [
      ['signed out', (on: Harness, id: string) => on.double.endSession(id)],
      ['revoked', (on: Harness, id: string) => on.double.revokeSession(id)],
    ] as const) {
      it(`refresh after the Clerk session was ${how} is 400 invalid_grant and ends the grant`, async () => {
        const client = await register(h);
        const { sessionId, tokens } = await signIn(h, client);
        end(h, sessionId);
        assertOAuthError(await refresh(h, client, tokens.refresh_token), 400, 'invalid_grant');
        assertInvalidToken(await mcp(h, tokens.access_token));
      });
    }

    for (const scope of [SCOPE, 'mcp:tools']) {
      // SPEC §11: the code exchange asks Clerk nothing (the code is seconds old, its session was alive when it was
      // issued); the grant ends at the next point that learns of the sign-out, here the refresh.
      it(`sign-out after the code was issued: the exchange succeeds without Clerk, the refresh is invalid_grant and ends the grant (scope "${scope}")`, async () => {
        const client = await register(h);
        const { code, verifier, sessionId } = await obtainCode(h, client, { scope });
        h.double.endSession(sessionId);
        const exchanged = await exchange(h, client, code, verifier);
        assert.equal(exchanged.status, 200, exchanged.text);
        const tokens = exchanged.body as { access_token: string; refresh_token: string };
        assertOAuthError(await refresh(h, client, tokens.refresh_token), 400, 'invalid_grant');
        assertInvalidToken(await mcp(h, tokens.access_token));
      });
    }
  });

  // ---- the bearer middleware ------------------------------------------------------------------------------------

  describe('bearer middleware', () => {
    it('control: a token forged with our key and valid claims is accepted (so the refusals below are about one flaw each)', async () => {
      const res = await mcp(h, await forgeAccessToken(h));
      assert.equal(res.status, 200, res.text);
    });

    it('an expired access token is 401 error="invalid_token"', async () => {
      const now = Math.floor(Date.now() / 1000);
      const params = assertInvalidToken(await mcp(h, await forgeAccessToken(h, { iat: now - 7200, exp: now - 3600 })));
      assert.match(params.error_description ?? '', /expired/);
    });

    it('an access token for another audience is 401 error="invalid_token"', async () => {
      assertInvalidToken(await mcp(h, await forgeAccessToken(h, { aud: 'https://other.example/mcp' })));
    });

    it('an access token signed by another key (same kid) is 401 error="invalid_token"', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      assertInvalidToken(await mcp(h, await forgeAccessToken(h, {}, privateKey)));
    });

    it('a missing token is 401 with Bearer resource_metadata and no error= in the challenge', async () => {
      const res = await mcp(h);
      assert.equal(res.status, 401);
      const header = res.headers.get('www-authenticate');
      const params = bearerParams(header);
      assert.equal(params.resource_metadata, `${h.origin}/.well-known/oauth-protected-resource/mcp`);
      assert.doesNotMatch(header!, /error=/);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assertOAuthError(res, 401, 'invalid_token');
    });

    it('a token without the required scope is 403 error="insufficient_scope"', async () => {
      const ok = (req: Request, res: ExpressResponse) => {
        res.json({ userId: req.auth?.extra?.userId });
      };
      h.app.post('/test/admin-only', h.issuer.requireBearer({ scopes: ['admin'] }), ok);
      h.app.post('/test/tools-only', h.issuer.requireBearer({ scopes: ['mcp:tools'] }), ok);
      const client = await register(h);
      const { tokens } = await signIn(h, client);

      const denied = await mcp(h, tokens.access_token, `${h.origin}/test/admin-only`);
      assertOAuthError(denied, 403, 'insufficient_scope');
      const params = bearerParams(denied.headers.get('www-authenticate'));
      assert.equal(params.error, 'insufficient_scope');
      assert.equal(params.scope, 'admin');

      const allowed = await mcp(h, tokens.access_token, `${h.origin}/test/tools-only`);
      assert.equal(allowed.status, 200, 'the same token passes where its scope suffices');
      assert.deepEqual(allowed.body, { userId: 'user_test_alice' });
    });
  });

  // ---- authorize: interaction ---------------------------------------------------------------------------------

  describe('authorize interaction errors', () => {
    it('prompt=none while signed out redirects with error=login_required, state and iss', async () => {
      const client = await register(h);
      const url = authorizeUrl(h, client, { prompt: 'none', state: 'silent' });
      assertErrorRedirect(await fetch(url, { redirect: 'manual' }), 'login_required', 'silent');
    });

    it('denying consent redirects with error=access_denied, state and iss', async () => {
      const client = await register(h);
      const url = authorizeUrl(h, client, { state: 'deny-me' });
      const { browser } = await h.signedInBrowser();
      const callback = await browser.authorize(url.href, 'deny');
      assert.ok(callback);
      const last = browser.hops.at(-1)!;
      assert.equal(last.method, 'POST');
      assertErrorRedirect(new Response(null, { status: last.status, headers: { location: last.location! } }), 'access_denied', 'deny-me', 303);
    });
  });

  // ---- registration ---------------------------------------------------------------------------------------------

  describe('registration', () => {
    it('answers 201 with no-store, the registered metadata echoed, and a secret only for confidential clients', async () => {
      const metadata = {
        redirect_uris: [REDIRECT, 'cursor://anysphere.cursor-mcp/oauth/callback'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        client_name: 'Shape check',
        scope: 'openid mcp:tools',
        application_type: 'native',
      };
      const res = await read(await fetch(`${h.issuerUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(metadata) }));
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body = res.body as Record<string, unknown>;
      assert.match(body.client_id as string, /^[A-Za-z0-9_-]+$/);
      assert.equal(typeof body.client_id_issued_at, 'number');
      assert.ok(Math.abs((body.client_id_issued_at as number) - Date.now() / 1000) < 60);
      for (const [name, value] of Object.entries(metadata)) assert.deepEqual(body[name], value, `${name} echoed`);
      assert.equal('client_secret' in body, false);
      assert.equal('client_secret_expires_at' in body, false);
      for (const [name, value] of Object.entries(body)) assert.notEqual(value, null, `${name} is not null`);

      const confidential = await register(h, { token_endpoint_auth_method: 'client_secret_basic' });
      assert.match(confidential.client_secret as string, /^[A-Za-z0-9_-]+$/);
      assert.equal(confidential.client_secret_expires_at, 0);
    });

    for (const [what, uri] of [
      ['an http non-loopback redirect URI', 'http://app.example.com/callback'],
      ['a redirect URI with a fragment', 'https://app.example.com/callback#frag'],
    ] as const) {
      it(`refuses ${what} with 400 invalid_redirect_uri`, async () => {
        const res = await read(
          await fetch(`${h.issuerUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [uri], token_endpoint_auth_method: 'none' }) }),
        );
        assertOAuthError(res, 400, 'invalid_redirect_uri');
      });
    }

    it('GET /register is 405 with Allow: POST', async () => {
      const res = await read(await fetch(`${h.issuerUrl}/register`));
      assert.equal(res.status, 405);
      assert.match(res.headers.get('allow') ?? '', /\bPOST\b/);
      assert.equal(res.headers.get('allow'), 'POST, OPTIONS');
      assertOAuthError(res, 405, 'method_not_allowed');
    });
  });
});
