/**
 * The connected-apps page (issue 13 part 2, SPEC §11 "Connected apps"): the signed-in user's clients with live
 * grants, and a Revoke button that ends a client's grants at once and forgets its consent. Same browser rules as
 * `/authorize`: cookies only (an `Authorization` header is signed out), same-origin form posts, CSRF bound to
 * the Clerk session and the client, and every revoke scoped to the session's own user.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KEYS } from '../../src/grants/grant.js';
import { startHarness, type Harness } from '../support/harness.js';
import { authorizationUrl, authorize, exchange, refresh, REDIRECT, whoami, type TokenSet } from '../support/oauthSteps.js';
import { parseForm, type UserAgent } from '../support/userAgent.js';

const ALICE = 'user_test_alice';
const BOB = 'user_test_bob';

describe('connected apps page', () => {
  let h: Harness;
  let page: string;
  before(async () => {
    h = await startHarness();
    h.app.use('/connected-apps', h.issuer.connectedApps());
    page = `${h.origin}/connected-apps`;
  });
  after(() => h?.close());

  async function grant(browser: UserAgent, clientName: string, clientId?: string): Promise<{ clientId: string; tokens: TokenSet }> {
    clientId ??= await h.registerPublicClient({ redirect_uris: [REDIRECT], client_name: clientName, grant_types: ['authorization_code', 'refresh_token'] });
    const { code, verifier } = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
    const tokens = await exchange(h.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    return { clientId, tokens: tokens.body };
  }

  /** GET the page as this browser (its Clerk cookies), without following redirects. */
  async function open(browser: UserAgent, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
    const res = await fetch(page, { redirect: 'manual', headers: { cookie: browser.cookieHeader(), ...headers } });
    return { res, html: await res.text() };
  }

  /** The Revoke form of one client on the page: its hidden fields (client_id, csrf_token). */
  function revokeForm(html: string, clientId: string): URLSearchParams {
    for (const match of html.matchAll(/<form method="post" action="[^"]*">[\s\S]*?<\/form>/g)) {
      const { fields } = parseForm(match[0]);
      if (fields.some(([n, v]) => n === 'client_id' && v === clientId)) return new URLSearchParams(fields);
    }
    throw new Error(`no Revoke form for ${clientId}`);
  }

  function post(browser: UserAgent, form: URLSearchParams, headers: Record<string, string> = { origin: h.origin }): Promise<Response> {
    return fetch(page, { method: 'POST', redirect: 'manual', headers: { cookie: browser.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form });
  }

  const signInRedirect = () => {
    const signIn = new URL(`${h.origin}/sign-in`);
    signIn.searchParams.set('redirect_url', page);
    return signIn.href;
  };

  it('signed out: 302 to Clerk sign-in, coming back to the page', async () => {
    const res = await fetch(page, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), signInRedirect());
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  it('a Clerk session token in Authorization (with or without the cookies) is signed out: sign-in, no list', async () => {
    const { browser, sessionId } = await h.signedInBrowser();
    await grant(browser, 'Header Probe');
    const authorization = `Bearer ${await h.double.sessionToken(sessionId)}`;
    for (const headers of [{ authorization }, { authorization, cookie: browser.cookieHeader() }] as Array<Record<string, string>>) {
      const res = await fetch(page, { redirect: 'manual', headers });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), signInRedirect());
    }
    // And a revoke posted that way changes nothing.
    const form = revokeForm((await open(browser)).html, (await h.issuer.grants.list({ userId: ALICE })).find((g) => g.clientName === 'Header Probe')!.clientId);
    const res = await fetch(page, { method: 'POST', redirect: 'manual', headers: { authorization, origin: h.origin, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), signInRedirect());
    assert.ok((await h.issuer.grants.list({ userId: ALICE })).some((g) => g.clientName === 'Header Probe'));
  });

  it('lists each client with a live grant once: name, redirect host, scopes, first authorized, last used; the page headers of every kit page', async () => {
    const carol = h.double.createUser({ email: 'carol@example.com' }).id;
    const { browser } = await h.signedInBrowser(carol);
    const before = Math.floor(Date.now() / 1000);
    const one = await grant(browser, 'Carol <Editor>');
    await grant((await h.signedInBrowser(carol)).browser, 'Carol <Editor>', one.clientId);
    const two = await grant(browser, 'Carol Notes');
    // "Last used" moves at refresh (the family's rotation), not at MCP calls.
    await sleep(1100);
    assert.equal((await whoami(h.mcpUrl, two.tokens.access_token)).status, 200);
    const listedBefore = await h.issuer.grants.list({ userId: carol });
    assert.ok(listedBefore.every((g) => g.lastUsedAt === g.createdAt), 'an MCP call writes nothing');
    assert.equal((await refresh(h.issuerUrl, two.clientId, two.tokens.refresh_token)).status, 200);
    const listed = await h.issuer.grants.list({ userId: carol });
    const used = listed.find((g) => g.clientId === two.clientId)!;
    assert.ok(used.lastUsedAt > used.createdAt, `last used moved at refresh (${used.createdAt} → ${used.lastUsedAt})`);
    assert.ok(listed.every((g) => !('grantId' in g) && !('sessionId' in g)));

    const { res, html } = await open(browser);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.match(res.headers.get('content-security-policy')!, /default-src 'none'.*frame-ancestors 'none'/);
    assert.ok(html.includes('Signed in as <strong id="user-label">carol@example.com</strong>'));
    assert.equal([...html.matchAll(/<li class="app"/g)].length, 2, 'one entry per client');
    // Most recently used first; names escaped; the self-declared name said to be unverified.
    const names = [...html.matchAll(/<h2 id="app-\d+-name">([^<]*)<\/h2>/g)].map((m) => m[1]);
    assert.deepEqual(names, ['Carol Notes', 'Carol &lt;Editor&gt;']);
    assert.ok(html.includes('“Carol &lt;Editor&gt;” is the name the application gave itself; it has not been verified.'));
    assert.ok(html.includes('<dt>Returns to</dt><dd><strong>127.0.0.1:53690</strong></dd>'));
    assert.ok(html.includes('<li>Use the tools of this MCP server <span class="muted"><code>mcp:tools</code></span></li>'));
    const iso = (s: number) => new Date(s * 1000).toISOString();
    assert.ok(html.includes(`<dt>Last used</dt><dd><time datetime="${iso(used.lastUsedAt)}">`));
    const first = Math.min(...listed.filter((g) => g.clientId === one.clientId).map((g) => g.createdAt));
    assert.ok(first >= before && html.includes(`<dt>First authorized</dt><dd><time datetime="${iso(first)}">`));
    assert.doesNotMatch(html, /<dt>Organization<\/dt>/, 'no organization row without an org-bound grant');
    assert.ok(html.includes('aria-label="Revoke access of Carol &lt;Editor&gt;">Revoke access</button>'));
  });

  it('two clients authorized, one revoked on the page: its token is refused at the MCP endpoint, refresh invalid_grant, consent forgotten; the other keeps working', async () => {
    const { browser } = await h.signedInBrowser();
    const kept = await grant(browser, 'Kept App');
    const revoked = await grant(browser, 'Revoked App');
    assert.ok(await h.issuer.store.get(KEYS.consent(ALICE, revoked.clientId)), 'consent remembered');

    const form = revokeForm((await open(browser)).html, revoked.clientId);
    const res = await post(browser, form);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/connected-apps?revoked=1');

    assert.deepEqual(await whoami(h.mcpUrl, revoked.tokens.access_token), { status: 401 });
    const refused = await refresh(h.issuerUrl, revoked.clientId, revoked.tokens.refresh_token);
    assert.deepEqual([refused.status, refused.body.error], [400, 'invalid_grant']);
    assert.equal(await h.issuer.store.get(KEYS.consent(ALICE, revoked.clientId)), undefined, 'consent forgotten');
    assert.deepEqual(await whoami(h.mcpUrl, kept.tokens.access_token), { status: 200, userId: ALICE });
    assert.equal((await refresh(h.issuerUrl, kept.clientId, kept.tokens.refresh_token)).status, 200);

    const after = await fetch(`${page}?revoked=1`, { headers: { cookie: browser.cookieHeader() } });
    const html = await after.text();
    assert.ok(html.includes('<p class="notice" role="status" id="notice">Access revoked.'));
    assert.ok(html.includes('>Kept App</h2>'));
    assert.ok(!html.includes(revoked.clientId), 'the revoked client is gone from the page');

    // The client must ask again: the consent page, not a silent code.
    await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, revoked.clientId, 'v'.repeat(43)), 'stop');
    assert.equal(browser.lastPage?.status, 200);
    assert.match(browser.lastPage!.html, /Allow <span id="client-name">Revoked App<\/span>/);
  });

  it('a code issued before the revoke and exchanged after it gives dead tokens; a new authorization after the revoke works', async () => {
    const { browser } = await h.signedInBrowser();
    const { clientId, tokens } = await grant(browser, 'Racing App');
    // A code in flight: issued before the revoke, exchanged after it.
    const pending = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
    assert.equal((await h.issuer.grants.revoke({ userId: ALICE, clientId })).grantsEnded, 1);
    assert.deepEqual(await whoami(h.mcpUrl, tokens.access_token), { status: 401 });

    const late = await exchange(h.issuerUrl, clientId, pending.code, pending.verifier);
    assert.equal(late.status, 200, JSON.stringify(late.body));
    assert.deepEqual(await whoami(h.mcpUrl, late.body.access_token), { status: 401 }, 'revoked on arrival');
    assert.equal((await refresh(h.issuerUrl, clientId, late.body.refresh_token)).body.error, 'invalid_grant');
    assert.deepEqual(await h.issuer.grants.list({ userId: ALICE }).then((list) => list.filter((g) => g.clientId === clientId)), []);

    // The user connects the client again (consent on a later second than the revoke): that grant lives.
    await sleep(1100);
    const again = await grant(browser, 'Racing App', clientId);
    assert.deepEqual(await whoami(h.mcpUrl, again.tokens.access_token), { status: 200, userId: ALICE });
  });

  it('another user\'s session sees none of the user\'s grants', async () => {
    const { browser: alice } = await h.signedInBrowser();
    const g = await grant(alice, 'Alice Only');
    const { browser: bob } = await h.signedInBrowser(BOB);
    const { res, html } = await open(bob);
    assert.equal(res.status, 200);
    assert.ok(html.includes('<p id="no-apps">No application can use your account here.</p>'));
    assert.ok(!html.includes(g.clientId) && !html.includes('Alice Only'));
  });

  it('a forged POST for another user\'s client changes nothing: the victim\'s CSRF token fails on the attacker\'s session, and the attacker\'s own token ends only the attacker\'s grant', async () => {
    const { browser: alice } = await h.signedInBrowser();
    const victim = await grant(alice, 'Shared App');
    const victimForm = revokeForm((await open(alice)).html, victim.clientId);

    const { browser: bob } = await h.signedInBrowser(BOB);
    // The victim's token (stolen somehow) with the attacker's session: bound to another session, refused.
    const stolen = await post(bob, victimForm);
    assert.equal(stolen.status, 403);
    assert.match(await stolen.text(), /nothing was changed/);
    // The attacker authorizes the same client and posts a genuine token of his own page: only his grant ends.
    const own = await grant(bob, 'Shared App', victim.clientId);
    const res = await post(bob, revokeForm((await open(bob)).html, victim.clientId));
    assert.equal(res.status, 303);
    assert.deepEqual(await whoami(h.mcpUrl, own.tokens.access_token), { status: 401 });
    assert.deepEqual(await whoami(h.mcpUrl, victim.tokens.access_token), { status: 200, userId: ALICE });
    assert.ok((await h.issuer.grants.list({ userId: ALICE })).some((g) => g.clientId === victim.clientId));
    assert.ok(await h.issuer.store.get(KEYS.consent(ALICE, victim.clientId)), 'the victim\'s consent stays');
  });

  it('a revoke not posted from this site is 403 and changes nothing; without Origin, Sec-Fetch-Site: same-origin is the proof', async () => {
    const { browser } = await h.signedInBrowser();
    const g = await grant(browser, 'Cross Origin Target');
    const form = revokeForm((await open(browser)).html, g.clientId);
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null', 'sec-fetch-site': 'cross-site' }, {}, { 'sec-fetch-site': 'same-site' }] as Array<Record<string, string>>) {
      const res = await post(browser, form, headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.match(await res.text(), /not posted from this site.*nothing was changed/);
    }
    assert.deepEqual(await whoami(h.mcpUrl, g.tokens.access_token), { status: 200, userId: ALICE });
    const res = await post(browser, form, { 'sec-fetch-site': 'same-origin' });
    assert.equal(res.status, 303);
    assert.deepEqual(await whoami(h.mcpUrl, g.tokens.access_token), { status: 401 });
  });

  it('CSRF: a missing token, a token of another session of the same user, or a token for another client is 403 and changes nothing', async () => {
    const { browser } = await h.signedInBrowser();
    const a = await grant(browser, 'Csrf A');
    const b = await grant(browser, 'Csrf B');
    const html = (await open(browser)).html;
    const formA = revokeForm(html, a.clientId);
    const { browser: otherSession } = await h.signedInBrowser();

    const missing = new URLSearchParams({ client_id: a.clientId });
    const swapped = new URLSearchParams({ client_id: a.clientId, csrf_token: revokeForm(html, b.clientId).get('csrf_token')! });
    for (const [who, form] of [[browser, missing], [browser, swapped], [otherSession, formA]] as const) {
      const res = await post(who, form);
      assert.equal(res.status, 403);
      assert.match(await res.text(), /the page expired or the revoke was not sent by you; nothing was changed/);
    }
    const unnamed = await post(browser, new URLSearchParams({ csrf_token: formA.get('csrf_token')! }));
    assert.equal(unnamed.status, 400);
    for (const g of [a, b]) assert.deepEqual(await whoami(h.mcpUrl, g.tokens.access_token), { status: 200, userId: ALICE });
  });

  it('answers 405 with Allow to other methods, and serves only its own path', async () => {
    const res = await fetch(page, { method: 'PUT' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD, POST');
    assert.equal((await fetch(`${page}/other`, { redirect: 'manual' })).status, 404);
  });

  it('a metadata-document client shows the host that published its identity, not "self-declared"', async () => {
    const documentUrl = 'https://agents.example.com/clients/notes.json';
    const document = { client_id: documentUrl, client_name: 'Notes (CIMD)', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
    const cimd = await startHarness({ options: { clientIdMetadataDocuments: { fetch: async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(document) }) } } });
    try {
      cimd.app.use('/connected-apps', cimd.issuer.connectedApps());
      const { browser } = await cimd.signedInBrowser();
      const { code, verifier } = await authorize(browser, cimd.issuerUrl, cimd.mcpUrl, documentUrl);
      assert.equal((await exchange(cimd.issuerUrl, documentUrl, code, verifier)).status, 200);
      const html = await (await fetch(`${cimd.origin}/connected-apps`, { headers: { cookie: browser.cookieHeader() } })).text();
      assert.ok(html.includes('<h2 id="app-0-name">Notes (CIMD)</h2>\n<p class="muted">Client identity published by <strong class="client-host">agents.example.com</strong></p>'), html);
      assert.ok(!html.includes('gave itself'));
      const [listed] = await cimd.issuer.grants.list({ userId: ALICE });
      assert.deepEqual([listed.clientId, listed.clientName, listed.documentHost, listed.redirectHost], [documentUrl, 'Notes (CIMD)', 'agents.example.com', '127.0.0.1:53690']);
    } finally {
      await cimd.close();
    }
  });
});
