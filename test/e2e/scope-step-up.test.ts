/**
 * MCP step-up with the real clients (SPEC §11; MCP authorization, scope challenge handling): the endpoint needs
 * `mcp:tools`, the `profile` tool `mcp:profile` (`toolScopes`). A `tools/call` of `profile` with an `mcp:tools`
 * token is HTTP 403 `insufficient_scope`, `scope="mcp:profile"`. `@modelcontextprotocol/client` 2.x steps up: it
 * asks for a new authorization with the union of its scopes and the challenged one.
 * After the user approves the wider scope, the same client calls the tool.
 * `@modelcontextprotocol/sdk` 1.x gets the 403 too, but holding a refresh token it only refreshes (same scope)
 * and gives up (typescript-sdk#2255): the test pins that, so a fixed v1 shows up here.
 */
import assert from 'node:assert/strict';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2, UnauthorizedError as UnauthorizedV2, type OAuthDiscoveryState as DiscoveryV2, type StoredOAuthClientInformation, type StoredOAuthTokens } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as UnauthorizedV1, type OAuthDiscoveryState as DiscoveryV1 } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startHarness, type Harness } from '../support/harness.js';
import { InMemoryOAuthProvider } from '../support/mcpOAuthProvider.js';

const REDIRECT = 'http://127.0.0.1:53685/callback';

describe('scope step-up at the MCP endpoint with the real MCP clients', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      options: { scopes: { 'mcp:tools': 'Use the tools', 'mcp:profile': 'Read your profile' } },
      bearer: { scopes: ['mcp:tools'], toolScopes: { profile: ['mcp:profile'] } },
    });
  });
  after(() => h.close());

  async function browserCallback(url: URL): Promise<URL> {
    const { browser } = await h.signedInBrowser();
    const callback = await browser.authorize(url.href);
    assert.ok(callback, `the browser reached the client callback; last page: ${browser.lastPage?.status}`);
    return callback;
  }

  it('the profile call with an mcp:tools token: HTTP 403 with the challenge naming mcp:profile', async () => {
    // The harness's own access token for the endpoint's scope only, through the real flow (v2 client below).
    const provider = new InMemoryOAuthProvider<StoredOAuthClientInformation, StoredOAuthTokens, DiscoveryV2>(REDIRECT, 'step-up probe');
    await assert.rejects(new ClientV2({ name: 'probe', version: '1.0.0' }).connect(new TransportV2(new URL(h.mcpUrl), { authProvider: provider })), UnauthorizedV2);
    const transport = new TransportV2(new URL(h.mcpUrl), { authProvider: provider });
    await transport.finishAuth((await browserCallback(provider.onlyAuthorizationUrl())).searchParams);
    const access = provider.tokens()!.access_token;
    const res = await fetch(h.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'profile', arguments: {} } }),
    });
    assert.equal(res.status, 403);
    assert.equal(
      res.headers.get('www-authenticate'),
      `Bearer error="insufficient_scope", error_description="requires scope mcp:profile", resource_metadata="${h.origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:profile"`,
    );
  });

  it('@modelcontextprotocol/client 2.x: 403 → a new authorization for mcp:tools offline_access mcp:profile → the profile call succeeds', async () => {
    const provider = new InMemoryOAuthProvider<StoredOAuthClientInformation, StoredOAuthTokens, DiscoveryV2>(REDIRECT, 'step-up v2');
    await assert.rejects(new ClientV2({ name: 'v2', version: '1.0.0' }).connect(new TransportV2(new URL(h.mcpUrl), { authProvider: provider })), UnauthorizedV2);
    assert.equal(provider.authorizationUrls[0].searchParams.get('scope'), 'mcp:tools offline_access');
    await new TransportV2(new URL(h.mcpUrl), { authProvider: provider }).finishAuth((await browserCallback(provider.authorizationUrls[0])).searchParams);

    const transport = new TransportV2(new URL(h.mcpUrl), { authProvider: provider });
    const client = new ClientV2({ name: 'v2', version: '1.0.0' });
    await client.connect(transport);
    try {
      // The 403 makes the client re-authorize (a browser step): the call rejects with UnauthorizedError.
      await assert.rejects(client.callTool({ name: 'profile', arguments: {} }), UnauthorizedV2);
      assert.equal(provider.authorizationUrls.length, 2);
      const stepUp = provider.authorizationUrls[1];
      assert.deepEqual(stepUp.searchParams.get('scope')!.split(' ').sort(), ['mcp:profile', 'mcp:tools', 'offline_access']);
      assert.equal(stepUp.searchParams.get('resource'), h.mcpUrl);
      // The registered scope is no ceiling: the user approves mcp:profile on the consent page, and the same
      // client then calls the profile tool with the wider token.
      await new TransportV2(new URL(h.mcpUrl), { authProvider: provider }).finishAuth((await browserCallback(stepUp)).searchParams);
      assert.deepEqual(provider.tokens()!.scope!.split(' ').sort(), ['mcp:profile', 'mcp:tools', 'offline_access']);
    } finally {
      await client.close();
    }
    const again = new ClientV2({ name: 'v2', version: '1.0.0' });
    await again.connect(new TransportV2(new URL(h.mcpUrl), { authProvider: provider }));
    try {
      const result = await again.callTool({ name: 'profile', arguments: {} });
      assert.notEqual(result.isError, true, JSON.stringify(result));
    } finally {
      await again.close();
    }
  });

  it('@modelcontextprotocol/sdk 1.x: gets the 403, refreshes (same scope), and stops with its "403 after trying upscoping"', async () => {
    const provider = new InMemoryOAuthProvider<OAuthClientInformationMixed, OAuthTokens, DiscoveryV1>(REDIRECT, 'step-up v1');
    const transport = new TransportV1(new URL(h.mcpUrl), { authProvider: provider });
    await assert.rejects(new ClientV1({ name: 'v1', version: '1.0.0' }).connect(transport), UnauthorizedV1);
    await transport.finishAuth((await browserCallback(provider.onlyAuthorizationUrl())).searchParams.get('code')!);
    assert.equal(provider.tokens()!.scope, 'mcp:tools');

    const client = new ClientV1({ name: 'v1', version: '1.0.0' });
    await client.connect(new TransportV1(new URL(h.mcpUrl), { authProvider: provider }));
    try {
      await assert.rejects(client.callTool({ name: 'profile', arguments: {} }), (error: Error) => {
        assert.ok(error instanceof StreamableHTTPError, `${error.name}: ${error.message}`);
        assert.equal(error.code, 403);
        assert.match(error.message, /403 after trying upscoping/);
        return true;
      });
      assert.equal(provider.savedTokens.length, 2, 'v1 refreshed instead of re-authorizing');
      assert.equal(provider.tokens()!.scope, 'mcp:tools');
    } finally {
      await client.close();
    }
  });
});
