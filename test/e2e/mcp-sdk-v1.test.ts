/**
 * `@modelcontextprotocol/sdk` v1 client as the judge: `StreamableHTTPClientTransport` with an
 * `OAuthClientProvider` starts from the MCP endpoint's 401, follows `WWW-Authenticate resource_metadata` to our
 * PRM and AS metadata, registers (DCR), sends the user to /authorize, exchanges the code, calls a tool as the
 * Clerk user, and refreshes when the access token goes bad. v1 checks neither `state` nor `iss` on the callback
 * (`finishAuth(code)` takes only the code), so this test asserts both itself.
 */
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider, type OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describeWithStores } from '../support/stores.js';
import { assertKitAccessToken, withBrokenSignature } from '../support/accessTokens.js';
import { InMemoryOAuthProvider } from '../support/mcpOAuthProvider.js';

const REDIRECT = 'http://127.0.0.1:53683/callback';
/**
 * What v1 requests (SEP-835): the 401 challenge's `scope="mcp:tools"` wins over PRM `scopes_supported`. No
 * `openid`, so the token response carries no id_token.
 */
const SCOPE = 'mcp:tools';

type V1Provider = InMemoryOAuthProvider<OAuthClientInformationMixed, OAuthTokens, OAuthDiscoveryState>;

interface Whoami {
  userId: string;
  scopes: string[];
  clientId: string;
}

async function whoami(client: Client): Promise<Whoami> {
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  const content = result.content as Array<{ type: string; text: string }>;
  assert.equal(content.length, 1);
  assert.equal(content[0].type, 'text');
  return JSON.parse(content[0].text) as Whoami;
}

