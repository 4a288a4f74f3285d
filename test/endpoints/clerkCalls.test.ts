/**
 * Clerk calls are bounded (SPEC §11; issue 14 item 2, issue 15 items 4, 9, 10): the identity claims are minted
 * while the browser is at `/authorize` and kept with the code, then with the grant. The code exchange and
 * `/userinfo` make no Clerk call; a refresh makes one. Counted with the Clerk double's own request log.
 * And a grant ends as soon as the kit learns its Clerk session ended.
 */
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { authorize, authorizationUrl, exchange, refresh, whoami, REDIRECT, SCOPE } from '../support/oauthSteps.js';
import { randomBytes } from 'node:crypto';

describe('Clerk calls are bounded; the grant keeps the identity claims', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  /** Runs `step` and returns what it gave with the number of Clerk Backend API requests it caused. */
  async function counting<T>(step: () => Promise<T>): Promise<{ result: T; calls: number }> {
    const from = h.double.requests.length;
    const result = await step();
    return { result, calls: h.double.requests.length - from };
  }

  const userinfo = (accessToken: string) => fetch(`${h.issuerUrl}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });

  async function signIn(grantTypes = ['authorization_code', 'refresh_token'], scope = SCOPE) {
    const clientId = await h.registerPublicClient({ redirect_uris: [REDIRECT], grant_types: grantTypes });
    const { browser, sessionId } = await h.signedInBrowser();
    let code: string;
    let verifier: string;
    if (scope === SCOPE) ({ code, verifier } = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId));
    else {
      verifier = randomBytes(32).toString('base64url');
      const url = new URL(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, verifier));
      url.searchParams.set('scope', scope);
      code = (await browser.authorize(url.href))!.searchParams.get('code')!;
    }
    return { clientId, sessionId, code, verifier };
  }

  it('the code exchange makes no Clerk call, a refresh one, 1000 GET /userinfo none, and the claims are the template\'s', async function () {
    this.timeout(60_000);
    const { clientId, code, verifier } = await signIn();
    const exchanged = await counting(() => exchange(h.issuerUrl, clientId, code, verifier));
    assert.equal(exchanged.result.status, 200, JSON.stringify(exchanged.result.body));
    console.log(`      clerk calls per code exchange: ${exchanged.calls}`);
    assert.equal(exchanged.calls, 0);
    const idToken = JSON.parse(Buffer.from(exchanged.result.body.id_token!.split('.')[1], 'base64url').toString());
    assert.equal(idToken.email, 'alice@example.com');

    const refreshed = await counting(() => refresh(h.issuerUrl, clientId, exchanged.result.body.refresh_token));
    assert.equal(refreshed.result.status, 200, JSON.stringify(refreshed.result.body));
    console.log(`      clerk calls per refresh: ${refreshed.calls}`);
    assert.equal(refreshed.calls, 1);

    for (const token of [exchanged.result.body.access_token, refreshed.result.body.access_token]) {
      const answered = await counting(async () => {
        const bodies = [];
        for (let i = 0; i < 1000; i++) {
          const res = await userinfo(token);
          assert.equal(res.status, 200);
          bodies.push(await res.json());
        }
        return bodies;
      });
      console.log(`      clerk calls for 1000 GET /userinfo: ${answered.calls}`);
      assert.equal(answered.calls, 0);
      assert.deepEqual(answered.result[999], answered.result[0]);
      assert.equal(answered.result[0].sub, 'user_test_alice');
      assert.equal(answered.result[0].email, 'alice@example.com');
    }
  });

  it('a refresh brings the kept claims up to date (what /userinfo answers next)', async () => {
    const { clientId, code, verifier } = await signIn();
    const tokens = (await exchange(h.issuerUrl, clientId, code, verifier)).body;
    const before = (await (await userinfo(tokens.access_token)).json()).name;
    // The user renames themselves in Clerk.
    const user = h.double.users.get('user_test_alice')! as { lastName: string | null };
    const lastName = user.lastName;
    user.lastName = `${lastName}-Renamed`;
    try {
      assert.equal((await (await userinfo(tokens.access_token)).json()).name, before, 'the kept claims, no Clerk call');
      const refreshed = (await refresh(h.issuerUrl, clientId, tokens.refresh_token)).body;
      assert.equal((await (await userinfo(refreshed.access_token)).json()).name, `${before}-Renamed`);
      assert.equal((await (await userinfo(tokens.access_token)).json()).name, `${before}-Renamed`, 'one grant, one set of claims');
    } finally {
      user.lastName = lastName;
    }
  });

  it('a client without refresh tokens: /userinfo answers from the grant\'s claims, no Clerk call', async () => {
    const { clientId, code, verifier } = await signIn(['authorization_code']);
    const tokens = await exchange(h.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(tokens.body.refresh_token, undefined);
    const answered = await counting(async () => (await userinfo(tokens.body.access_token)).json());
    assert.equal(answered.calls, 0);
    assert.equal(answered.result.email, 'alice@example.com');
  });

  it('without openid nothing is minted: the exchange makes no Clerk call, a refresh only checks the session', async () => {
    const { clientId, code, verifier } = await signIn(undefined, 'mcp:tools');
    const exchanged = await counting(() => exchange(h.issuerUrl, clientId, code, verifier));
    assert.equal(exchanged.result.status, 200);
    assert.equal(exchanged.calls, 0);
    assert.equal(exchanged.result.body.id_token, undefined);
    const refreshed = await counting(() => refresh(h.issuerUrl, clientId, exchanged.result.body.refresh_token));
    assert.equal(refreshed.result.status, 200);
    assert.equal(refreshed.calls, 1);
    assert.deepEqual(h.double.requests.at(-1)!.path.split('/').slice(0, 3), ['', 'v1', 'sessions']);
  });

  it('a session that ends between the session check and the mint: treated as signed out, no code', async () => {
    // A confidential client: its remembered consent re-approves silently (SPEC §11), so the next request issues a
    // code at once unless the session is found ended.
    const clientId = await h.registerPublicClient({ redirect_uris: [REDIRECT], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic' });
    const { browser, sessionId } = await h.signedInBrowser();
    await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
    // The session state is cached at /authorize for a few seconds: the check below answers "active" from the
    // request above, though the user has signed out since. The mint finds the session ended.
    h.double.endSession(sessionId);
    const verifier = randomBytes(32).toString('base64url');
    const res = await fetch(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, verifier), { redirect: 'manual', headers: { cookie: browser.cookieHeader() } });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.pathname, '/sign-in', location.href);
    assert.equal(location.searchParams.get('code'), null);
  });
});

describe('a grant ends when its Clerk session does', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('clerkToken() after sign-out throws, and the grant is revoked: the access token is refused, refresh is invalid_grant', async () => {
    const clientId = await h.registerPublicClient({ redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] });
    const { browser, sessionId } = await h.signedInBrowser();
    const { code, verifier } = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
    const tokens = (await exchange(h.issuerUrl, clientId, code, verifier)).body;
    const auth = await h.issuer.verifyAccessToken(tokens.access_token);
    assert.equal(typeof (await h.issuer.clerkToken(auth)), 'string');

    h.double.endSession(sessionId);
    await assert.rejects(h.issuer.clerkToken(auth), (error: Error & { error?: string; description?: string }) => {
      assert.equal(error.error, 'invalid_grant');
      assert.doesNotMatch(String(error.description), /sess_/);
      return true;
    });
    assert.equal((await whoami(h.mcpUrl, tokens.access_token)).status, 401);
    const refused = await refresh(h.issuerUrl, clientId, tokens.refresh_token);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
  });

  it("the refresh error after sign-out says the sign-in session ended, without Clerk ids", async () => {
    const clientId = await h.registerPublicClient({ redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] });
    const { browser, sessionId } = await h.signedInBrowser();
    const { code, verifier } = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
    const tokens = (await exchange(h.issuerUrl, clientId, code, verifier)).body;
    h.double.endSession(sessionId);
    const refused = await refresh(h.issuerUrl, clientId, tokens.refresh_token);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.match(String((refused.body as { error_description?: string }).error_description), /sign-in session ended/);
    assert.doesNotMatch(JSON.stringify(refused.body), /sess_|user_/);
    assert.equal((await whoami(h.mcpUrl, tokens.access_token)).status, 401);
  });

  it('a rotated refresh token presented with a wider scope is reuse: invalid_grant, and the family is revoked', async () => {
    const clientId = await h.registerPublicClient({ redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] });
    const { browser } = await h.signedInBrowser();
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, verifier));
    url.searchParams.set('scope', 'openid mcp:tools');
    const code = (await browser.authorize(url.href))!.searchParams.get('code')!;
    const first = (await exchange(h.issuerUrl, clientId, code, verifier)).body;
    const second = (await refresh(h.issuerUrl, clientId, first.refresh_token)).body;
    const third = (await refresh(h.issuerUrl, clientId, second.refresh_token)).body;
    assert.ok(third.refresh_token);

    // `first` is two rotations old (outside any grace window): a thief's copy. The wider scope must not answer first.
    const stolen = await fetch(`${h.issuerUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: first.refresh_token, scope: 'openid mcp:tools email' }),
    });
    assert.equal(stolen.status, 400);
    assert.equal((await stolen.json()).error, 'invalid_grant');
    assert.equal((await refresh(h.issuerUrl, clientId, third.refresh_token)).body.error, 'invalid_grant');
    assert.equal((await whoami(h.mcpUrl, third.access_token)).status, 401);
  });
});
