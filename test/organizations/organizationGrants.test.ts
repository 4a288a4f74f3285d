/**
 * Organization-scoped grants (issue 13 part 1, SPEC §11 Organizations), through the real flow: the consent page
 * offers Alice's memberships (the session's active organization preselected), the choice is fixed in the grant,
 * tokens carry the grant's organization in Clerk's claim names (never the session's current one), and each refresh
 * checks the membership again (role change → new claims; removed → invalid_grant). The MCP SDK client's tool
 * handler sees `org_id` in its `authInfo`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createClerkClient } from '@clerk/backend';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { decodeJwt } from 'jose';
import { statelessMcpHandler } from '../../examples/statelessMcp.js';
import { clerkAuth, ClerkTokenOrganizationError } from '../../src/index.js';
import { resolveConfig } from '../../src/config/options.js';
import { readConsentForm } from '../../src/testing/consentForm.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describeWithStores } from '../support/stores.js';
import { authorizationUrl, exchange, refresh, register, whoami, REDIRECT } from '../support/oauthSteps.js';
import type { UserAgent } from '../support/userAgent.js';

const ALICE = 'user_test_alice';
const BOB = 'user_test_bob';
const ACME = 'org_test_acme';
const GLOBEX = 'org_test_globex';
const ADMIN_PERMISSIONS = [
  'org:sys_profile:manage',
  'org:sys_profile:delete',
  'org:sys_memberships:read',
  'org:sys_memberships:manage',
  'org:sys_domains:read',
  'org:sys_domains:manage',
];

/** Adds Clerk's org shortcodes to the kit's template, as a template author would: the kit must override them. */
async function addOrgShortcodes(h: Harness): Promise<void> {
  const clerk = createClerkClient({ secretKey: h.double.secretKey, apiUrl: h.double.apiUrl });
  const template = (await clerk.jwtTemplates.list()).data.find((t) => t.name === 'mcp-id-token')!;
  await clerk.jwtTemplates.update({
    templateId: template.id,
    name: template.name,
    claims: { ...template.claims, org_id: '{{org.id}}', org_slug: '{{org.slug}}', org_role: '{{org.role}}', org_name: '{{org.name}}' },
  });
}

/** A browser whose session has `activeOrg` active, as after `setActive({ organization })`. */
async function browserIn(h: Harness, userId: string, activeOrg: string | null): Promise<{ browser: UserAgent; sessionId: string }> {
  const signedIn = await h.signedInBrowser(userId);
  if (activeOrg !== null) {
    h.double.setActiveOrganization(signedIn.sessionId, activeOrg);
    signedIn.browser.setCookieHeader(await h.double.sessionCookie(signedIn.sessionId));
  }
  return signedIn;
}

/** The organization claims of a token: exactly those, so a stray one shows. */
function orgClaims(token: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(decodeJwt(token)).filter(([name]) => name.startsWith('org_')));
}

/** register → authorize (choosing `organization`, or the preselected one) → exchange. */
async function grantIn(h: Harness, browser: UserAgent, organization?: string) {
  const clientId = (await register(h.issuerUrl)).body.client_id;
  const verifier = randomBytes(32).toString('base64url');
  browser.organization = organization;
  const callback = await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, verifier));
  const code = callback?.searchParams.get('code');
  assert.ok(code, `a code (last page: ${browser.lastPage?.status} ${browser.lastPage?.html.slice(0, 300)})`);
  const tokens = await exchange(h.issuerUrl, clientId, code, verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  return { clientId, tokens: tokens.body };
}

