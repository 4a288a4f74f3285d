/**
 * openid-client v6 as the judge: discovery in both algorithms, DCR (public and confidential clients), the code
 * flow with PKCE + state + nonce + resource, id_token claims, UserInfo, refresh, revocation, and the id_token
 * signature verified against our `jwks_uri` (non-repudiation checks), with proof that the check can fail.
 */
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { startHarness, type Harness } from '../support/harness.js';
import { describeWithStores } from '../support/stores.js';

const REDIRECT = 'http://127.0.0.1:53683/callback';
const SCOPE = 'openid profile email mcp:tools';

interface Seen {
  method: string;
  path: string;
  basic: boolean;
  secretInBody: boolean;
}

/** A fetch that records every request openid-client makes (and may rewrite responses). */
function recordingFetch(seen: Seen[], rewrite?: (path: string, res: Response) => Promise<Response>): client.CustomFetch {
  return async (url, options) => {
    const path = new URL(url).pathname;
    const headers = new Headers(options.headers);
    const body = typeof options.body === 'string' ? options.body : options.body instanceof URLSearchParams ? options.body.toString() : '';
    seen.push({
      method: options.method,
      path,
      basic: /^Basic /i.test(headers.get('authorization') ?? ''),
      secretInBody: new URLSearchParams(body).has('client_secret'),
    });
    const res = await fetch(url, options as RequestInit);
    return rewrite ? rewrite(path, res) : res;
  };
}

const insecure = { execute: [client.allowInsecureRequests] };