describeWithStores('@modelcontextprotocol/sdk v1 client against the kit', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  function newProvider(): V1Provider {
    const provider = new InMemoryOAuthProvider<OAuthClientInformationMixed, OAuthTokens, OAuthDiscoveryState>(REDIRECT, 'mcp sdk v1 test');
    // Compile-time proof that the helper is a v1 OAuthClientProvider.
    const typed: OAuthClientProvider = provider;
    void typed;
    return provider;
  }

  /** connect → 401 → discovery → DCR → redirectToAuthorization; then the browser; then finishAuth. */
  async function authorizeThroughSdk(provider: V1Provider) {
    const transport = new StreamableHTTPClientTransport(new URL(h.mcpUrl), { authProvider: provider });
    const client = new Client({ name: 'v1-test', version: '1.0.0' });
    await assert.rejects(client.connect(transport), (error: Error) => {
      assert.ok(error instanceof UnauthorizedError, `UnauthorizedError, got ${error.name}: ${error.message}`);
      return true;
    });
    const url = provider.onlyAuthorizationUrl();
    const { browser } = await h.signedInBrowser();
    const callback = await browser.authorize(url.href);
    assert.ok(callback, `the browser reached the client callback; last page: ${browser.lastPage?.status} ${browser.lastPage?.html.slice(0, 300)}`);
    return { transport, client, url, callback };
  }

  it('401 → PRM → AS metadata → DCR → authorize with PKCE, state and resource; the callback carries one code, the state, and iss', async () => {
    // The challenge the SDK starts from.
    const challenge = await fetch(h.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(challenge.status, 401);
    assert.equal(challenge.headers.get('www-authenticate'), `Bearer resource_metadata="${h.origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`);

    const provider = newProvider();
    const { url, callback, transport } = await authorizeThroughSdk(provider);

    // What discovery found: the AS named by our PRM, whose metadata is ours.
    const discovery = provider.discoveryState()!;
    assert.equal(String(discovery.authorizationServerUrl), h.issuerUrl);
    assert.equal(discovery.authorizationServerMetadata?.issuer, h.issuerUrl);
    assert.equal(discovery.resourceMetadata?.resource, h.mcpUrl);
    assert.deepEqual(discovery.resourceMetadata?.authorization_servers, [h.issuerUrl]);

    // DCR: exactly one registration, our metadata echoed, a public client.
    assert.equal(provider.savedClientInformation.length, 1);
    const info = provider.clientInformation()!;
    assert.match(info.client_id, /^[A-Za-z0-9_-]+$/);
    assert.equal(info.client_secret, undefined);
    assert.ok('redirect_uris' in info);
    assert.deepEqual(info.redirect_uris, [REDIRECT]);
    assert.equal(info.token_endpoint_auth_method, 'none');
    assert.deepEqual(info.grant_types, ['authorization_code', 'refresh_token']);
    assert.equal(info.client_name, 'mcp sdk v1 test');

    // The authorization request the SDK built.
    assert.equal(url.origin + url.pathname, `${h.issuerUrl}/authorize`);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), info.client_id);
    assert.equal(url.searchParams.get('redirect_uri'), REDIRECT);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(url.searchParams.get('resource'), h.mcpUrl);
    assert.equal(url.searchParams.get('scope'), SCOPE);
    assert.equal(provider.states.length, 1);
    assert.equal(url.searchParams.get('state'), provider.states[0]);

    // The callback: v1 does not check state or iss, so the test does — each exactly once, exact values.
    assert.equal(callback.origin + callback.pathname, REDIRECT);
    assert.equal(callback.searchParams.getAll('code').length, 1);
    assert.deepEqual(callback.searchParams.getAll('state'), [provider.states[0]]);
    assert.deepEqual(callback.searchParams.getAll('iss'), [h.issuerUrl]);
    assert.equal(callback.searchParams.get('error'), null);

    await transport.finishAuth(callback.searchParams.get('code')!);
    assert.equal(provider.savedTokens.length, 1);
  });

  it('finishAuth saves Bearer tokens whose access token names our issuer and the MCP resource; whoami runs as the Clerk user; a bad access token is refreshed', async () => {
    const provider = newProvider();
    const { transport, callback } = await authorizeThroughSdk(provider);
    await transport.finishAuth(callback.searchParams.get('code')!);

    // What the SDK saw from the token endpoint.
    assert.equal(provider.savedTokens.length, 1);
    const tokens = provider.tokens()!;
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.scope, SCOPE);
    assert.equal(typeof tokens.expires_in, 'number');
    assert.equal(typeof tokens.refresh_token, 'string');
    assert.equal(tokens.id_token, undefined);
    const clientId = provider.clientInformation()!.client_id;
    assertKitAccessToken(tokens.access_token, { issuer: h.issuerUrl, resource: h.mcpUrl, userId: 'user_test_alice', clientId, scope: SCOPE });

    // A new transport with the saved tokens: connect and call the tool as the Clerk user.
    const transport2 = new StreamableHTTPClientTransport(new URL(h.mcpUrl), { authProvider: provider });
    const client2 = new Client({ name: 'v1-test', version: '1.0.0' });
    await client2.connect(transport2);
    try {
      assert.deepEqual(await whoami(client2), { userId: 'user_test_alice', scopes: SCOPE.split(' '), clientId });

      // The access token goes bad (its signature no longer verifies). The bearer middleware answers 401
      // invalid_token; v1's transport then runs auth(), which refreshes with the stored refresh_token (no new
      // authorization request) and retries the call once.
      const forged = withBrokenSignature(tokens.access_token);
      const direct = await fetch(h.mcpUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      assert.equal(direct.status, 401);
      assert.match(direct.headers.get('www-authenticate')!, /^Bearer /);
      assert.match(direct.headers.get('www-authenticate')!, /error="invalid_token"/);
      assert.match(direct.headers.get('www-authenticate')!, new RegExp(`resource_metadata="${h.origin}/\\.well-known/oauth-protected-resource/mcp"`));
      provider.replaceTokens({ ...tokens, access_token: forged });

      assert.deepEqual(await whoami(client2), { userId: 'user_test_alice', scopes: SCOPE.split(' '), clientId });
      assert.equal(provider.savedTokens.length, 2, 'the SDK saved a refreshed token set');
      assert.equal(provider.authorizationUrls.length, 1, 'no second authorization request');
      assert.deepEqual(provider.invalidations, []);
      const refreshed = provider.tokens()!;
      assert.equal(refreshed.token_type, 'Bearer');
      assert.notEqual(refreshed.access_token, tokens.access_token);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'the refresh token was rotated');
      const refreshedAccess = decodeJwt(refreshed.access_token);
      assert.equal(refreshedAccess.iss, h.issuerUrl);
      assert.equal(refreshedAccess.aud, h.mcpUrl);
      assert.equal(refreshedAccess.sub, 'user_test_alice');
      assert.equal(refreshedAccess.client_id, clientId);
    } finally {
      await client2.close();
    }
  });
});
