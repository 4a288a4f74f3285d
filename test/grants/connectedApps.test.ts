/**
 * The connected-apps view: a user's grants folded into one entry per client (pure), and the page showing an
 * organization when a grant has one.
 */
import assert from 'node:assert/strict';
import type { Response } from 'express';
import { connectedApps } from '../../src/grants/connectedApps.js';
import type { UserGrant } from '../../src/grants/grantsApi.js';
import { sendConnectedAppsPage } from '../../src/pages/connectedAppsPage.js';

const grant = (over: Partial<UserGrant>): UserGrant => ({
  clientId: 'c1',
  scopes: ['mcp:tools'],
  authTime: 900,
  createdAt: 1000,
  expiresAt: 9000,
  lastUsedAt: 1000,
  ...over,
});

describe('connectedApps()', () => {
  it('one entry per client: union of scopes, hosts and organizations, first authorized = oldest, last used = latest; most recently used first', () => {
    const apps = connectedApps([
      grant({ clientId: 'c1', clientName: 'Old name', redirectHost: 'a.example', createdAt: 1000, lastUsedAt: 5000, scopes: ['openid'] }),
      grant({ clientId: 'c1', clientName: 'New name', redirectHost: 'b.example', createdAt: 2000, lastUsedAt: 2000, orgId: 'org_1', orgName: 'Acme' }),
      grant({ clientId: 'c2', documentHost: 'agents.example', clientName: 'Doc', createdAt: 3000, lastUsedAt: 3000, orgId: 'org_2' }),
      grant({ clientId: 'c3', createdAt: 500, lastUsedAt: 600 }),
    ]);
    assert.deepEqual(apps, [
      { clientId: 'c1', name: 'New name', selfDeclaredName: true, redirectHosts: ['a.example', 'b.example'], scopes: ['openid', 'mcp:tools'], organizations: ['Acme'], firstAuthorizedAt: 1000, lastUsedAt: 5000 },
      { clientId: 'c2', name: 'Doc', documentHost: 'agents.example', selfDeclaredName: false, redirectHosts: [], scopes: ['mcp:tools'], organizations: ['org_2'], firstAuthorizedAt: 3000, lastUsedAt: 3000 },
      { clientId: 'c3', name: 'c3', selfDeclaredName: false, redirectHosts: [], scopes: ['mcp:tools'], organizations: [], firstAuthorizedAt: 500, lastUsedAt: 600 },
    ]);
  });

  it('the page shows an Organization row only for a client with an org-bound grant, escaped', () => {
    let html = '';
    const res = { setHeader() {}, status() { return res; }, send(body: string) { html = body; } } as unknown as Response;
    const [withOrg, without] = connectedApps([grant({ clientId: 'c1', orgName: 'Acme <Labs>', lastUsedAt: 2000 }), grant({ clientId: 'c2' })]);
    sendConnectedAppsPage(res, {
      action: '/connected-apps',
      userLabel: 'alice@example.com',
      resourceName: 'Example',
      apps: [withOrg, without].map((app) => ({ ...app, csrfToken: 't', scopeDescriptions: [{ name: 'mcp:tools', description: 'Use the tools' }] })),
    });
    assert.equal([...html.matchAll(/<dt>Organization<\/dt><dd>Acme &lt;Labs&gt;<\/dd>/g)].length, 1);
    assert.equal([...html.matchAll(/<dt>Organization<\/dt>/g)].length, 1);
  });
});
