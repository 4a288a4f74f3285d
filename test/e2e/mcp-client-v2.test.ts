/**
 * `@modelcontextprotocol/client` v2 as the judge: the strict MCP client. Beyond v1 it checks the RFC 8414 §3.3
 * issuer echo (AS metadata `issuer` === PRM `authorization_servers[0]`) and RFC 9207 (`finishAuth(callbackParams)`
 * validates the callback's `iss` against the recorded issuer before redeeming the code), and it stamps stored
 * credentials with the issuer. The kit passes the whole flow; a facade whose metadata names Clerk as issuer, and
 * a callback whose `iss` is not ours, are rejected with `IssuerMismatchError` — so the passes mean something.
 */
import assert from 'node:assert/strict';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import {
  Client,
  IssuerMismatchError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { startHarness, type Harness } from '../support/harness.js';
import { assertKitAccessToken, withBrokenSignature } from '../support/accessTokens.js';
import { InMemoryOAuthProvider } from '../support/mcpOAuthProvider.js';

const REDIRECT = 'http://127.0.0.1:53684/callback';
/**
 * What v2 requests: the 401 challenge's `scope="mcp:tools"` (SEP-835), plus `offline_access` because our AS
 * metadata lists it in `scopes_supported` and the client registered the `refresh_token` grant (SEP-2207).
 */
const REQUESTED_SCOPE = 'mcp:tools offline_access';

type V2Provider = InMemoryOAuthProvider<StoredOAuthClientInformation, StoredOAuthTokens, OAuthDiscoveryState>;

interface Whoami {
  userId: string;
  scopes: string[];
  clientId: string;
}

function newProvider(name = 'mcp client v2 test'): V2Provider {
  const provider = new InMemoryOAuthProvider<StoredOAuthClientInformation, StoredOAuthTokens, OAuthDiscoveryState>(REDIRECT, name);
  // Compile-time proof that the helper is a v2 OAuthClientProvider.
  const typed: OAuthClientProvider = provider;
  void typed;
  return provider;
}

async function whoami(client: Client): Promise<Whoami> {
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  const content = result.content as Array<{ type: string; text: string }>;
  assert.equal(content.length, 1);
  assert.equal(content[0].type, 'text');
  return JSON.parse(content[0].text) as Whoami;
}

/** Asserts `promise` rejects with the v2 client's `IssuerMismatchError` of that kind and those values. */
async function rejectsWithIssuerMismatch(promise: Promise<unknown>, kind: 'metadata' | 'authorization_response', expected: string, received: string | undefined) {
  await assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof IssuerMismatchError, `IssuerMismatchError, got ${error.name}: ${error.message}`);
    assert.equal(error.kind, kind);
    assert.equal(error.expected, expected);
    assert.equal(error.received, received);
    return true;
  });
}

