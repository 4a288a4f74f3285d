/**
 * The second security audit's authorization-endpoint findings (issue 15: 1, 2, 4, 5, 6, 8, 9) and the consent
 * page's missing names (issue 11.13). Each test reproduces the reported attack and shows it now fails.
 */
import assert from 'node:assert/strict';
import type { DocumentFetcher } from '../../src/clients/cimd/documentFetcher.js';
import { startHarness, type Harness } from '../support/harness.js';
import { authorizationUrl } from '../support/authorizationUrl.js';
import { parseForm } from '../support/userAgent.js';
import { exchange } from '../support/oauthSteps.js';

const LOOPBACK = 'http://127.0.0.1/callback';
const HTTPS_REDIRECT = 'https://client.example.com/cb';
const SCOPE = 'openid mcp:tools';
const FORM = 'application/x-www-form-urlencoded';

/** POSTs a consent form with exactly the headers given (no cookie or Origin unless the test passes one). */
async function postConsent(h: Harness, form: { action: string; fields: Array<[string, string]> }, headers: Record<string, string>, decision = 'allow') {
  const body = new URLSearchParams(form.fields);
  body.set('decision', decision);
  return fetch(`${h.origin}${form.action}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': FORM, ...headers }, body });
}

describe('security round 2: /authorize', () => {
  let h: Harness;
  let publicLoopback: string;
  let publicHttps: string;
  before(async () => {
    h = await startHarness({ options: { resourceName: 'Acme Tools MCP' } });
    publicLoopback = await h.registerPublicClient({ redirect_uris: [LOOPBACK], client_name: 'Local Agent', grant_types: ['authorization_code', 'refresh_token'] });
    publicHttps = await h.registerPublicClient({ redirect_uris: [HTTPS_REDIRECT], client_name: 'Hosted Agent', grant_types: ['authorization_code', 'refresh_token'] });
  });
  after(() => h.close());

  describe('1. only the browser\'s Clerk cookies identify the user', () => {
    it('GET /authorize with a Clerk session token in Authorization (no cookie) is signed out: sign-in, no consent form', async () => {
      const session = h.double.createSession('user_test_alice');
      const token = await h.double.sessionToken(session.id);
      const { url } = authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5001/callback' }, { scope: SCOPE, prompt: 'consent' });
      const res = await fetch(url, { redirect: 'manual', headers: { authorization: `Bearer ${token}` } });
      const html = await res.text();
      assert.equal(res.status, 302, `answered ${res.status}: ${html.slice(0, 200)}`);
      assert.equal(new URL(res.headers.get('location')!).pathname, '/sign-in');
      assert.doesNotMatch(html, /csrf_token/);
    });

    it('a consent POST carrying only the Clerk session token in Authorization issues no code', async () => {
      const { browser, sessionId } = await h.signedInBrowser();
      await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5002/callback' }, { scope: SCOPE, prompt: 'consent' }).url, 'stop');
      const form = parseForm(browser.lastPage!.html);
      const authorization = `Bearer ${await h.double.sessionToken(sessionId)}`;
      // As reported: no Origin, no cookie.
      const bare = await postConsent(h, form, { authorization });
      assert.equal(bare.status, 403);
      assert.equal(bare.headers.get('location'), null);
      // Even with a same-origin Origin the header is no user: sent to sign in, never to the client with a code.
      const withOrigin = await postConsent(h, form, { authorization, origin: h.origin });
      assert.equal(withOrigin.status, 302);
      assert.equal(new URL(withOrigin.headers.get('location')!).pathname, '/sign-in');
    });

    it('an Authorization header next to the cookie still counts as signed out', async () => {
      const { browser, sessionId } = await h.signedInBrowser();
      const { url } = authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5003/callback' }, { scope: SCOPE, prompt: 'consent' });
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: browser.cookieHeader(), authorization: `Bearer ${await h.double.sessionToken(sessionId)}` } });
      assert.equal(res.status, 302);
      assert.equal(new URL(res.headers.get('location')!).pathname, '/sign-in');
    });

    it('a consent decision is accepted only from a same-origin form post', async () => {
      const { browser } = await h.signedInBrowser();
      await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5004/callback' }, { scope: SCOPE, prompt: 'consent' }).url, 'stop');
      const form = parseForm(browser.lastPage!.html);
      const cookie = browser.cookieHeader();
      const refused: Array<Record<string, string>> = [{}, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null', 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }];
      for (const headers of refused) {
        const res = await postConsent(h, form, { cookie, ...headers });
        assert.equal(res.status, 403, JSON.stringify(headers));
        assert.equal(res.headers.get('location'), null);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      }
      // A browser that withholds Origin still says where the post came from.
      const noOrigin = await postConsent(h, form, { cookie, 'sec-fetch-site': 'same-origin' });
      assert.equal(noOrigin.status, 303);
      assert.ok(new URL(noOrigin.headers.get('location')!).searchParams.get('code'));
    });
  });

  describe('an open consent form does not outlive the sign-in freshness the request asked for', () => {
    it('max_age passed while the consent page was open: the post sends the user to sign in again, no code', async function () {
      this.timeout(10_000);
      const { browser } = await h.signedInBrowser();
      await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5006/callback' }, { scope: SCOPE, prompt: 'consent', max_age: '1' }).url, 'stop');
      assert.equal(browser.lastPage?.status, 200, 'the consent page, while the sign-in is fresh');
      const form = parseForm(browser.lastPage!.html);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const res = await postConsent(h, form, { cookie: browser.cookieHeader(), origin: h.origin });
      const location = new URL(res.headers.get('location')!, h.origin);
      assert.equal(location.pathname, '/sign-in', location.href);
      assert.equal(location.searchParams.get('code'), null);
      // The return URL carries the request, not the form's own fields.
      assert.doesNotMatch(location.searchParams.get('redirect_url')!, /csrf_token|decision/);
    });
  });

  describe('2. remembered consent and a client whose identity is not assured (RFC 8252 §8.6)', () => {
    it('a public loopback client: another port with prompt=none gets consent_required, not a code', async () => {
      const { browser } = await h.signedInBrowser();
      const first = await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5555/callback' }, { scope: SCOPE }).url);
      assert.ok(first?.searchParams.get('code'), 'the user approved once');
      // Another local program that knows only the client_id, with its own PKCE and port.
      const attacker = authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:6666/callback' }, { scope: SCOPE, prompt: 'none', state: 's' });
      const callback = await browser.authorize(attacker.url, 'stop');
      assert.equal(callback?.origin, 'http://127.0.0.1:6666');
      assert.equal(callback.searchParams.get('code'), null, 'no code without the user');
      assert.equal(callback.searchParams.get('error'), 'consent_required');
      const tokens = await exchange(h.issuerUrl, publicLoopback, callback.searchParams.get('code') ?? 'none', attacker.verifier);
      assert.equal(tokens.status, 400);
    });

    it('without prompt=none the consent page is shown again, saying why', async () => {
      const { browser } = await h.signedInBrowser();
      await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5556/callback' }, { scope: SCOPE }).url);
      const again = await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5557/callback' }, { scope: SCOPE }).url, 'stop');
      assert.equal(again, undefined, 'stopped at a page');
      assert.equal(browser.lastPage?.status, 200);
      assert.match(browser.lastPage!.html, /id="asks-again"/);
      assert.match(browser.lastPage!.html, /You approved Local Agent before/);
      // One click.
      const allowed = await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicLoopback, redirectUri: 'http://127.0.0.1:5558/callback' }, { scope: SCOPE }).url);
      assert.ok(allowed?.searchParams.get('code'));
    });

    it('a public client redirecting to https and a confidential loopback client keep silent re-approval', async () => {
      const { browser } = await h.signedInBrowser();
      assert.ok((await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicHttps, redirectUri: HTTPS_REDIRECT }, { scope: SCOPE }).url))?.searchParams.get('code'));
      const silent = await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: publicHttps, redirectUri: HTTPS_REDIRECT }, { scope: SCOPE, prompt: 'none' }).url, 'stop');
      assert.ok(silent?.searchParams.get('code'), silent?.href);

      const registered = await fetch(`${h.issuerUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [LOOPBACK], client_name: 'Confidential' }) });
      const confidential = (await registered.json()).client_id as string;
      assert.ok((await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: confidential, redirectUri: 'http://127.0.0.1:5559/callback' }, { scope: SCOPE }).url))?.searchParams.get('code'));
      const again = await browser.authorize(authorizationUrl(h.issuerUrl, { clientId: confidential, redirectUri: 'http://127.0.0.1:5560/callback' }, { scope: SCOPE, prompt: 'none' }).url, 'stop');
      assert.ok(again?.searchParams.get('code'), again?.href);
    });
  });

  describe('4. one signed-in browser and Clerk\'s Backend API quota', () => {
    it('200 GET /authorize from one signed-in browser make at most one call of each kind per cache window', async () => {
      const { browser } = await h.signedInBrowser();
      const { url } = authorizationUrl(h.issuerUrl, { clientId: publicHttps, redirectUri: HTTPS_REDIRECT }, { scope: SCOPE, prompt: 'consent' });
      const before = h.double.requests.length;
      const started = Date.now();
      for (let i = 0; i < 200; i++) {
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: browser.cookieHeader() } });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
      const calls = h.double.requests.slice(before);
      const windows = Math.ceil((Date.now() - started) / 5000) + 1;
      const kinds = new Map<string, number>();
      for (const c of calls) {
        const kind = `${c.method} ${c.path.replace(/\/(sess|user)_\w+/, '/{id}')}`;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      console.log(`      clerk calls for 200 GET /authorize: ${calls.length} (${[...kinds].map(([k, n]) => `${n}× ${k}`).join(', ')}) in ${Date.now() - started} ms`);
      // The ceiling (docs/deployment.md): one session lookup and one user-label lookup per session per 5 s window.
      assert.ok(calls.length <= 2 * windows, `${calls.length} calls > ${2 * windows}`);
    });

    it('GET /authorize is rate limited per IP (429 page with RateLimit headers)', async () => {
      const limited = await startHarness({ options: { rateLimit: { register: false, token: false, authorize: { limit: 3, windowMs: 60_000 } } } });
      try {
        const client = await limited.registerPublicClient({ redirect_uris: [HTTPS_REDIRECT] });
        const { url } = authorizationUrl(limited.issuerUrl, { clientId: client, redirectUri: HTTPS_REDIRECT });
        for (let i = 0; i < 3; i++) assert.equal((await fetch(url, { redirect: 'manual' })).status, 302);
        const res = await fetch(url, { redirect: 'manual' });
        assert.equal(res.status, 429);
        assert.equal(res.headers.get('location'), null);
        assert.ok(res.headers.get('ratelimit-policy') ?? res.headers.get('ratelimit'));
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      } finally {
        await limited.close();
      }
    });
  });

  describe('5. the loopback port rule', () => {
    it('refuses userinfo in a requested loopback redirect URI in phase 1 (page, no redirect)', async () => {
      const client = await h.registerPublicClient({ redirect_uris: ['http://127.0.0.1/cb'] });
      const { browser } = await h.signedInBrowser();
      const { url } = authorizationUrl(h.issuerUrl, { clientId: client, redirectUri: 'http://app.example.com:pw@127.0.0.1:5555/cb' }, { scope: SCOPE });
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: browser.cookieHeader() } });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), /redirect_uri/);
    });
  });

  describe('6. launch-handler schemes', () => {
    for (const uri of ['ms-msdt:-id%20PCWDiagnostic', 'search-ms:query=x&crumb=location:\\\\evil.example\\share', 'ms-officecmd:{}', 'shell:startup', 'MS-WORD:ofe|u|https://evil.example/x.docx', 'ms-settings:privacy', 'ms-appinstaller:?source=https://evil.example/x', 'hcp://system/x', 'ldap://evil.example/x', 'jar:https://evil.example/x!/']) {
      it(`refuses to register ${uri}`, async () => {
        const res = await fetch(`${h.issuerUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [uri], token_endpoint_auth_method: 'none' }) });
        assert.equal(res.status, 400);
        const body = await res.json();
        assert.equal(body.error, 'invalid_redirect_uri');
        assert.match(body.error_description, /not allowed/);
      });
    }
  });

  describe('8. registration metadata is capped', () => {
    it('refuses a body over 4096 bytes with invalid_client_metadata naming the cap', async () => {
      const uris = Array.from({ length: 8 }, (_, i) => `https://client.example.com/${i}/${'a'.repeat(1800)}`);
      const body = JSON.stringify({ redirect_uris: uris, token_endpoint_auth_method: 'none' });
      assert.ok(body.length > 14_000);
      const res = await fetch(`${h.issuerUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400);
      const json = await res.json();
      assert.equal(json.error, 'invalid_client_metadata');
      assert.match(json.error_description, /4096 bytes/);
    });

    it('refuses more than 10 redirect URIs, naming the limit', async () => {
      const uris = Array.from({ length: 11 }, (_, i) => `https://c.example/${i}`);
      const res = await fetch(`${h.issuerUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: uris, token_endpoint_auth_method: 'none' }) });
      assert.equal(res.status, 400);
      const json = await res.json();
      assert.equal(json.error, 'invalid_redirect_uri');
      assert.match(json.error_description, /at most 10 redirect_uris/);
    });
  });

  describe('11.13 the consent page names the server, marks a self-declared name, offers another account', () => {
    it('shows resourceName, "self-declared", and a "Not you?" link back to this request through sign-in', async () => {
      const { browser } = await h.signedInBrowser();
      const { url } = authorizationUrl(h.issuerUrl, { clientId: publicHttps, redirectUri: HTTPS_REDIRECT }, { scope: SCOPE, prompt: 'consent', state: 'nu' });
      await browser.authorize(url, 'stop');
      const html = browser.lastPage!.html;
      assert.match(html, /<strong id="resource-name">Acme Tools MCP<\/strong>/);
      assert.match(html, /id="self-declared"/);
      const href = /<a id="switch-account" href="([^"]*)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      assert.ok(href, 'a "Not you?" link');
      const signIn = new URL(href);
      assert.equal(`${signIn.origin}${signIn.pathname}`, `${h.origin}/sign-in`);
      const back = new URL(signIn.searchParams.get('redirect_url')!);
      assert.equal(`${back.origin}${back.pathname}`, `${h.issuerUrl}/authorize`);
      assert.equal(back.searchParams.get('client_id'), publicHttps);
      assert.equal(back.searchParams.get('state'), 'nu');
      assert.equal(back.searchParams.get('csrf_token'), null);
    });
  });
});

describe('security round 2: CIMD failures are remembered (issue 15.9)', () => {
  let h: Harness;
  let calls = 0;
  const fetcher: DocumentFetcher = async () => {
    calls++;
    throw new Error('connection refused');
  };
  before(async () => {
    h = await startHarness({ options: { clientIdMetadataDocuments: { fetch: fetcher } } });
  });
  after(() => h.close());

  it('two anonymous /authorize for a client_id whose fetch fails fetch it once', async () => {
    const clientId = 'https://agent.example/client.json';
    for (let i = 0; i < 2; i++) {
      const res = await fetch(authorizationUrl(h.issuerUrl, { clientId, redirectUri: HTTPS_REDIRECT }).url, { redirect: 'manual' });
      assert.equal(res.status, 400);
    }
    assert.equal(calls, 1);
  });
});

describe('security round 2: CIMD documents are capped like registrations (issue 15.6, 15.8)', () => {
  let h: Harness;
  const docs = new Map<string, unknown>();
  const fetcher: DocumentFetcher = async (url) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(docs.get(url.href)) });
  before(async () => {
    h = await startHarness({ options: { clientIdMetadataDocuments: { fetch: fetcher } } });
  });
  after(() => h.close());

  for (const [name, redirectUris, problem] of [
    ['eleven redirect URIs', Array.from({ length: 11 }, (_, i) => `https://c.example/${i}`), /at most 10 redirect_uris/],
    ['a launch-handler scheme', ['search-ms:query=x'], /not allowed/],
  ] as const) {
    it(`refuses a document with ${name} (page, no redirect)`, async () => {
      const clientId = `https://agent.example/${name.replace(/\W/g, '-')}.json`;
      docs.set(clientId, { client_id: clientId, client_name: 'Doc Agent', redirect_uris: redirectUris });
      const res = await fetch(authorizationUrl(h.issuerUrl, { clientId, redirectUri: redirectUris[0] }).url, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('location'), null);
      assert.match(await res.text(), problem);
    });
  }
});
