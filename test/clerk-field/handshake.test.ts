/**
 * Clerk in the field: real headless Chromium, the real `clerkMiddleware`, the double's Frontend API and hosted
 * sign-in on their own host names, and oauth4webapi finishing every authorization. Covers a development instance
 * (`pk_test_`: dev-browser handshake, hosted sign-in, `__clerk_db_jwt` sync), a production instance on subdomains
 * (`__client_uat` on the parent domain only → handshake with the payload as cookie, and the nonce variant), a
 * signed-in browser arriving from another site (forced handshake), and a handshake that cannot complete (an
 * error page after the middleware's loop limit, not a loop).
 */
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { decodeJwt } from 'jose';
import type { Browser, Page } from 'playwright-core';
import type { ClerkDoubleOptions } from '../../src/testing/clerk/contract.js';
import { createClerkDouble } from '../../src/testing/clerk/double.js';
import { startCallbackRecorder, type CallbackRecorder } from '../support/callbackRecorder.js';
import { launchChromium } from '../support/chromium.js';
import { ACCOUNTS, MCP, WEB_CLIENT, startFieldNetwork, type FieldNetwork, type FieldOptions } from './fieldNetwork.js';

const ALICE = 'Continue as Alice Example (alice@example.com)';
/** A state with characters that re-encoding would change (`+`, space, `/`, `=`, `%`): it must come back as sent. */
const STATE = 'st+a te/=%41~';

interface Started {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  url: URL;
  verifier: string;
  nonce: string;
}