describe('@modelcontextprotocol/client v2 (strict issuer checks) against the kit', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  /** connect → 401 → discovery (issuer echo checked) → DCR → redirectToAuthorization; then the browser. */
  async function authorizeThroughSdk(provider: V2Provider) {
    const transport = new StreamableHTTPClientTransport(new URL(h.mcpUrl), { authProvider: provider });
    const client = new Client({ name: 'v2-test', version: '1.0.0' });
    await assert.rejects(client.connect(transport), (error: Error) => {
      assert.ok(error instanceof UnauthorizedError, `UnauthorizedError, got ${error.name}: ${error.message}`);
      return true;
    });
    const url = provider.onlyAuthorizationUrl();
    const { browser } = await h.signedInBrowser();
    const callback = await browser.authorize(url.href);
    assert.ok(callback, `the browser reached the client callback; last page: ${browser.lastPage?.status} ${browser.lastPage?.html.slice(0, 300)}`);
    return { transport, url, callback };
  }

  it('401 → metadata whose issuer echoes PRM → DCR → authorize → finishAuth(callback params) validates iss → whoami as the Clerk user → refresh on a bad token', async () => {
    const provider = newProvider();
    const { transport, url, callback } = await authorizeThroughSdk(provider);

    // Discovery passed the issuer-echo check: PRM names our issuer and our metadata says exactly that.
    const discovery = provider.discoveryState()!;
    assert.equal(String(discovery.authorizationServerUrl), h.issuerUrl);
    assert.equal(discovery.authorizationServerMetadata?.issuer, h.issuerUrl);
    assert.equal(discovery.authorizationServerMetadata?.authorization_response_iss_parameter_supported, true);
    assert.equal(discovery.resourceMetadata?.resource, h.mcpUrl);

    // DCR, stamped with our issuer (SEP-2352).
    assert.equal(provider.savedClientInformation.length, 1);
    const info = provider.clientInformation()!;
    assert.equal(info.issuer, h.issuerUrl);
    assert.match(info.client_id, /^[A-Za-z0-9_-]+$/);
    assert.equal(info.client_secret, undefined);
    const clientId = info.client_id;

    // The authorization request.
    assert.equal(url.origin + url.pathname, `${h.issuerUrl}/authorize`);
    assert.equal(url.searchParams.get('client_id'), clientId);
    assert.equal(url.searchParams.get('redirect_uri'), REDIRECT);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('resource'), h.mcpUrl);
    assert.equal(url.searchParams.get('scope'), REQUESTED_SCOPE);
    assert.equal(url.searchParams.get('prompt'), 'consent');
    assert.deepEqual(url.searchParams.getAll('state'), [provider.states[0]]);

    // The callback: v2 checks iss itself in finishAuth; it leaves state to the caller, so the test checks it.
    assert.equal(callback.origin + callback.pathname, REDIRECT);
    assert.equal(callback.searchParams.getAll('code').length, 1);
    assert.deepEqual(callback.searchParams.getAll('state'), [provider.states[0]]);
    assert.deepEqual(callback.searchParams.getAll('iss'), [h.issuerUrl]);
    await transport.finishAuth(callback.searchParams);

    assert.equal(provider.savedTokens.length, 1);
    const tokens = provider.tokens()!;
    assert.equal(tokens.issuer, h.issuerUrl);
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.scope, REQUESTED_SCOPE);
    assert.equal(typeof tokens.refresh_token, 'string');
    assert.equal(tokens.id_token, undefined);
    assertKitAccessToken(tokens.access_token, { issuer: h.issuerUrl, resource: h.mcpUrl, userId: 'user_test_alice', clientId });

    const transport2 = new StreamableHTTPClientTransport(new URL(h.mcpUrl), { authProvider: provider });
    const client2 = new Client({ name: 'v2-test', version: '1.0.0' });
    await client2.connect(transport2);
    try {
      assert.deepEqual(await whoami(client2), { userId: 'user_test_alice', scopes: REQUESTED_SCOPE.split(' '), clientId });

      // The access token goes bad: 401 invalid_token → onUnauthorized → auth() refreshes → one retry.
      provider.replaceTokens({ ...tokens, access_token: withBrokenSignature(tokens.access_token) });
      assert.deepEqual(await whoami(client2), { userId: 'user_test_alice', scopes: REQUESTED_SCOPE.split(' '), clientId });
      assert.equal(provider.savedTokens.length, 2, 'the SDK saved a refreshed token set');
      assert.equal(provider.authorizationUrls.length, 1, 'no second authorization request');
      assert.deepEqual(provider.invalidations, []);
      const refreshed = provider.tokens()!;
      assert.equal(refreshed.issuer, h.issuerUrl);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'the refresh token was rotated');
      assert.equal(decodeJwt(refreshed.access_token).iss, h.issuerUrl);
      assert.equal(decodeJwt(refreshed.access_token).aud, h.mcpUrl);
    } finally {
      await client2.close();
    }
  });

  it('RFC 9207: finishAuth rejects a callback whose iss is foreign, missing, or differs by a trailing slash, before redeeming the code', async () => {
    const provider = newProvider();
    const { transport, callback } = await authorizeThroughSdk(provider);
    const code = callback.searchParams.get('code')!;
    const withIss = (iss: string | undefined) => {
      const params = new URLSearchParams({ code, state: callback.searchParams.get('state')! });
      if (iss !== undefined) params.set('iss', iss);
      return params;
    };

    // What a facade that lets Clerk answer the callback produces (higgsfield-ai/cli#68).
    await rejectsWithIssuerMismatch(transport.finishAuth(withIss(h.double.frontendApi)), 'authorization_response', h.issuerUrl, h.double.frontendApi);
    // We advertise authorization_response_iss_parameter_supported: true, so a missing iss is a mismatch too.
    await rejectsWithIssuerMismatch(transport.finishAuth(withIss(undefined)), 'authorization_response', h.issuerUrl, undefined);
    // Simple string comparison, no normalisation.
    await rejectsWithIssuerMismatch(transport.finishAuth(withIss(`${h.issuerUrl}/`)), 'authorization_response', h.issuerUrl, `${h.issuerUrl}/`);
    assert.equal(provider.savedTokens.length, 0);

    // None of those reached the token endpoint: the single-use code is still good with the kit's own iss.
    await transport.finishAuth(callback.searchParams);
    assert.equal(provider.savedTokens.length, 1);
    assert.equal(decodeJwt(provider.tokens()!.access_token).iss, h.issuerUrl);
  });

  it('RFC 8414 §3.3: a facade whose PRM names it but whose metadata says Clerk is the issuer is rejected at discovery, before DCR', async () => {
    // The misconfiguration seen in the wild (skyvern#8263, context7#2723): the MCP origin's PRM names the
    // origin as authorization server, and the metadata served there carries Clerk's issuer.
    const clerkIssuer = h.double.frontendApi;
    const hits: string[] = [];
    const app = express();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app.use((req, _res, next) => {
      hits.push(`${req.method} ${req.path}`);
      next();
    });
    app.post('/mcp', (_req, res) => {
      res.status(401).set('WWW-Authenticate', `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`).end();
    });
    app.get('/.well-known/oauth-protected-resource/mcp', (_req, res) => {
      res.json({ resource: `${origin}/mcp`, authorization_servers: [origin], scopes_supported: ['mcp:tools'], bearer_methods_supported: ['header'] });
    });
    app.get('/.well-known/oauth-authorization-server', (_req, res) => {
      res.json({
        issuer: clerkIssuer,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
        registration_endpoint: `${origin}/register`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      });
    });
    app.post('/register', (_req, res) => {
      res.status(201).json({ client_id: 'never', redirect_uris: [REDIRECT] });
    });
    try {
      const provider = newProvider();
      const transport = new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { authProvider: provider });
      const client = new Client({ name: 'v2-test', version: '1.0.0' });
      await rejectsWithIssuerMismatch(client.connect(transport), 'metadata', origin, clerkIssuer);
      assert.deepEqual(hits, ['POST /mcp', 'GET /.well-known/oauth-protected-resource/mcp', 'GET /.well-known/oauth-authorization-server']);
      assert.equal(provider.savedClientInformation.length, 0);
      assert.equal(provider.authorizationUrls.length, 0);

      // The kit's own metadata passes the very same check (the first test connects through it end to end).
      const kitProvider = newProvider();
      await assert.rejects(new Client({ name: 'v2-test', version: '1.0.0' }).connect(new StreamableHTTPClientTransport(new URL(h.mcpUrl), { authProvider: kitProvider })), UnauthorizedError);
      assert.equal(kitProvider.discoveryState()?.authorizationServerMetadata?.issuer, h.issuerUrl);
      assert.equal(kitProvider.authorizationUrls.length, 1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
