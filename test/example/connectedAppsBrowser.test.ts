/**
 * The connected-apps page of the example in headless Chromium (issue 13 part 2): Alice authorizes two MCP
 * clients (dev stand-in sign-in, consent, the SDK's code exchange), follows the root page's link to
 * `/connected-apps`, sees both, and revokes one with its button: that client's access token is refused at the MCP
 * endpoint on its next call, the other keeps working. Screenshots land in `test-artifacts/browser/`
 * (connected-apps.png, connected-apps-dark.png, connected-apps-revoked.png) for a human to look at.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { discoverAuthorizationServerMetadata, exchangeAuthorization, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { ExampleApp } from '../../examples/app.js';
import type { LoopbackServer } from '../../src/testing/index.js';
import type { CallbackRecorder } from '../support/callbackRecorder.js';
import { ARTIFACTS, startExampleInChromium, type ExampleInChromium } from '../support/exampleInChromium.js';

const SCOPE = 'openid profile email mcp:tools';

describe('example: the connected-apps page in headless Chromium', () => {
  let browser: Browser;
  let server: LoopbackServer;
  let example: ExampleApp;
  let callback: CallbackRecorder;
  let issuer: string;

  let running: ExampleInChromium | undefined;

  before(async () => {
    running = await startExampleInChromium();
    ({ browser, server, example, callback, issuer } = running);
  });
  after(() => running?.close());

  /** DCR, the SDK's authorization URL, the browser through sign-in (first time) and consent, the SDK's exchange. */
  async function connect(page: Page, clientName: string): Promise<{ client: OAuthClientInformationFull; accessToken: string }> {
    const registration = await fetch(`${issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: clientName, redirect_uris: [callback.redirectUri], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' }),
    });
    assert.equal(registration.status, 201);
    const client = (await registration.json()) as OAuthClientInformationFull;
    const metadata = (await discoverAuthorizationServerMetadata(issuer))!;
    const resource = new URL(example.mcpUrl);
    const { authorizationUrl, codeVerifier } = await startAuthorization(issuer, {
      metadata, clientInformation: client, redirectUrl: callback.redirectUri, scope: SCOPE, state: randomBytes(16).toString('base64url'), resource,
    });
    callback.hits.length = 0;
    await page.goto(authorizationUrl.href);
    if (new URL(page.url()).pathname !== '/authorize') {
      await page.getByRole('button', { name: 'Continue as Alice Example (alice@example.com)' }).click();
      await page.waitForURL((url) => url.pathname === '/authorize');
    }
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(callback.redirectUri));
    const code = new URL(callback.hits[0], callback.redirectUri).searchParams.get('code')!;
    const tokens = await exchangeAuthorization(issuer, { metadata, clientInformation: client, authorizationCode: code, codeVerifier, redirectUri: callback.redirectUri, resource });
    return { client, accessToken: tokens.access_token };
  }

  /** The MCP endpoint as the official SDK client sees it: the tools, or the HTTP status of the refusal. */
  async function mcpCall(accessToken: string): Promise<{ status: number; tools?: string[] }> {
    const probe = await fetch(example.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'ping' }),
    });
    await probe.body?.cancel();
    if (probe.status !== 200) return { status: probe.status };
    const client = new Client({ name: 'connected-apps-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(example.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${accessToken}` } } }));
    try {
      return { status: 200, tools: (await client.listTools()).tools.map((t) => t.name).sort() };
    } finally {
      await client.close();
    }
  }

  const visibleText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();

  it('two clients authorized; the root page links to /connected-apps, which lists both; Revoke ends one at the MCP endpoint, the other keeps working', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    try {
      const notes = await connect(page, 'Notes Agent');
      const calendar = await connect(page, 'Calendar Agent');
      assert.equal((await mcpCall(calendar.accessToken)).status, 200);

      await page.goto(issuer);
      await page.getByRole('link', { name: 'Connected apps' }).click();
      await page.waitForURL((url) => url.pathname === '/connected-apps');
      assert.equal(await page.title(), 'Connected apps');
      const redirectHost = new URL(callback.redirectUri).host;
      const text = await visibleText(page);
      assert.match(text, /^Connected apps Signed in as alice@example.com Applications you allowed to use clerk-mcp-issuer example as you\./);
      for (const name of ['Calendar Agent', 'Notes Agent']) {
        const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
        const shown = (await item.innerText()).replace(/\s+/g, ' ').trim();
        assert.match(
          shown,
          new RegExp(
            `^${name} “${name}” is the name the application gave itself; it has not been verified\\. Returns to ${redirectHost.replace(/\./g, '\\.')} ` +
              'Allowed Sign you in with your account openid Your name and profile picture profile Your email address email Use the tools of this MCP server mcp:tools ' +
              'First authorized \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC Last used \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC Revoke access$',
          ),
        );
      }
      await page.screenshot({ path: new URL('connected-apps.png', ARTIFACTS).pathname, fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: new URL('connected-apps-dark.png', ARTIFACTS).pathname, fullPage: true });
      await page.emulateMedia({ colorScheme: 'light' });

      await page.getByRole('button', { name: 'Revoke access of Calendar Agent' }).click();
      await page.waitForURL((url) => url.pathname === '/connected-apps' && url.searchParams.get('revoked') === '1');
      const after = await visibleText(page);
      assert.ok(after.includes('Access revoked. That application can no longer use your account; it must ask you again to reconnect.'), after);
      assert.ok(after.includes('Notes Agent') && !after.includes('Calendar Agent'), after);
      await page.screenshot({ path: new URL('connected-apps-revoked.png', ARTIFACTS).pathname, fullPage: true });

      assert.deepEqual(await mcpCall(calendar.accessToken), { status: 401 });
      const kept = await mcpCall(notes.accessToken);
      assert.equal(kept.status, 200);
      assert.ok(kept.tools!.length > 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('the root page stays plain text for a client that does not ask for HTML', async () => {
    const res = await fetch(issuer, { headers: { accept: 'text/plain' } });
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await res.text(), `clerk-mcp-issuer example\nMCP endpoint: ${example.mcpUrl}\nDiscovery: ${issuer}/.well-known/oauth-authorization-server\nConnected apps: ${issuer}/connected-apps\n`);
  });
});
