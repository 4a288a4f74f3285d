/**
 * Clerk's organization webhooks end org-bound grants at once (SPEC §11): `organizationMembership.deleted` ends the
 * user's grants for that organization (and no other grant), `organization.deleted` every grant acting for it.
 * Deliveries are signed by the `standardwebhooks` library, as Svix signs them; payloads in Clerk's shapes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startHarness, type Harness } from '../support/harness.js';
import { describeWithStores } from '../support/stores.js';
import { authorizationUrl, exchange, refresh, register, whoami, type TokenSet } from '../support/oauthSteps.js';
import { clerkEvent, deliver, webhookSecret } from '../support/clerkWebhook.js';

const ALICE = 'user_test_alice';
const ACME = 'org_test_acme';
const GLOBEX = 'org_test_globex';

/** `organizationMembership.deleted` data: an OrganizationMembership with its organization and public user data. */
function membershipData(orgId: string, userId: string): Record<string, unknown> {
  const now = Date.now();
  return {
    id: 'orgmem_test',
    object: 'organization_membership',
    role: 'org:member',
    permissions: [],
    public_metadata: {},
    organization: { id: orgId, object: 'organization', name: 'Org', slug: 'org', created_at: now, updated_at: now },
    public_user_data: { user_id: userId, first_name: 'Alice', last_name: 'Example', identifier: 'alice@example.com', image_url: '', has_image: false },
    created_at: now,
    updated_at: now,
  };
}

describeWithStores('Clerk organization webhooks end org-bound grants', () => {
  let h: Harness;
  let secret: string;
  let hookUrl: string;

  before(async () => {
    h = await startHarness({ options: { organizations: 'optional' } });
    secret = webhookSecret();
    h.app.post('/webhooks/clerk', h.issuer.clerkWebhooks({ signingSecret: secret }));
    hookUrl = `${h.origin}/webhooks/clerk`;
  });
  after(() => h?.close());

  async function grant(organization: string): Promise<{ clientId: string; tokens: TokenSet }> {
    const { browser } = await h.signedInBrowser(ALICE);
    browser.organization = organization;
    const clientId = (await register(h.issuerUrl)).body.client_id;
    const verifier = randomBytes(32).toString('base64url');
    const code = (await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, verifier)))?.searchParams.get('code');
    assert.ok(code);
    const tokens = await exchange(h.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200);
    return { clientId, tokens: tokens.body };
  }

  async function alive(g: { clientId: string; tokens: TokenSet }): Promise<boolean> {
    return (await whoami(h.mcpUrl, g.tokens.access_token)).status === 200;
  }

  it('organizationMembership.deleted ends that user\'s grants for that organization, and no other', async () => {
    const acme = await grant(ACME);
    const globex = await grant(GLOBEX);
    const personal = await grant('');
    const delivery = await deliver(hookUrl, clerkEvent('organizationMembership.deleted', membershipData(ACME, ALICE)), { secret });
    assert.deepEqual([delivery.status, delivery.body], [200, { received: true, grantsEnded: 1 }]);
    assert.equal(await alive(acme), false);
    const refreshed = await refresh(h.issuerUrl, acme.clientId, acme.tokens.refresh_token);
    assert.deepEqual([refreshed.status, refreshed.body.error], [400, 'invalid_grant']);
    assert.equal(await alive(globex), true);
    assert.equal(await alive(personal), true);
  });

  it('organization.deleted ends every grant acting for it; a code exchanged afterwards is dead on arrival', async () => {
    const clientId = (await register(h.issuerUrl)).body.client_id;
    const { browser } = await h.signedInBrowser(ALICE);
    browser.organization = GLOBEX;
    const verifier = randomBytes(32).toString('base64url');
    const code = (await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, verifier)))?.searchParams.get('code');
    assert.ok(code);
    const live = await grant(GLOBEX);

    const delivery = await deliver(hookUrl, clerkEvent('organization.deleted', { deleted: true, id: GLOBEX, object: 'organization' }), { secret });
    // This one and the Globex grant of the test before.
    assert.deepEqual([delivery.status, delivery.body], [200, { received: true, grantsEnded: 2 }]);
    assert.equal(await alive(live), false);

    // The exchange makes no Clerk call; the grant index finds the organization's end marker.
    const late = await exchange(h.issuerUrl, clientId, code, verifier);
    assert.equal(late.status, 200);
    assert.equal(await alive({ clientId, tokens: late.body }), false);
  });
});
