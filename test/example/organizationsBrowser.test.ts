/**
 * Organization-scoped grants in a real browser (issue 13 part 1, "What must be shown"): the example with
 * `organizations: 'optional'` (MCP_ORGANIZATIONS=optional) in headless Chromium. Alice, a member of two seeded
 * organizations, authorizes client A for org 1 on the consent page; switches the active organization of her
 * session on the stand-in's switcher (Clerk's `setActive`); the client refreshes (MCP SDK) and its tokens still
 * say org 1, and the SDK client's tool handler sees it; Alice is removed from org 1 → the next refresh fails
 * `invalid_grant`. Screenshot: `test-artifacts/browser/consent-organization.png`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { discoverAuthorizationServerMetadata, exchangeAuthorization, refreshAuthorization, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { ExampleApp } from '../../examples/app.js';
import type { LoopbackServer } from '../../src/testing/index.js';
import type { CallbackRecorder } from '../support/callbackRecorder.js';
import { ARTIFACTS, startExampleInChromium, type ExampleInChromium } from '../support/exampleInChromium.js';

const SCOPE = 'openid profile email mcp:tools';
const ALICE = 'user_test_alice';
const ORG_1 = 'org_test_acme';
const ORG_2 = 'org_test_globex';

describe('example with MCP_ORGANIZATIONS=optional: organization-scoped grants in headless Chromium', () => {
  let browser: Browser;
  let server: LoopbackServer;
  let example: ExampleApp;
  let callback: CallbackRecorder;
  let issuer: string;

  let running: ExampleInChromium | undefined;

  before(async () => {
    running = await startExampleInChromium({ organizations: 'optional' });
    ({ browser, server, example, callback, issuer } = running);
  });
  after(() => running?.close());

  it('authorize client A for org 1; switch the session to org 2; refresh still says org 1; removed from org 1 → invalid_grant', async () => {
    const registration = await fetch(`${issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Client A', redirect_uris: [callback.redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }),
    });
    assert.equal(registration.status, 201);
    const client = (await registration.json()) as OAuthClientInformationFull;
    const metadata = (await discoverAuthorizationServerMetadata(issuer))!;
    const resource = new URL(example.mcpUrl);
    const state = randomBytes(16).toString('base64url');
    const { authorizationUrl, codeVerifier } = await startAuthorization(issuer, { metadata, clientInformation: client, redirectUrl: callback.redirectUri, scope: SCOPE, state, resource });

    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(m.text());
    });
    try {
      // Sign in as Alice, then switch her session to org 2 first: the consent page must preselect the active one.
      await page.goto(authorizationUrl.href);
      await page.getByRole('button', { name: 'Continue as Alice Example (alice@example.com)' }).click();
      await page.waitForURL((url) => url.pathname === '/authorize');
      const consentUrl = page.url();
      await page.goto(`${issuer}/__clerk/organizations`);
      await page.getByRole('button', { name: 'Globex · member' }).click();
      await page.waitForURL((url) => url.pathname === '/__clerk/organizations');
      assert.ok(await page.getByRole('button', { name: 'Globex · member (active)' }).isVisible());
      await page.goto(consentUrl);

      // The consent page: the memberships, the active organization preselected, the personal account.
      const choice = page.locator('#organization-choice');
      assert.equal(
        (await choice.innerText()).replace(/\s+/g, ' ').trim(),
        'Act for Globex member Acme Corp admin Personal account not an organization The application acts for this choice until you revoke it, whatever organization you switch to later.',
      );
      assert.equal(await page.getByRole('radio', { name: /Globex/ }).isChecked(), true);
      await page.getByRole('radio', { name: /Acme Corp/ }).check();
      await page.screenshot({ path: new URL('consent-organization.png', ARTIFACTS).pathname, fullPage: true });
      await page.getByRole('button', { name: 'Allow', exact: true }).click();
      await page.waitForURL((url) => url.href.startsWith(callback.redirectUri));
      const params = new URL(callback.hits[0], callback.redirectUri).searchParams;
      assert.equal(params.get('state'), state);

      const tokens = await exchangeAuthorization(issuer, { metadata, clientInformation: client, authorizationCode: params.get('code')!, codeVerifier, redirectUri: callback.redirectUri, resource });
      assert.deepEqual([decodeJwt(tokens.access_token).org_id, decodeJwt(tokens.access_token).org_role], [ORG_1, 'org:admin']);
      assert.equal(decodeJwt(tokens.id_token!).org_id, ORG_1);

      // Alice switches back and forth in the web app: her session is now in org 2 (and the cookie says so).
      await page.goto(`${issuer}/__clerk/organizations`);
      await page.getByRole('button', { name: 'Personal account' }).click();
      await page.waitForURL((url) => url.pathname === '/__clerk/organizations');
      await page.getByRole('button', { name: 'Globex · member' }).click();
      await page.waitForURL((url) => url.pathname === '/__clerk/organizations');
      const session = [...example.devClerk!.double.sessions.values()].find((s) => s.userId === ALICE && s.status === 'active')!;
      assert.equal(session.lastActiveOrganizationId, ORG_2);
      const cookie = (await context.cookies(issuer)).find((c) => c.name === '__session')!;
      assert.equal((decodeJwt(cookie.value).o as { id: string }).id, ORG_2);

      // The client refreshes: its tokens still say org 1.
      const refreshed = await refreshAuthorization(issuer, { metadata, clientInformation: client, refreshToken: tokens.refresh_token!, resource });
      assert.equal(decodeJwt(refreshed.access_token).org_id, ORG_1);
      assert.equal(decodeJwt(refreshed.id_token!).org_id, ORG_1);

      // The MCP SDK client's tool handler sees the grant's organization.
      const mcp = new Client({ name: 'client-a', version: '1.0.0' });
      await mcp.connect(new StreamableHTTPClientTransport(resource, { requestInit: { headers: { authorization: `Bearer ${refreshed.access_token}` } } }));
      try {
        const result = await mcp.callTool({ name: 'whoami', arguments: {} });
        assert.deepEqual(
          [(result.structuredContent as { orgId?: string }).orgId, (result.structuredContent as { orgRole?: string }).orgRole],
          [ORG_1, 'org:admin'],
        );
      } finally {
        await mcp.close();
      }

      // An administrator removes Alice from org 1: the next refresh ends the grant.
      example.devClerk!.double.removeMembership(ORG_1, ALICE);
      await assert.rejects(refreshAuthorization(issuer, { metadata, clientInformation: client, refreshToken: refreshed.refresh_token!, resource }), InvalidGrantError);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