describe('Clerk in the field: handshakes through /authorize in Chromium, completed by oauth4webapi', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let net: FieldNetwork | undefined;
  let callback: CallbackRecorder;

  before(async () => {
    callback = await startCallbackRecorder();
  });
  afterEach(async () => {
    await browser?.close();
    await net?.close();
    browser = net = undefined;
    callback.hits.length = 0;
  });
  after(() => callback.close());

  async function start(options: ClerkDoubleOptions, clerk?: FieldOptions['clerk']): Promise<FieldNetwork> {
    net = await startFieldNetwork({ double: options, clerk });
    browser = await launchChromium(net.chromiumArgs);
    return net;
  }

  const opts = () => ({ [oauth.customFetch]: net!.fetch });

  async function newRequest(): Promise<Started> {
    const issuer = new URL(MCP);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...opts() }));
    const registration = await oauth.dynamicClientRegistrationRequest(
      as,
      { redirect_uris: [callback.redirectUri], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], client_name: 'Field Client' },
      opts(),
    );
    const client = await oauth.processDynamicClientRegistrationResponse(registration);
    const verifier = oauth.generateRandomCodeVerifier();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: callback.redirectUri,
      response_type: 'code',
      scope: 'openid email mcp:tools',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: STATE,
      nonce,
      resource: net!.mcpUrl,
    }).toString();
    return { as, client, url, verifier, nonce };
  }

  async function newPage(): Promise<Page> {
    const context = await browser!.newContext({ ignoreHTTPSErrors: true });
    return context.newPage();
  }

  /** On the consent page: Clerk's parameters are not among the form's fields, the request's are unchanged; Allow. */
  async function consent(page: Page, started: Started): Promise<void> {
    await page.waitForURL((u) => u.origin === MCP && u.pathname === '/authorize');
    assert.equal(await page.title(), 'Allow Field Client?');
    const fields = await page.locator('form input[type=hidden]').evaluateAll((inputs) => inputs.map((i) => [(i as HTMLInputElement).name, (i as HTMLInputElement).value]));
    assert.deepEqual(fields.filter(([name]) => name.startsWith('__clerk')), []);
    const sent = Object.fromEntries(started.url.searchParams);
    for (const name of Object.keys(sent)) assert.ok(fields.some(([n, v]) => n === name && v === sent[name]), `${name} survives the handshake byte for byte`);
    assert.ok(!page.url().includes('__clerk'), `no Clerk parameter left in ${page.url()}`);
    await page.getByRole('button', { name: 'Allow', exact: true }).first().click();
  }

  /** The callback as the browser delivered it, checked and redeemed by oauth4webapi. */
  async function redeem(page: Page, started: Started): Promise<void> {
    await page.waitForURL((u) => u.href.startsWith(callback.redirectUri));
    assert.equal(callback.hits.length, 1);
    const callbackUrl = new URL(callback.hits[0], callback.redirectUri);
    assert.deepEqual([...callbackUrl.searchParams.keys()].sort(), ['code', 'iss', 'state']);
    const params = oauth.validateAuthResponse(started.as, started.client, callbackUrl, STATE);
    const res = await oauth.authorizationCodeGrantRequest(started.as, started.client, oauth.None(), params, callback.redirectUri, started.verifier, {
      additionalParameters: { resource: net!.mcpUrl },
      ...opts(),
    });
    const tokens = await oauth.processAuthorizationCodeResponse(started.as, started.client, res, { expectedNonce: started.nonce, requireIdToken: true });
    assert.equal(decodeJwt(tokens.access_token).sub, 'user_test_alice');
    assert.equal(decodeJwt(tokens.access_token).aud, net!.mcpUrl);
    assert.equal(oauth.getValidatedIdTokenClaims(tokens)!.email, 'alice@example.com');
  }

  async function signInAtAccounts(page: Page): Promise<void> {
    await page.waitForURL((u) => u.origin === ACCOUNTS && u.pathname === '/sign-in');
    await page.getByRole('button', { name: ALICE }).click();
  }

  it('development instance (pk_test_): dev-browser handshake, hosted sign-in, __clerk_db_jwt sync, consent, code, tokens', async () => {
    const n = await start({ instanceType: 'development' });
    assert.match(n.double.publishableKey, /^pk_test_/);
    assert.equal(Buffer.from(n.double.publishableKey.slice(8), 'base64').toString(), 'clerk.example.test$');
    const started = await newRequest();
    const page = await newPage();
    await page.goto(started.url.href);
    await signInAtAccounts(page);
    await consent(page, started);
    await redeem(page, started);
    assert.deepEqual(
      n.double.handshakes.map((h) => [h.reason, h.carrier, h.signedIn]),
      [
        ['dev-browser-missing', 'query', false],
        ['dev-browser-sync', 'query', true],
      ],
    );
  });

  for (const handshakePayload of ['token', 'nonce'] as const) {
    it(`production on subdomains (${handshakePayload} payload): __client_uat on the parent domain only → handshake → consent → code → tokens`, async () => {
      const n = await start({ instanceType: 'production', handshakePayload });
      assert.match(n.double.publishableKey, /^pk_live_/);
      const started = await newRequest();
      const page = await newPage();
      await page.goto(started.url.href);
      await signInAtAccounts(page);
      await consent(page, started);
      const cookies = await page.context().cookies();
      assert.deepEqual(cookies.filter((c) => c.name === '__client_uat').map((c) => c.domain), ['.example.test']);
      assert.deepEqual(cookies.filter((c) => c.name === '__client').map((c) => c.domain), ['clerk.example.test']);
      await redeem(page, started);
      assert.deepEqual(n.double.handshakes.map((h) => [h.reason, h.payload, h.carrier, h.signedIn]), [['client-uat-but-no-session-token', handshakePayload, 'cookie', true]]);
    });
  }

  it('a signed-in browser arriving from another site (cross-origin Referer) is handshaken, and the authorization completes', async () => {
    const n = await start({ instanceType: 'production' });
    const page = await newPage();
    // First sign-in and consent, so the browser holds a valid __session on the MCP host.
    const first = await newRequest();
    await page.goto(first.url.href);
    await signInAtAccounts(page);
    await consent(page, first);
    await page.waitForURL((u) => u.href.startsWith(callback.redirectUri));
    callback.hits.length = 0;
    const before = n.double.handshakes.length;
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the middleware's handshake counter cookie expires

    const started = await newRequest();
    n.webClient.get('/', (_req, res) => void res.type('html').send(`<!doctype html><title>Web client</title><a id="go" href="${started.url.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">Connect</a>`));
    await page.goto(`${WEB_CLIENT}/`);
    await page.click('#go');
    await consent(page, started);
    await redeem(page, started);
    assert.deepEqual(n.double.handshakes.slice(before).map((h) => h.reason), ['primary-domain-cross-origin-sync']);
  });

  it('a handshake that cannot complete (the server has another instance\'s key) ends on an error page, not a loop', async () => {
    const other = await createClerkDouble();
    const n = await start({ instanceType: 'production' }, { jwtKey: other.jwtKey });
    const started = await newRequest();
    const page = await newPage();
    const statuses: number[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).origin === MCP) statuses.push(res.status());
    });
    await page.goto(started.url.href);
    await signInAtAccounts(page);
    await page.waitForURL((u) => u.origin === MCP && u.pathname === '/authorize');
    await page.waitForLoadState('load');
    assert.equal(await page.locator('h1').innerText(), 'This sign-in request cannot continue');
    assert.match(await page.locator('p.error').innerText(), /Clerk could not confirm your session on this site/);
    assert.equal(statuses.at(-1), 502);
    assert.equal(n.double.handshakes.length, 3, 'the middleware gave up after its three handshakes');
    assert.deepEqual(callback.hits, []);
  });
});
