/**
 * The example in a real browser: headless Chromium (Debian's, driven by playwright-core) walks the dev
 * stand-in's sign-in page and the kit's consent page, from an MCP client's authorization URL to the client's
 * loopback callback. It pins what a person sees (who asks, for what, where they will be sent, as whom) and
 * what the client gets back (`code`, `state`, `iss`, each exactly once), with and without JavaScript.
 * Screenshots land in `test-artifacts/browser/` for a human to look at.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { discoverAuthorizationServerMetadata, exchangeAuthorization, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata, OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { ExampleApp } from '../../examples/app.js';
import type { LoopbackServer } from '../../src/testing/index.js';
import type { CallbackRecorder } from '../support/callbackRecorder.js';
import { ARTIFACTS, startExampleInChromium, type ExampleInChromium } from '../support/exampleInChromium.js';

const SCOPE = 'openid profile email mcp:tools';
const BANNER = 'Development sign-in. A stand-in for Clerk that runs inside this server. Not for production: anyone can sign in as anyone.';
const ALICE = 'Continue as Alice Example (alice@example.com)';

interface AuthorizationRequest {
  client: OAuthClientInformationFull;
  metadata: AuthorizationServerMetadata;
  state: string;
  url: URL;
  codeVerifier: string;
}

describe('example: sign-in and consent in headless Chromium', () => {
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
  beforeEach(() => {
    callback.hits.length = 0;
  });

  /** What an MCP client does before it opens the browser: DCR over HTTP, then the SDK's authorization URL. */
  async function newAuthorizationRequest(clientName: string): Promise<AuthorizationRequest> {
    const registration = await fetch(`${issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: clientName,
        redirect_uris: [callback.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    });
    assert.equal(registration.status, 201);
    return authorizationRequestFor((await registration.json()) as OAuthClientInformationFull);
  }

  /** The SDK's authorization URL for a client already registered. */
  async function authorizationRequestFor(client: OAuthClientInformationFull): Promise<AuthorizationRequest> {
    const metadata = (await discoverAuthorizationServerMetadata(issuer))!;
    const state = randomBytes(16).toString('base64url');
    const { authorizationUrl, codeVerifier } = await startAuthorization(issuer, {
      metadata,
      clientInformation: client,
      redirectUrl: callback.redirectUri,
      scope: SCOPE,
      state,
      resource: new URL(example.mcpUrl),
    });
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    return { client, metadata, state, url: authorizationUrl, codeVerifier };
  }

  /** A page that fails the test on any console error (a CSP violation, a failed resource) or script error. */
  async function openPage(options: BrowserContextOptions): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      // The browser's own favicon probe is not something a page asked for.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`console: ${message.text()} at ${message.location().url}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    return { page, problems };
  }

  /** The visible text of the page's card, whitespace collapsed: what a person reads. */
  const visibleText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ').trim();

  /** Sign-in page → Alice → consent page → `decision`; returns the one request the callback received. */
  async function walk(page: Page, request: AuthorizationRequest, decision: 'Allow' | 'Deny', screenshots?: string): Promise<URLSearchParams> {
    await page.goto(request.url.href);

    // The stand-in's sign-in page, reached through the kit's redirect to Clerk's sign-in URL.
    assert.equal(new URL(page.url()).origin + new URL(page.url()).pathname, example.signInUrl);
    assert.equal(await page.title(), 'Sign in (dev stand-in)');
    assert.equal(
      await visibleText(page),
      `Sign in to continue to ${new URL(issuer).host} ${BANNER} ${ALICE} Continue as Bob Example (bob@example.com) ` +
        'Or sign in with any email (a test user is created) Sign in with this email',
    );
    if (screenshots) await page.screenshot({ path: new URL(`${screenshots}-sign-in.png`, ARTIFACTS).pathname, fullPage: true });
    await page.getByRole('button', { name: ALICE }).click();
    await page.waitForURL((url) => url.pathname === '/authorize');

    // The kit's consent page: who asks, for what, as whom, and where the answer goes.
    const clientName = request.client.client_name!;
    const redirectHost = new URL(callback.redirectUri).host;
    assert.equal(await page.title(), `Allow ${clientName}?`);
    assert.equal(
      await visibleText(page),
      `Allow ${clientName} to access your account? “${clientName}” is the name the application gave itself; it has not been verified. ` +
        `It will connect to clerk-mcp-issuer example (${example.mcpUrl}) as you. Signed in as alice@example.com · Not you? Use another account It asks for: ` +
        'Sign you in with your account openid Your name and profile picture profile Your email address email Use the tools of this MCP server mcp:tools ' +
        `After you decide, you will be sent to ${redirectHost}. Only allow applications you trust. Deny Allow`,
    );
    if (screenshots) await page.screenshot({ path: new URL(`${screenshots}-consent.png`, ARTIFACTS).pathname, fullPage: true });
    await page.getByRole('button', { name: decision, exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(callback.redirectUri));
    assert.equal(await page.locator('p').innerText(), 'Signed in. You can close this window.');

    assert.equal(callback.hits.length, 1, `one request to the callback: ${callback.hits.join(', ')}`);
    return new URL(callback.hits[0], callback.redirectUri).searchParams;
  }

  for (const javaScriptEnabled of [true, false]) {
    it(`Allow (JavaScript ${javaScriptEnabled ? 'on' : 'off'}): the callback gets one code, the state and iss = issuer; the code redeems for our tokens`, async () => {
      const request = await newAuthorizationRequest(`Browser Walk ${javaScriptEnabled ? 'JS' : 'No-JS'} Client`);
      const { page, problems } = await openPage({ javaScriptEnabled });
      try {
        const params = await walk(page, request, 'Allow', javaScriptEnabled ? 'allow' : 'allow-no-js');
        assert.deepEqual([...params.keys()].sort(), ['code', 'iss', 'state']);
        assert.equal(params.getAll('code').length, 1);
        assert.deepEqual(params.getAll('state'), [request.state]);
        assert.deepEqual(params.getAll('iss'), [issuer]);

        const tokens = await exchangeAuthorization(issuer, {
          metadata: request.metadata,
          clientInformation: request.client,
          authorizationCode: params.get('code')!,
          codeVerifier: request.codeVerifier,
          redirectUri: callback.redirectUri,
          resource: new URL(example.mcpUrl),
        });
        assert.equal(tokens.scope, SCOPE);
        const access = decodeJwt(tokens.access_token);
        assert.equal(access.iss, issuer);
        assert.equal(access.aud, example.mcpUrl);
        assert.equal(access.sub, 'user_test_alice');
        const idToken = decodeJwt(tokens.id_token!);
        assert.equal(idToken.iss, issuer);
        assert.equal(idToken.aud, request.client.client_id);
        assert.equal(idToken.email, 'alice@example.com');
        assert.deepEqual(problems, []);
      } finally {
        await page.context().close();
      }
    });
  }

  it('Deny: the callback gets error=access_denied with its description, the state and iss = issuer, and no code', async () => {
    const request = await newAuthorizationRequest('Browser Deny Client');
    const { page, problems } = await openPage({});
    try {
      const params = await walk(page, request, 'Deny');
      assert.deepEqual([...params.keys()].sort(), ['error', 'error_description', 'iss', 'state']);
      assert.deepEqual(params.getAll('error'), ['access_denied']);
      assert.deepEqual(params.getAll('error_description'), ['the user denied the request']);
      assert.deepEqual(params.getAll('state'), [request.state]);
      assert.deepEqual(params.getAll('iss'), [issuer]);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });

  it('approved before, a public loopback client is asked about again, saying why; "Not you?" switches account (asks-again-*.png)', async () => {
    const first = await newAuthorizationRequest('Browser Asks Again Client');
    const { page, problems } = await openPage({});
    try {
      assert.ok((await walk(page, first, 'Allow')).get('code'));
      callback.hits.length = 0;
      // The same client again, as another local program could: the user sees the page, told why.
      const again = await authorizationRequestFor(first.client);
      await page.goto(again.url.href);
      const redirectHost = new URL(callback.redirectUri).host;
      const text = await visibleText(page);
      const expected =
        `Signed in as alice@example.com · Not you? Use another account You approved Browser Asks Again Client before. It returns to ${redirectHost}, ` +
        'an address any program on your device could use, so it cannot be verified: we ask you each time. It asks for:';
      assert.ok(text.includes(expected), text);
      await page.screenshot({ path: new URL('asks-again-consent.png', ARTIFACTS).pathname, fullPage: true });
      assert.equal(callback.hits.length, 0, 'no code without the user');

      // "Not you?": Clerk's sign-in (here the dev stand-in), then back to this same request as the other user.
      await page.getByRole('link', { name: 'Not you? Use another account' }).click();
      await page.waitForURL((url) => url.origin + url.pathname === example.signInUrl);
      assert.equal(new URL(new URL(page.url()).searchParams.get('redirect_url')!).searchParams.get('state'), again.state);
      await page.getByRole('button', { name: 'Continue as Bob Example (bob@example.com)' }).click();
      await page.waitForURL((url) => url.pathname === '/authorize');
      assert.ok((await visibleText(page)).includes('Signed in as bob@example.com · Not you? Use another account'));
      assert.doesNotMatch(await visibleText(page), /You approved/, 'Bob never approved it');
      await page.screenshot({ path: new URL('asks-again-switched.png', ARTIFACTS).pathname, fullPage: true });
      await page.getByRole('button', { name: 'Allow', exact: true }).click();
      await page.waitForURL((url) => url.href.startsWith(callback.redirectUri));
      const params = new URL(callback.hits[0], callback.redirectUri).searchParams;
      assert.deepEqual(params.getAll('state'), [again.state]);
      assert.ok(params.get('code'));
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });

  it('the consent page in dark mode, for a human to look at (test-artifacts/browser/dark-consent.png)', async () => {
    const request = await newAuthorizationRequest('Browser Dark Mode Client');
    const { page, problems } = await openPage({ colorScheme: 'dark' });
    try {
      await walk(page, request, 'Deny', 'dark');
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });
});
