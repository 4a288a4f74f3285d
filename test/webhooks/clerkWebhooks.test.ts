/**
 * Clerk webhooks end grants (SPEC §11 "A grant ends when its Clerk session does"; issue 12 item 3): signed
 * deliveries (signed by the `standardwebhooks` library, as Svix signs them) of `session.ended|removed|revoked`
 * end that session's grants, `user.deleted` every grant of the user; tampered, stale, unsigned and replayed
 * deliveries change nothing. Real tokens through the real flow; refusals seen at the MCP endpoint and at /token.
 */
import assert from 'node:assert/strict';
import express from 'express';
import { decodeJwt } from 'jose';
import { ConfigurationError } from '../../src/index.js';
import { KEYS } from '../../src/grants/grant.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describeWithStores } from '../support/stores.js';
import { authorize, exchange, refresh, register, whoami, type TokenSet } from '../support/oauthSteps.js';
import { clerkEvent, deliver, sessionData, webhookSecret } from '../support/clerkWebhook.js';
import type { UserAgent } from '../support/userAgent.js';

const ALICE = 'user_test_alice';
const BOB = 'user_test_bob';

describeWithStores('Clerk webhooks end grants', () => {
  let h: Harness;
  let secret: string;
  let hookUrl: string;

  before(async () => {
    h = await startHarness();
    secret = webhookSecret();
    h.app.post('/webhooks/clerk', h.issuer.clerkWebhooks({ signingSecret: secret }));
    hookUrl = `${h.origin}/webhooks/clerk`;
    if (!h.double.users.has(BOB)) h.double.createUser({ id: BOB, email: 'bob@example.com' });
  });
  after(() => h?.close());

  /** A grant for a new client in the browser's Clerk session, through register → authorize → exchange. */
  async function grant(browser: UserAgent, clientId?: string): Promise<{ clientId: string; tokens: TokenSet }> {
    clientId ??= (await register(h.issuerUrl)).body.client_id;
    const { code, verifier } = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
    const tokens = await exchange(h.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    return { clientId, tokens: tokens.body };
  }

  /** The grant still works: the MCP endpoint answers and the refresh token rotates. Returns the new tokens. */
  async function assertAlive(g: { clientId: string; tokens: TokenSet }, userId = ALICE): Promise<void> {
    assert.deepEqual(await whoami(h.mcpUrl, g.tokens.access_token), { status: 200, userId });
    const refreshed = await refresh(h.issuerUrl, g.clientId, g.tokens.refresh_token);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    g.tokens = refreshed.body;
  }

  async function assertEnded(g: { clientId: string; tokens: TokenSet }): Promise<void> {
    assert.deepEqual(await whoami(h.mcpUrl, g.tokens.access_token), { status: 401 });
    const refreshed = await refresh(h.issuerUrl, g.clientId, g.tokens.refresh_token);
    assert.equal(refreshed.status, 400);
    assert.equal(refreshed.body.error, 'invalid_grant');
  }

  it('session.ended ends every grant bound to that session (every client), and no other', async () => {
    const { browser, sessionId } = await h.signedInBrowser(ALICE);
    const first = await grant(browser);
    const second = await grant(browser);
    const otherSession = await grant((await h.signedInBrowser(ALICE)).browser);
    assert.equal(decodeJwt(first.tokens.access_token).sid, sessionId);

    h.double.endSession(sessionId);
    const delivery = await deliver(hookUrl, clerkEvent('session.ended', sessionData(sessionId, ALICE, 'ended')), { secret });
    assert.equal(delivery.status, 200);
    assert.deepEqual(delivery.body, { received: true, grantsEnded: 2 });

    await assertEnded(first);
    await assertEnded(second);
    await assertAlive(otherSession);
  });

  for (const type of ['session.removed', 'session.revoked'] as const) {
    it(`${type} ends the session's grants`, async () => {
      const { browser, sessionId } = await h.signedInBrowser(ALICE);
      const g = await grant(browser);
      await assertAlive(g);
      const delivery = await deliver(hookUrl, clerkEvent(type, sessionData(sessionId, ALICE, type.split('.')[1])), { secret });
      assert.deepEqual([delivery.status, delivery.body], [200, { received: true, grantsEnded: 1 }]);
      await assertEnded(g);
    });
  }

  it('user.deleted ends every grant of the user, across sessions and clients; other users keep theirs', async () => {
    const carol = h.double.createUser({ email: `carol${Date.now()}@example.com` }).id;
    const one = await grant((await h.signedInBrowser(carol)).browser);
    const two = await grant((await h.signedInBrowser(carol)).browser);
    const bobs = await grant((await h.signedInBrowser(BOB)).browser);
    assert.equal((await h.issuer.grants.list({ userId: carol })).length, 2);

    const delivery = await deliver(hookUrl, clerkEvent('user.deleted', { deleted: true, id: carol, object: 'user' }), { secret });
    assert.deepEqual([delivery.status, delivery.body], [200, { received: true, grantsEnded: 2 }]);

    await assertEnded(one);
    await assertEnded(two);
    assert.deepEqual(await h.issuer.grants.list({ userId: carol }), []);
    await assertAlive(bobs, BOB);
  });

  it('tampered, stale, unsigned and wrongly keyed deliveries answer 400 and change nothing', async () => {
    const { browser, sessionId } = await h.signedInBrowser(ALICE);
    const g = await grant(browser);
    const ended = clerkEvent('session.ended', sessionData(sessionId, ALICE, 'ended'));
    const cases = [
      {
        name: 'tampered',
        options: { secret, tamper: (body: string) => body.replace('"ended"', '"ended" ') },
        description: 'the webhook signature does not verify',
      },
      { name: 'stale (signed 10 minutes ago)', options: { secret, at: new Date(Date.now() - 600_000) }, description: 'the webhook timestamp is outside the tolerance' },
      { name: 'from the future', options: { secret, at: new Date(Date.now() + 600_000) }, description: 'the webhook timestamp is outside the tolerance' },
      { name: 'unsigned', options: { secret, unsigned: true }, description: 'the webhook is not signed (svix-id, svix-timestamp and svix-signature are required)' },
      { name: 'signed with another secret', options: { secret: webhookSecret() }, description: 'the webhook signature does not verify' },
    ];
    for (const { name, options, description } of cases) {
      const delivery = await deliver(hookUrl, ended, options);
      assert.equal(delivery.status, 400, name);
      assert.deepEqual(delivery.body, { error: 'invalid_request', error_description: description }, name);
      assert.equal(JSON.stringify(delivery.body).includes(sessionId), false, 'no Clerk id in the error');
    }
    await assertAlive(g);
  });

  it('a replayed delivery id is acknowledged (200, as Svix expects for a retry) and not processed again', async () => {
    const { browser, sessionId } = await h.signedInBrowser(ALICE);
    const g = await grant(browser);
    const first = await deliver(hookUrl, clerkEvent('session.ended', sessionData(sessionId, ALICE, 'ended')), { secret });
    assert.deepEqual(first.body, { received: true, grantsEnded: 1 });
    const replay = await deliver(hookUrl, clerkEvent('session.ended', sessionData(sessionId, ALICE, 'ended')), { secret, id: first.id });
    assert.deepEqual([replay.status, replay.body], [200, { received: true, duplicate: true }]);
    await assertEnded(g);
  });

  it('unknown events answer 200 and are ignored; organization events end no grant that is not bound to the organization', async () => {
    const { browser } = await h.signedInBrowser(ALICE);
    const g = await grant(browser);
    for (const [type, data] of [
      ['user.created', { id: 'user_new', object: 'user' }],
      ['session.created', sessionData('sess_other', ALICE, 'active')],
      ['organizationMembership.deleted', { id: 'orgmem_1', object: 'organization_membership' }],
      ['something.new', {}],
    ] as const) {
      const delivery = await deliver(hookUrl, clerkEvent(type, data), { secret });
      assert.deepEqual([delivery.status, delivery.body], [200, { received: true, ignored: true }], type);
    }
    const orgDeleted = await deliver(hookUrl, clerkEvent('organization.deleted', { deleted: true, id: 'org_test_acme', object: 'organization' }), { secret });
    assert.deepEqual([orgDeleted.status, orgDeleted.body], [200, { received: true, grantsEnded: 0 }]);
    await assertAlive(g);
  });

  it('a code redeemed after its session ended yields tokens that are dead on arrival', async () => {
    const { browser, sessionId } = await h.signedInBrowser(ALICE);
    const clientId = (await register(h.issuerUrl)).body.client_id;
    const { code, verifier } = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
    const delivery = await deliver(hookUrl, clerkEvent('session.ended', sessionData(sessionId, ALICE, 'ended')), { secret });
    assert.deepEqual(delivery.body, { received: true, grantsEnded: 0 });
    // The exchange makes no Clerk call (SPEC §11), so it issues; the index write then finds the session's end.
    const tokens = await exchange(h.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200);
    await assertEnded({ clientId, tokens: tokens.body });
  });

  it('answers 405 to other methods and refuses to start without a signing secret', async () => {
    h.app.all('/webhooks/any', h.issuer.clerkWebhooks({ signingSecret: secret }));
    const res = await fetch(`${h.origin}/webhooks/any`, { method: 'GET' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
    const saved = process.env.CLERK_WEBHOOK_SIGNING_SECRET;
    delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
    try {
      assert.throws(() => h.issuer.clerkWebhooks(), ConfigurationError);
    } finally {
      if (saved !== undefined) process.env.CLERK_WEBHOOK_SIGNING_SECRET = saved;
    }
  });

  it('mounted after a JSON parser (the signed bytes are gone), it answers 500 and says how to mount it', async () => {
    const { browser, sessionId } = await h.signedInBrowser(ALICE);
    const g = await grant(browser);
    h.app.post('/webhooks/parsed', express.json(), h.issuer.clerkWebhooks({ signingSecret: secret }));
    const delivery = await deliver(`${h.origin}/webhooks/parsed`, clerkEvent('session.ended', sessionData(sessionId, ALICE, 'ended')), { secret });
    assert.deepEqual([delivery.status, delivery.body], [500, { error: 'server_error', error_description: 'the webhook endpoint is misconfigured' }]);
    await assertAlive(g);
  });

  describe('grants API', () => {
    it('grants.list() shows the user’s live grants without session ids; grants.revoke() ends a client’s and forgets consent', async () => {
      const dave = h.double.createUser({ email: `dave${Date.now()}@example.com` }).id;
      const { browser } = await h.signedInBrowser(dave);
      const before = Math.floor(Date.now() / 1000);
      const a1 = await grant(browser);
      const a2 = await grant((await h.signedInBrowser(dave)).browser, a1.clientId);
      const b = await grant(browser);

      const listed = await h.issuer.grants.list({ userId: dave });
      assert.equal(listed.length, 3);
      for (const entry of listed) {
        assert.deepEqual(Object.keys(entry).sort(), ['authTime', 'clientId', 'clientName', 'createdAt', 'expiresAt', 'lastUsedAt', 'redirectHost', 'scopes']);
        assert.deepEqual(entry.scopes, ['openid', 'profile', 'email', 'mcp:tools']);
        assert.deepEqual([entry.clientName, entry.redirectHost, entry.lastUsedAt], ['redis test', '127.0.0.1:53690', entry.createdAt]);
        assert.ok(entry.createdAt >= before && entry.expiresAt === entry.createdAt + h.issuer.config.lifetimes.refreshToken);
      }
      assert.deepEqual(listed.map((e) => e.clientId).sort(), [a1.clientId, a1.clientId, b.clientId].sort());
      assert.ok(await h.issuer.store.get(KEYS.consent(dave, a1.clientId)), 'consent remembered');

      assert.deepEqual(await h.issuer.grants.revoke({ userId: dave, clientId: a1.clientId }), { grantsEnded: 2 });
      await assertEnded(a1);
      await assertEnded(a2);
      await assertAlive(b, dave);
      assert.equal(await h.issuer.store.get(KEYS.consent(dave, a1.clientId)), undefined, 'consent forgotten');
      assert.deepEqual((await h.issuer.grants.list({ userId: dave })).map((e) => e.clientId), [b.clientId]);
      assert.deepEqual(await h.issuer.grants.revoke({ userId: dave, clientId: a1.clientId }), { grantsEnded: 0 });
    });
  });
});