describeWithStores('Organization-scoped grants (organizations: optional)', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ options: { organizations: 'optional' } });
    await addOrgShortcodes(h);
  });
  after(() => h?.close());

  const grant = (browser: UserAgent, organization?: string) => grantIn(h, browser, organization);

  it('the option accepts false, optional and required, and refuses anything else at startup', () => {
    const base = { issuer: 'https://mcp.example.com', resource: 'https://mcp.example.com/mcp', dev: true, clerk: { secretKey: 'sk_test_x', publishableKey: 'pk_test_x', signInUrl: '/sign-in' } };
    assert.equal(resolveConfig(base, {}).organizations, false);
    assert.equal(resolveConfig({ ...base, organizations: 'required' }, {}).organizations, 'required');
    assert.throws(() => resolveConfig({ ...base, organizations: 'sometimes' as never }, {}), /organizations must be false, 'optional' or 'required'/);
  });

  it('the consent page lists the memberships (Clerk BAPI) with the session\'s active organization preselected, and the personal account', async () => {
    const { browser } = await browserIn(h, ALICE, GLOBEX);
    const clientId = (await register(h.issuerUrl)).body.client_id;
    await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, 'v'.repeat(43)), 'stop');
    const form = readConsentForm(browser.lastPage!.html);
    assert.deepEqual(form?.organizations, { values: [GLOBEX, ACME, ''], selected: GLOBEX });
    assert.match(browser.lastPage!.html, /Acme Corp<\/strong> <span class="muted">admin/);
    assert.match(browser.lastPage!.html, /Globex<\/strong> <span class="muted">member/);
    // No organization field among the hidden ones: the user's choice is not part of the signed request.
    assert.equal(form?.fields.some(([name]) => name === 'organization'), false);

    const bob = await browserIn(h, BOB, null);
    await bob.browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, 'v'.repeat(43)), 'stop');
    assert.deepEqual(readConsentForm(bob.browser.lastPage!.html)?.organizations, { values: [''], selected: '' });
  });

  it('tokens carry the chosen organization in Clerk\'s claim names, not the session\'s active one; the id_token\'s template org claims are replaced', async () => {
    const { browser } = await browserIn(h, ALICE, GLOBEX);
    const { tokens } = await grant(browser, ACME);
    const expected = { org_id: ACME, org_name: 'Acme Corp', org_slug: 'acme', org_role: 'org:admin', org_permissions: ADMIN_PERMISSIONS };
    assert.deepEqual(orgClaims(tokens.access_token), expected);
    assert.deepEqual(orgClaims(tokens.id_token!), expected);
    const userinfo = await (await fetch(`${h.issuerUrl}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json();
    assert.equal(userinfo.org_id, ACME);
  });

  it('the personal account: no org claims at all, even with an organization active in the session', async () => {
    const { browser } = await browserIn(h, ALICE, GLOBEX);
    const { tokens } = await grant(browser, '');
    assert.deepEqual(orgClaims(tokens.access_token), {});
    assert.deepEqual(orgClaims(tokens.id_token!), {});
  });

  it('a forged organization in the consent post (not a membership) is refused with a page, no code', async () => {
    const bob = await browserIn(h, BOB, null);
    const clientId = (await register(h.issuerUrl)).body.client_id;
    bob.browser.organization = ACME;
    const callback = await bob.browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, 'v'.repeat(43)));
    assert.equal(callback, undefined);
    assert.equal(bob.browser.lastPage?.status, 400);
    assert.match(bob.browser.lastPage!.html, /choose one of your organizations/);
  });

  it('Chromium-free walk of the issue: switch the active org → refresh still says org 1; role change → new role; removed → invalid_grant', async () => {
    const { browser, sessionId } = await browserIn(h, ALICE, ACME);
    // A fresh organization so the removal does not disturb the other tests.
    h.double.createOrganization({ id: 'org_test_initech', name: 'Initech' });
    h.double.addMembership('org_test_initech', ALICE, 'org:admin');
    h.double.setActiveOrganization(sessionId, 'org_test_initech');
    browser.setCookieHeader(await h.double.sessionCookie(sessionId));
    const g = await grant(browser);
    assert.equal(decodeJwt(g.tokens.access_token).org_id, 'org_test_initech');

    // The user switches organization in the web app: the grant does not follow.
    h.double.setActiveOrganization(sessionId, GLOBEX);
    const before = h.double.requests.length;
    const first = await refresh(h.issuerUrl, g.clientId, g.tokens.refresh_token);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(decodeJwt(first.body.access_token).org_id, 'org_test_initech');
    assert.equal(decodeJwt(first.body.id_token!).org_id, 'org_test_initech');
    // SPEC §11 bound: an org-bound refresh makes two Clerk calls (session + claims, membership).
    assert.deepEqual(
      h.double.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/sess_\w+/, ':sid').replace(/org_\w+/, ':org')}`),
      ['GET /v1/organizations/:org/memberships', 'POST /v1/sessions/:sid/tokens/mcp-id-token'],
    );

    h.double.setMembershipRole('org_test_initech', ALICE, 'org:member');
    const second = await refresh(h.issuerUrl, g.clientId, first.body.refresh_token!);
    assert.equal(second.status, 200);
    assert.deepEqual(
      [decodeJwt(second.body.access_token).org_role, decodeJwt(second.body.access_token).org_permissions, decodeJwt(second.body.id_token!).org_role],
      ['org:member', ['org:sys_memberships:read'], 'org:member'],
    );

    h.double.removeMembership('org_test_initech', ALICE);
    const third = await refresh(h.issuerUrl, g.clientId, second.body.refresh_token!);
    assert.deepEqual([third.status, third.body.error], [400, 'invalid_grant']);
    assert.doesNotMatch(String((third.body as { error_description?: string }).error_description), /org_|user_|sess_/);
    // The grant is over: its last access token too.
    assert.deepEqual(await whoami(h.mcpUrl, second.body.access_token), { status: 401 });
  });

  it('the MCP SDK client\'s tool handler sees org_id (and role, permissions) in authInfo', async () => {
    h.app.post(
      '/mcp-org',
      h.issuer.requireBearer(),
      (await import('express')).default.json(),
      statelessMcpHandler(() => {
        const server = new McpServer({ name: 'org', version: '1.0.0' });
        server.registerTool('organization', { description: 'The grant\'s organization' }, async ({ authInfo }) => {
          const { orgId, orgRole, orgPermissions } = clerkAuth(authInfo);
          return { content: [{ type: 'text', text: JSON.stringify({ org_id: authInfo?.extra?.orgId, orgId, orgRole, orgPermissions }) }] };
        });
        return server;
      }),
    );
    const { browser } = await browserIn(h, ALICE, GLOBEX);
    const { tokens } = await grant(browser, ACME);
    const client = new Client({ name: 'org-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${h.origin}/mcp-org`), { requestInit: { headers: { authorization: `Bearer ${tokens.access_token}` } } }));
    try {
      const result = await client.callTool({ name: 'organization', arguments: {} });
      const [content] = result.content as Array<{ text: string }>;
      assert.deepEqual(JSON.parse(content.text), { org_id: ACME, orgId: ACME, orgRole: 'org:admin', orgPermissions: ADMIN_PERMISSIONS });
    } finally {
      await client.close();
    }
  });

  it('clerkToken() refuses a Clerk token for another organization than the grant\'s, and hands it out once they agree', async () => {
    const { browser, sessionId } = await browserIn(h, ALICE, GLOBEX);
    const { tokens } = await grant(browser, ACME);
    const authInfo = await h.issuer.verifyAccessToken(tokens.access_token);
    await assert.rejects(h.issuer.clerkToken(authInfo), ClerkTokenOrganizationError);
    h.double.setActiveOrganization(sessionId, ACME);
    const token = await h.issuer.clerkToken(authInfo);
    assert.deepEqual(decodeJwt(token).o, { id: ACME, slg: 'acme', rol: 'admin' });
  });

  it('consent is remembered per organization; the remembered one is preselected again and prompt=none reuses it', async () => {
    const { browser } = await browserIn(h, ALICE, GLOBEX);
    // A public client on an https redirect: its identity is assured, so remembered consent answers silently.
    const redirectUri = 'https://client.example/callback';
    const clientId = await h.registerPublicClient({ redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'] });
    const url = (prompt?: string) => {
      const verifier = randomBytes(32).toString('base64url');
      const u = new URL(`${h.issuerUrl}/authorize`);
      u.search = new URLSearchParams({
        client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid mcp:tools', state: 'st', resource: h.mcpUrl,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', ...(prompt ? { prompt } : {}),
      }).toString();
      return { href: u.href, verifier };
    };
    browser.organization = ACME;
    const first = url();
    const callback = await browser.authorize(first.href);
    assert.ok(callback?.searchParams.get('code'));
    browser.organization = undefined;

    const silent = url('none');
    const again = await browser.authorize(silent.href);
    assert.ok(again?.searchParams.get('code'), 'prompt=none issued a code');
    const tokens = await (await fetch(`${h.issuerUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: again!.searchParams.get('code')!, code_verifier: silent.verifier, redirect_uri: redirectUri }),
    })).json();
    assert.equal(decodeJwt(tokens.access_token).org_id, ACME, 'the remembered organization, not the active one');

    // prompt=consent asks afresh: the session's active organization is preselected again.
    await browser.authorize(url('consent').href, 'stop');
    assert.equal(readConsentForm(browser.lastPage!.html)?.organizations?.selected, GLOBEX);

    // A loopback client cannot be verified, so it is asked again (RFC 8252 §8.6): the remembered organization is
    // preselected, not the active one, and prompt=none answers consent_required.
    const loopback = await grant(browser, ACME);
    browser.organization = undefined;
    await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, loopback.clientId, 'v'.repeat(43)), 'stop');
    assert.match(browser.lastPage!.html, /id="asks-again"/);
    assert.equal(readConsentForm(browser.lastPage!.html)?.organizations?.selected, ACME);
    const none = new URL(authorizationUrl(h.issuerUrl, h.mcpUrl, loopback.clientId, 'v'.repeat(43)));
    none.searchParams.set('prompt', 'none');
    assert.equal((await browser.authorize(none.href))?.searchParams.get('error'), 'consent_required');
  });
});

describeWithStores('Organization-scoped grants (organizations: required)', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ options: { organizations: 'required' } });
  });
  after(() => h?.close());

  it('no personal account to choose; a user in no organization gets a clear page, and the client access_denied', async () => {
    const clientId = (await register(h.issuerUrl)).body.client_id;
    const alice = await browserIn(h, ALICE, null);
    await alice.browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, 'v'.repeat(43)), 'stop');
    const form = readConsentForm(alice.browser.lastPage!.html);
    assert.deepEqual(form?.organizations?.values.sort(), [ACME, GLOBEX]);
    assert.ok(form?.organizations?.selected, 'an organization is preselected');

    const bob = await browserIn(h, BOB, null);
    const callback = await bob.browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, 'v'.repeat(43)));
    assert.equal(callback, undefined);
    assert.equal(bob.browser.lastPage?.status, 403);
    assert.match(bob.browser.lastPage!.html, /id="no-organization">redis test acts for an organization, and <strong>bob@example.com<\/strong> belongs to none/);
    const back = new URL(/id="back-to-client" href="([^"]*)"/.exec(bob.browser.lastPage!.html)![1].replaceAll('&amp;', '&'));
    assert.equal(back.origin + back.pathname, REDIRECT);
    assert.deepEqual([back.searchParams.get('error'), back.searchParams.get('state'), back.searchParams.get('iss')], ['access_denied', 'st', h.issuerUrl]);
  });

  it('the personal account cannot be posted under required', async () => {
    const clientId = (await register(h.issuerUrl)).body.client_id;
    const { browser } = await browserIn(h, ALICE, null);
    browser.organization = '';
    assert.equal(await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, 'v'.repeat(43))), undefined);
    assert.equal(browser.lastPage?.status, 400);
  });
});

describe('Organization-scoped grants with Clerk webhooks mounted', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ options: { organizations: 'optional' } });
    await addOrgShortcodes(h);
    // Webhooks let a refresh trust Clerk's last confirmation of the session (clerk.claimsMaxAge), but Clerk reports
    // no role change: the membership is still checked at every refresh.
    h.app.post('/webhooks/clerk', h.issuer.clerkWebhooks({ signingSecret: `whsec_${Buffer.from('organization-webhooks-refresh!!!').toString('base64')}` }));
  });
  after(() => h?.close());

  it('a role change reaches the next refresh at once (one Clerk call: the membership), though the session is trusted', async () => {
    const { browser } = await browserIn(h, ALICE, ACME);
    const g = await grantIn(h, browser, ACME);
    assert.equal(decodeJwt(g.tokens.access_token).org_role, 'org:admin');
    h.double.setMembershipRole(ACME, ALICE, 'org:member');
    const before = h.double.requests.length;
    const refreshed = await refresh(h.issuerUrl, g.clientId, g.tokens.refresh_token);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.deepEqual(
      [decodeJwt(refreshed.body.access_token).org_role, decodeJwt(refreshed.body.id_token!).org_role, decodeJwt(refreshed.body.id_token!).org_permissions],
      ['org:member', 'org:member', ['org:sys_memberships:read']],
    );
    assert.deepEqual(h.double.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/org_\w+/, ':org')}`), ['GET /v1/organizations/:org/memberships']);
    h.double.setMembershipRole(ACME, ALICE, 'org:admin');
  });
});
