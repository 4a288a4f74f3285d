/**
 * The whole webhook path with no Clerk account (issue 12 item 3): the example app with a webhook signing secret
 * mounts `POST /webhooks/clerk`, and signing out of the dev stand-in at `/__clerk/sign-out` delivers a signed
 * `session.ended` there, so the user's access token is refused at once (not at the next refresh).
 */
import assert from 'node:assert/strict';
import { createExampleApp, type ExampleApp } from '../../examples/app.js';
import { getAccessToken, startLoopbackServer, type LoopbackServer } from '../../src/testing/index.js';
import { whoami } from '../support/oauthSteps.js';
import { webhookSecret } from '../support/clerkWebhook.js';

describe('example: signing out of the dev stand-in ends grants through the Clerk webhook', () => {
  let server: LoopbackServer;
  let example: ExampleApp;
  before(async () => {
    server = await startLoopbackServer();
    example = await createExampleApp({ publicUrl: server.origin, webhookSigningSecret: webhookSecret(), logLevel: 'error' });
    server.serve(example.app);
  });
  after(() => server?.close());

  it('mounts POST /webhooks/clerk, which refuses an unsigned delivery', async () => {
    assert.equal(example.webhookUrl, `${server.origin}/webhooks/clerk`);
    const res = await fetch(example.webhookUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"session.ended","data":{"id":"sess_x"}}' });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_request', error_description: 'the webhook is not signed (svix-id, svix-timestamp and svix-signature are required)' });
  });

  it('POST /__clerk/sign-out delivers a signed session.ended: the access token gets 401, the refresh token invalid_grant', async () => {
    const devClerk = example.devClerk!;
    // The browser's Clerk cookie, as the stand-in set it when the helper signed the user in.
    let cookie = '';
    const signIn = async (userId: string) => {
      const signedIn = await devClerk.signIn(userId);
      cookie = signedIn.cookie;
      return signedIn;
    };
    const tokens = await getAccessToken({ baseUrl: server.origin, devClerk: { signIn }, scopes: ['mcp:tools'] });
    assert.equal((await whoami(example.mcpUrl, tokens.accessToken)).status, 200);

    // What a person does: open /__clerk/sign-out, press the button (its form posts back to the same path).
    const page = await fetch(`${server.origin}/__clerk/sign-out`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post" action="\/__clerk\/sign-out">/);
    const signOut = await fetch(`${server.origin}/__clerk/sign-out`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    await signOut.body?.cancel();
    assert.equal(signOut.status, 303);
    assert.deepEqual(await whoami(example.mcpUrl, tokens.accessToken), { status: 401 });
    assert.ok(tokens.refreshToken, 'the helper client gets a refresh token');
    const refreshed = await fetch(`${server.origin}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: tokens.clientId, refresh_token: tokens.refreshToken }),
    });
    assert.deepEqual([refreshed.status, ((await refreshed.json()) as { error: string }).error], [400, 'invalid_grant']);
  });
});
