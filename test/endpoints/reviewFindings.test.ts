/**
 * Behaviour pinned after an independent review: each test reproduces a reported attack or gap and shows the
 * kit now refuses it.
 */
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createMcpIssuer, MemoryStore } from '../../src/index.js';
import { startHarness, testSigningKeys, type Harness } from '../support/harness.js';
import { parseForm } from '../support/userAgent.js';
import { authorizationUrl } from '../support/authorizationUrl.js';

const REDIRECT = 'https://client.example.com/cb';

describe('review findings', () => {
  let h: Harness;
  let clientId: string;
  before(async () => {
    h = await startHarness();
    clientId = await h.registerPublicClient({ redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] });
  });
  after(() => h.close());

  const authorizeUrl = (extra: Record<string, string> = {}) => authorizationUrl(h.issuerUrl, { clientId, redirectUri: REDIRECT }, { state: 'st', ...extra });

  it('a decision smuggled into the authorization request never reaches the consent form: Deny denies', async () => {
    const { browser } = await h.signedInBrowser();
    await browser.authorize(authorizeUrl({ prompt: 'consent', decision: 'allow' }).url, 'stop');
    const form = parseForm(browser.lastPage!.html);
    assert.deepEqual(form.fields.filter(([n]) => n === 'decision'), []);
    const callback = (await browser.authorize(authorizeUrl({ prompt: 'consent', decision: 'allow' }).url, 'deny'))!;
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('code'), null);
  });

  it('a repeated decision in the consent POST is invalid_request, not the first value', async () => {
    const { browser } = await h.signedInBrowser();
    await browser.authorize(authorizeUrl({ prompt: 'consent' }).url, 'stop');
    const form = parseForm(browser.lastPage!.html);
    const body = new URLSearchParams([...form.fields, ['decision', 'allow'], ['decision', 'deny']]);
    const res = await fetch(`${h.origin}${form.action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader() },
      body,
    });
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.equal(location.searchParams.get('code'), null);
  });

  it('an authorization request without scope gets the default scopes (not invalid_scope)', async () => {
    const { url, verifier } = authorizeUrl();
    const { browser } = await h.signedInBrowser();
    const callback = (await browser.authorize(url))!;
    const code = callback.searchParams.get('code');
    assert.ok(code, callback.href);
    const token = await fetch(`${h.issuerUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: REDIRECT }),
    });
    assert.equal((await token.json()).scope, 'mcp:tools openid profile email');
  });

  it('a forged fresh-sign-in marker does not skip prompt=login', async () => {
    const { browser } = await h.signedInBrowser();
    const res = await fetch(authorizeUrl({ prompt: 'login', cmi_auth_after: '0' }).url, {
      redirect: 'manual',
      headers: { cookie: browser.cookieHeader() },
    });
    assert.equal(res.status, 302);
    assert.equal(new URL(res.headers.get('location')!).pathname, '/sign-in');
  });

  it('HEAD /authorize answers 405 and spends no code', async () => {
    const { browser } = await h.signedInBrowser();
    await browser.authorize(authorizeUrl().url, 'allow'); // consent stored
    const res = await fetch(authorizeUrl().url, { method: 'HEAD', redirect: 'manual', headers: { cookie: browser.cookieHeader() } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('location'), null);
  });

  it("the router leaves the host app's sub-paths of its endpoints alone", async () => {
    const app = express();
    const kit = h.issuer;
    app.use(kit.router);
    app.get('/register/help', (_req, res) => res.json({ help: true }));
    app.get('/token/info', (_req, _res, next) => next(new Error('host error')));
    app.use((_err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => res.status(418).json({ host: true }));
    assert.deepEqual((await request(app).get('/register/help').expect(200)).body, { help: true });
    assert.deepEqual((await request(app).get('/token/info').expect(418)).body, { host: true });
    assert.equal((await request(app).get('/register').expect(405)).body.error, 'method_not_allowed');
  });
});

describe('revocation outlives the access token lifetime', () => {
  it('a grant revoked by a code replay stays revoked after its access tokens expired', async () => {
    const h = await startHarness({ options: { lifetimes: { accessToken: 1 } } });
    try {
      const res = await fetch(`${h.issuerUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
      });
      const clientId = (await res.json()).client_id;
      const { url, verifier } = authorizationUrl(h.issuerUrl, { clientId, redirectUri: REDIRECT }, { scope: 'mcp:tools' });
      const { browser } = await h.signedInBrowser();
      const code = (await browser.authorize(url))!.searchParams.get('code')!;
      const exchange = () =>
        fetch(`${h.issuerUrl}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: REDIRECT }),
        });
      const first = await (await exchange()).json();
      assert.equal((await exchange()).status, 400, 'the replay fails and revokes');
      await new Promise((r) => setTimeout(r, 1500));
      const refresh = await fetch(`${h.issuerUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: first.refresh_token }),
      });
      assert.equal(refresh.status, 400);
      assert.equal((await refresh.json()).error, 'invalid_grant');
    } finally {
      await h.close();
    }
  });
});

describe('registered clients expire', () => {
  it('a client unused for lifetimes.registeredClient is forgotten (the store stays bounded under open registration)', async () => {
    let now = Date.now();
    const store = new MemoryStore(() => now);
    const kit = await createMcpIssuer({
      issuer: 'https://mcp.example.com',
      resource: 'https://mcp.example.com/mcp',
      signingKeys: await testSigningKeys(),
      clerk: { secretKey: 'sk_test_x', publishableKey: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k', signInUrl: 'https://accounts.example.com/sign-in' },
      store,
      lifetimes: { refreshToken: 3600, registeredClient: 7200 },
    });
    const app = express().use(kit.router);
    const { client_id } = (await request(app).post('/register').send({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }).expect(201)).body;
    const token = () => request(app).post('/token').type('form').send({ grant_type: 'authorization_code', client_id, code: 'x', code_verifier: 'v'.repeat(43) });
    assert.equal((await token()).body.error, 'invalid_grant', 'known client, bad code');
    now += 7201 * 1000;
    const res = await token();
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
  });
});