describeWithStores('openid-client against the kit', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  async function registerPublic(seen: Seen[] = [], algorithm?: 'oidc' | 'oauth2'): Promise<client.Configuration> {
    return client.dynamicClientRegistration(
      new URL(h.issuerUrl),
      { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], client_name: 'openid-client public' },
      undefined,
      { ...insecure, algorithm, [client.customFetch]: recordingFetch(seen) },
    );
  }

  /** Builds the authorization URL the way an app does, walks the browser through sign-in and consent. */
  async function authorize(config: client.Configuration) {
    const pkceCodeVerifier = client.randomPKCECodeVerifier();
    const expectedState = client.randomState();
    const expectedNonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      state: expectedState,
      nonce: expectedNonce,
      resource: h.mcpUrl,
    });
    assert.equal(url.origin + url.pathname, `${h.issuerUrl}/authorize`);
    const { browser } = await h.signedInBrowser();
    const callback = await browser.authorize(url.href);
    assert.ok(callback, `the browser reached the client callback; hops: ${JSON.stringify(browser.hops)}`);
    return { callback, checks: { pkceCodeVerifier, expectedState, expectedNonce } };
  }

  async function mcpWhoami(config: client.Configuration, accessToken: string) {
    const res = await client.fetchProtectedResource(
      config,
      accessToken,
      new URL(h.mcpUrl),
      'POST',
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
      new Headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' }),
    );
    return { status: res.status, text: await res.text() };
  }

  for (const algorithm of ['oidc', 'oauth2'] as const) {
    it(`discovery (${algorithm}) fetches the ${algorithm === 'oidc' ? 'OIDC' : 'RFC 8414'} document and its issuer matches byte for byte`, async () => {
      const seen: Seen[] = [];
      const config = await client.discovery(new URL(h.issuerUrl), 'any-client', undefined, client.None(), {
        ...insecure,
        algorithm,
        [client.customFetch]: recordingFetch(seen),
      });
      const wellKnown = algorithm === 'oidc' ? '/.well-known/openid-configuration' : '/.well-known/oauth-authorization-server';
      assert.deepEqual(seen.map((s) => `${s.method} ${s.path}`), [`GET ${wellKnown}`]);
      const metadata = config.serverMetadata();
      assert.equal(metadata.issuer, h.issuerUrl);
      assert.equal(metadata.supportsPKCE(), true);
      assert.equal(metadata.authorization_response_iss_parameter_supported, true);
      assert.equal(metadata.jwks_uri, `${h.issuerUrl}/.well-known/jwks.json`);
    });
  }

  it('full flow for a public client: DCR 201, PKCE + state + nonce + resource, claims, userinfo, MCP call, refresh, revocation', async () => {
    const seen: Seen[] = [];
    const config = await registerPublic(seen);
    assert.deepEqual(seen.map((s) => `${s.method} ${s.path}`), ['GET /.well-known/openid-configuration', 'POST /register']);
    const registered = config.clientMetadata();
    assert.match(registered.client_id, /^[A-Za-z0-9_-]+$/);
    assert.equal(registered.client_secret, undefined);
    assert.equal(registered.token_endpoint_auth_method, 'none');
    assert.deepEqual(registered.redirect_uris, [REDIRECT]);

    const { callback, checks } = await authorize(config);
    assert.equal(callback.searchParams.get('iss'), h.issuerUrl);
    assert.equal(callback.searchParams.get('state'), checks.expectedState);

    const tokens = await client.authorizationCodeGrant(config, callback, checks, { resource: h.mcpUrl });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, SCOPE);
    assert.equal(typeof tokens.expires_in, 'number');
    assert.equal(typeof tokens.refresh_token, 'string');
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.iss, h.issuerUrl);
    assert.equal(claims.sub, 'user_test_alice');
    assert.equal(claims.aud, registered.client_id);
    assert.equal(claims.nonce, checks.expectedNonce);
    assert.equal(typeof claims.auth_time, 'number');
    assert.ok(Math.abs((claims.auth_time as number) - Date.now() / 1000) < 120, 'auth_time is the recent sign-in');
    assert.equal(claims.email, 'alice@example.com');

    const access = decodeJwt(tokens.access_token);
    assert.equal(access.iss, h.issuerUrl);
    assert.equal(access.aud, h.mcpUrl);
    assert.equal(access.client_id, registered.client_id);

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, 'user_test_alice');
    assert.equal(userinfo.email, 'alice@example.com');

    const whoami = await mcpWhoami(config, tokens.access_token);
    assert.equal(whoami.status, 200);
    assert.match(whoami.text, /user_test_alice/);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: h.mcpUrl });
    assert.equal(typeof refreshed.refresh_token, 'string');
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    const refreshedClaims = refreshed.claims();
    assert.ok(refreshedClaims, 'the refresh response carries an id_token');
    assert.equal(refreshedClaims.iss, h.issuerUrl);
    assert.equal(refreshedClaims.sub, claims.sub);
    assert.equal(refreshedClaims.aud, claims.aud);
    assert.equal(refreshedClaims.auth_time, claims.auth_time);
    assert.equal(refreshedClaims.nonce, undefined);

    // Revoking the access token stops it at UserInfo; revoking the refresh token ends the grant.
    await client.tokenRevocation(config, refreshed.access_token, { token_type_hint: 'access_token' });
    await assert.rejects(client.fetchUserInfo(config, refreshed.access_token, claims.sub), (e: unknown) => {
      assert.ok(e instanceof client.WWWAuthenticateChallengeError);
      assert.equal(e.status, 401);
      assert.equal(e.cause[0].parameters.error, 'invalid_token');
      return true;
    });
    await client.tokenRevocation(config, refreshed.refresh_token!);
    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token!), (e: unknown) => {
      assert.ok(e instanceof client.ResponseBodyError);
      assert.equal(e.status, 400);
      assert.equal(e.error, 'invalid_grant');
      return true;
    });
    // RFC 7009 §2.2: an unknown token is still answered 200.
    await client.tokenRevocation(config, 'not-a-token-we-issued');
  });

  it('a confidential client registered through oauth2 discovery authenticates with client_secret_post by default', async () => {
    const seen: Seen[] = [];
    const config = await client.dynamicClientRegistration(
      new URL(h.issuerUrl),
      { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token'], client_name: 'openid-client confidential' },
      undefined,
      { ...insecure, algorithm: 'oauth2', [client.customFetch]: recordingFetch(seen) },
    );
    assert.deepEqual(seen.map((s) => `${s.method} ${s.path}`), ['GET /.well-known/oauth-authorization-server', 'POST /register']);
    const registered = config.clientMetadata();
    assert.match(registered.client_secret as string, /^[A-Za-z0-9_-]+$/);
    assert.equal(registered.client_secret_expires_at, 0);

    const { callback, checks } = await authorize(config);
    const tokens = await client.authorizationCodeGrant(config, callback, checks, { resource: h.mcpUrl });
    assert.equal(tokens.claims()?.aud, registered.client_id);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    await client.tokenRevocation(config, refreshed.refresh_token!);

    const secretCalls = seen.filter((s) => s.path === '/token' || s.path === '/revoke');
    assert.equal(secretCalls.length, 3);
    assert.ok(secretCalls.every((s) => s.secretInBody && !s.basic), 'client_secret_post: the secret travels in the body');
  });

  it('a confidential client authenticates with client_secret_basic when told to', async () => {
    const seen: Seen[] = [];
    const config = await client.dynamicClientRegistration(
      new URL(h.issuerUrl),
      { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] },
      client.ClientSecretBasic(),
      { ...insecure, [client.customFetch]: recordingFetch(seen) },
    );
    const { callback, checks } = await authorize(config);
    const tokens = await client.authorizationCodeGrant(config, callback, checks, { resource: h.mcpUrl });
    await client.refreshTokenGrant(config, tokens.refresh_token!);
    const tokenCalls = seen.filter((s) => s.path === '/token');
    assert.equal(tokenCalls.length, 2);
    assert.ok(tokenCalls.every((s) => s.basic && !s.secretInBody), 'client_secret_basic: the secret travels in the Authorization header');
  });

  it('non-repudiation checks verify the id_token signature against our jwks_uri (code exchange and refresh)', async () => {
    const seen: Seen[] = [];
    const config = await registerPublic(seen);
    client.enableNonRepudiationChecks(config);
    const { callback, checks } = await authorize(config);
    const tokens = await client.authorizationCodeGrant(config, callback, checks, { resource: h.mcpUrl });
    assert.equal(tokens.claims()?.sub, 'user_test_alice');
    const jwksFetches = () => seen.filter((s) => s.method === 'GET' && s.path === '/.well-known/jwks.json').length;
    assert.equal(jwksFetches(), 1, 'the JWKS was fetched to verify the id_token');
    // The cached JWKS verifies the refresh-time id_token as well.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal(refreshed.claims()?.sub, 'user_test_alice');
    assert.ok(jwksFetches() >= 1);
  });

  it('non-repudiation checks can fail: an id_token with a tampered signature is refused (and accepted without them)', async () => {
    /** Flips one character in the middle of the id_token's signature of every token response. */
    const tamper = async (path: string, res: Response): Promise<Response> => {
      if (path !== '/token' || res.status !== 200) return res;
      const body = (await res.json()) as Record<string, unknown>;
      const [header, payload, signature] = String(body.id_token).split('.');
      const i = Math.floor(signature.length / 2);
      const flipped = signature[i] === 'A' ? 'B' : 'A';
      body.id_token = `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`;
      const headers = new Headers(res.headers);
      headers.delete('content-length');
      return new Response(JSON.stringify(body), { status: res.status, headers });
    };

    // Control: without non-repudiation checks openid-client trusts the transport and accepts the tampered token.
    const lax = await registerPublic();
    lax[client.customFetch] = recordingFetch([], tamper);
    const first = await authorize(lax);
    const laxTokens = await client.authorizationCodeGrant(lax, first.callback, first.checks, { resource: h.mcpUrl });
    assert.equal(laxTokens.claims()?.sub, 'user_test_alice');

    // With them, the same tampering is caught against the keys at our jwks_uri.
    const seen: Seen[] = [];
    const strict = await registerPublic();
    strict[client.customFetch] = recordingFetch(seen, tamper);
    client.enableNonRepudiationChecks(strict);
    const second = await authorize(strict);
    await assert.rejects(client.authorizationCodeGrant(strict, second.callback, second.checks, { resource: h.mcpUrl }), (e: unknown) => {
      assert.ok(e instanceof client.ClientError, String(e));
      assert.equal(e.code, 'OAUTH_INVALID_RESPONSE');
      assert.equal((e.cause as Error).message, 'JWT signature verification failed');
      return true;
    });
    assert.ok(seen.some((s) => s.path === '/.well-known/jwks.json'), 'the signature was checked against our jwks_uri');
  });
});
