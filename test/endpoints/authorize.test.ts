/**
 * The authorization endpoint's user-facing behaviour: sign-in redirect, consent page (content, CSRF, headers),
 * remembered consent, prompt and max_age, `iss` on every redirect.
 */
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { parseForm } from '../support/userAgent.js';
import { authorizationUrl } from '../support/authorizationUrl.js';

const REDIRECT = 'https://client.example.com/oauth/callback';

describe('GET/POST /authorize', () => {
  let h: Harness;
  let clientId: string;
  before(async () => {
    h = await startHarness();
    clientId = await h.registerPublicClient({ redirect_uris: [REDIRECT], client_name: 'Example <Agent>' });
  });
  after(() => h.close());

  function authorizeUrl(extra: Record<string, string> = {}): string {
    return authorizationUrl(h.issuerUrl, { clientId, redirectUri: REDIRECT }, { scope: 'openid email mcp:tools', state: 'st-1', ...extra }).url;
  }

  it('sends a signed-out browser to the Clerk sign-in with a redirect_url back to the same request', async () => {
    const url = authorizeUrl();
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.origin + location.pathname, `${h.origin}/sign-in`);
    assert.equal(location.searchParams.get('redirect_url'), url);
  });

  it('shows a consent page naming the client, its redirect host and the scopes, with anti-framing headers', async () => {
    const { browser } = await h.signedInBrowser();
    assert.equal(await browser.authorize(authorizeUrl(), 'stop'), undefined);
    const page = browser.lastPage!;
    assert.equal(page.status, 200);
    assert.match(page.html, /Allow <span id="client-name">Example &lt;Agent&gt;<\/span>/);
    assert.match(page.html, /<strong id="redirect-host">client\.example\.com<\/strong>/);
    assert.match(page.html, /Your email address/);
    assert.match(page.html, /Use the tools of this MCP server/);
    assert.match(page.html, /Signed in as <strong>alice@example\.com<\/strong>/);
    assert.match(page.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('cache-control'), 'no-store');
  });

  it('allow redirects with code, state and iss, each exactly once, with 303', async () => {
    const { browser } = await h.signedInBrowser();
    const callback = (await browser.authorize(authorizeUrl({ prompt: 'consent' }), 'allow'))!;
    assert.equal(browser.hops.at(-1)!.status, 303);
    assert.equal(callback.origin + callback.pathname, REDIRECT);
    for (const name of ['code', 'state', 'iss']) assert.equal(callback.searchParams.getAll(name).length, 1, name);
    assert.equal(callback.searchParams.get('state'), 'st-1');
    assert.equal(callback.searchParams.get('iss'), h.issuerUrl);
  });

  it('remembers consent: the next request for the same scopes redirects straight back', async () => {
    const { browser } = await h.signedInBrowser('user_test_bob');
    await browser.authorize(authorizeUrl(), 'allow');
    const again = (await browser.authorize(authorizeUrl(), 'stop'))!;
    assert.ok(again.searchParams.get('code'));
    assert.equal(browser.hops.at(-1)!.status, 302);
    const wider = await browser.authorize(authorizeUrl({ scope: 'openid email profile mcp:tools' }), 'stop');
    assert.equal(wider, undefined, 'a new scope asks again');
  });

  it('deny redirects with error=access_denied, state and iss', async () => {
    const { browser } = await h.signedInBrowser();
    const callback = (await browser.authorize(authorizeUrl({ prompt: 'consent' }), 'deny'))!;
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), 'st-1');
    assert.equal(callback.searchParams.get('iss'), h.issuerUrl);
  });

  it('refuses a consent POST with a forged CSRF token (403 page, no redirect)', async () => {
    const { browser } = await h.signedInBrowser();
    await browser.authorize(authorizeUrl({ prompt: 'consent' }), 'stop');
    const form = parseForm(browser.lastPage!.html);
    const body = new URLSearchParams(form.fields);
    body.set('csrf_token', 'forged');
    body.set('decision', 'allow');
    const res = await fetch(`${h.origin}${form.action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.origin, cookie: browser.cookieHeader() },
      body,
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('location'), null);
  });

  it('refuses a consent POST whose CSRF token belongs to another Clerk session', async () => {
    const alice = await h.signedInBrowser();
    await alice.browser.authorize(authorizeUrl({ prompt: 'consent' }), 'stop');
    const form = parseForm(alice.browser.lastPage!.html);
    const mallory = await h.signedInBrowser('user_test_bob');
    const body = new URLSearchParams(form.fields);
    body.set('decision', 'allow');
    const res = await fetch(`${h.origin}${form.action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: h.origin, cookie: mallory.browser.cookieHeader() },
      body,
    });
    assert.equal(res.status, 403);
  });

  it('refuses a consent POST from another origin', async () => {
    const { browser } = await h.signedInBrowser();
    await browser.authorize(authorizeUrl({ prompt: 'consent' }), 'stop');
    const form = parseForm(browser.lastPage!.html);
    const body = new URLSearchParams(form.fields);
    body.set('decision', 'allow');
    const res = await fetch(`${h.origin}${form.action}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', cookie: browser.cookieHeader() },
      body,
    });
    assert.equal(res.status, 403);
  });

  it('prompt=none without consent answers consent_required; signed out answers login_required', async () => {
    const { browser } = await h.signedInBrowser();
    const cb = (await browser.authorize(authorizeUrl({ prompt: 'none', scope: 'openid profile' }), 'stop'))!;
    assert.equal(cb.searchParams.get('error'), 'consent_required');
    assert.equal(cb.searchParams.get('iss'), h.issuerUrl);
    const res = await fetch(authorizeUrl({ prompt: 'none' }), { redirect: 'manual' });
    const out = new URL(res.headers.get('location')!);
    assert.equal(out.searchParams.get('error'), 'login_required');
    assert.equal(out.searchParams.get('state'), 'st-1');
  });

  it('prompt=login sends a signed-in user through a fresh sign-in and then succeeds', async () => {
    const { browser, sessionId } = await h.signedInBrowser();
    const callback = (await browser.authorize(authorizeUrl({ prompt: 'login consent' }), 'allow'))!;
    assert.ok(browser.hops.some((hop) => hop.url.startsWith(`${h.origin}/sign-in`)), 'went through sign-in');
    assert.ok(callback.searchParams.get('code'));
    assert.notEqual(h.sessionIds.at(-1), sessionId, 'a new Clerk session was made');
  });

  it('max_age=0 forces a fresh sign-in; prompt=none with an old sign-in answers login_required', async () => {
    const { browser } = await h.signedInBrowser();
    await new Promise((r) => setTimeout(r, 1100));
    const cb = (await browser.authorize(authorizeUrl({ prompt: 'none', max_age: '0' }), 'stop'))!;
    assert.equal(cb.searchParams.get('error'), 'login_required');
    const fresh = (await browser.authorize(authorizeUrl({ max_age: '0', prompt: 'consent' }), 'allow'))!;
    assert.ok(fresh.searchParams.get('code'));
  });

  it('a repeated state is invalid_request, answered without echoing either value', async () => {
    const res = await fetch(`${authorizeUrl()}&state=other`, { redirect: 'manual' });
    const out = new URL(res.headers.get('location')!);
    assert.equal(out.searchParams.get('error'), 'invalid_request');
    assert.equal(out.searchParams.get('state'), null);
    assert.equal(out.searchParams.get('iss'), h.issuerUrl);
  });

  it('a repeated client_id renders an error page and never redirects', async () => {
    const res = await fetch(`${authorizeUrl()}&client_id=other`, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), /client_id and redirect_uri must each be sent once/);
  });

  it('a header-injection attempt in redirect_uri renders an error page', async () => {
    const res = await fetch(authorizeUrl({ redirect_uri: `${REDIRECT}\r\nLocation: https://evil.example` }), { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });
});
