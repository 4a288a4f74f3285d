/**
 * With Clerk webhooks mounted, a refresh trusts what Clerk confirmed recently (SPEC §11 "Clerk calls are bounded";
 * issue 14 item 2): no Clerk call while the kept confirmation is younger than `clerk.claimsMaxAge`, because a
 * session that ends is reported by `session.ended` and ends the grant at once. Older than that, or without
 * webhooks, the refresh asks Clerk once. Counted with the Clerk double's own request log.
 */
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';
import { authorize, exchange, refresh, REDIRECT } from '../support/oauthSteps.js';

const SIGNING_SECRET = `whsec_${Buffer.from('refresh-trusts-webhooks-secret!!').toString('base64')}`;

async function grant(h: Harness) {
  const clientId = await h.registerPublicClient({ redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] });
  const { browser, sessionId } = await h.signedInBrowser();
  const { code, verifier } = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
  const tokens = await exchange(h.issuerUrl, clientId, code, verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  return { clientId, sessionId, refreshToken: tokens.body.refresh_token as string };
}

async function countedRefresh(h: Harness, clientId: string, refreshToken: string) {
  const from = h.double.requests.length;
  const res = await refresh(h.issuerUrl, clientId, refreshToken);
  return { res, calls: h.double.requests.length - from };
}

describe('refresh with Clerk webhooks mounted: no Clerk call while the kept confirmation is fresh', () => {
  it('webhooks mounted, within clerk.claimsMaxAge: refreshes make no Clerk call and keep the id_token claims', async () => {
    const h = await startHarness();
    try {
      h.app.post('/webhooks/clerk', h.issuer.clerkWebhooks({ signingSecret: SIGNING_SECRET }));
      const { clientId, refreshToken } = await grant(h);
      const first = await countedRefresh(h, clientId, refreshToken);
      assert.equal(first.res.status, 200, JSON.stringify(first.res.body));
      const second = await countedRefresh(h, clientId, first.res.body.refresh_token);
      assert.equal(second.res.status, 200);
      console.log(`      clerk calls per refresh with webhooks (claims fresh): ${first.calls}, ${second.calls}`);
      assert.deepEqual([first.calls, second.calls], [0, 0]);
      const idToken = JSON.parse(Buffer.from(second.res.body.id_token!.split('.')[1], 'base64url').toString());
      assert.equal(idToken.email, 'alice@example.com');
    } finally {
      await h.close();
    }
  });

  it('webhooks mounted, clerk.claimsMaxAge 0: every refresh asks Clerk once, and a signed-out session ends the grant', async () => {
    const h = await startHarness({ clerk: { claimsMaxAge: 0 } });
    try {
      h.app.post('/webhooks/clerk', h.issuer.clerkWebhooks({ signingSecret: SIGNING_SECRET }));
      const { clientId, sessionId, refreshToken } = await grant(h);
      const first = await countedRefresh(h, clientId, refreshToken);
      assert.equal(first.res.status, 200);
      assert.equal(first.calls, 1);
      h.double.endSession(sessionId);
      const after = await countedRefresh(h, clientId, first.res.body.refresh_token);
      assert.equal(after.res.status, 400);
      assert.equal(after.res.body.error, 'invalid_grant');
    } finally {
      await h.close();
    }
  });

  it('without webhooks: a refresh right after the exchange still asks Clerk (the session may have ended unreported)', async () => {
    const h = await startHarness();
    try {
      const { clientId, refreshToken } = await grant(h);
      const first = await countedRefresh(h, clientId, refreshToken);
      assert.equal(first.res.status, 200);
      assert.equal(first.calls, 1);
    } finally {
      await h.close();
    }
  });
});
