/**
 * The stand-in's organization switcher: what Clerk's `<OrganizationSwitcher />` does in the host app, as a plain
 * HTML page. It lists the signed-in user's memberships and makes one active in the browser session (Clerk's
 * `setActive({ organization })`): the session's next token carries it as `o`. It never changes what an org-bound
 * grant acts for: that is the point of showing it.
 */
import escapeHtml from 'escape-html';
import express, { Router, type Request } from 'express';
import { decodeJwt } from 'jose';
import { renderPage, setPageHeaders } from '../../pages/page.js';
import type { ClerkDouble } from '../clerk/contract.js';

export interface OrganizationSwitcherOptions {
  double: ClerkDouble;
  prefix: string;
  secure: boolean;
  /** Lifetime of the re-issued session token (seconds). */
  lifetime: number;
}

/** The active session of the browser's `__session` cookie, if any. */
function sessionOf(req: Request, double: ClerkDouble): string | undefined {
  const token = /(?:^|;\s*)__session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (!token) return undefined;
  try {
    const sid = decodeJwt(token).sid;
    return typeof sid === 'string' && double.sessions.get(sid)?.status === 'active' ? sid : undefined;
  } catch {
    return undefined;
  }
}

export function organizationSwitcherRouter({ double, prefix, secure, lifetime }: OrganizationSwitcherOptions): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/organizations', (req, res) => {
    const sid = sessionOf(req, double);
    setPageHeaders(res);
    if (!sid) return res.status(401).send(renderPage('Organizations', `<h1>Organizations</h1><p class="error">Sign in first.</p>`));
    const session = double.sessions.get(sid)!;
    const memberships = [...double.memberships.values()].filter((m) => m.userId === session.userId);
    const active = session.lastActiveOrganizationId ?? null;
    const option = (id: string, label: string) =>
      `<li><form method="post" action="${prefix}/organizations/active"><input type="hidden" name="organization_id" value="${escapeHtml(id)}">
<button type="submit"${id === (active ?? '') ? ' class="primary" disabled' : ''}>${escapeHtml(label)}${id === (active ?? '') ? ' (active)' : ''}</button></form></li>`;
    const items = [
      ...memberships.map((m) => option(m.organizationId, `${double.organizations.get(m.organizationId)?.name ?? m.organizationId} · ${m.role.replace(/^org:/, '')}`)),
      option('', 'Personal account'),
    ];
    res.status(200).send(renderPage('Organizations (dev stand-in)', `<h1>Switch organization</h1><ul class="scopes" id="organizations">${items.join('\n')}</ul>`));
  });

  router.post('/organizations/active', form, async (req, res) => {
    const sid = sessionOf(req, double);
    const id = (req.body as Record<string, unknown> | undefined)?.organization_id;
    if (!sid || typeof id !== 'string') return res.redirect(303, `${prefix}/organizations`);
    try {
      double.setActiveOrganization(sid, id === '' ? null : id);
    } catch {
      return res.redirect(303, `${prefix}/organizations`); // not a member: nothing switches
    }
    // Clerk's browser SDK fetches a new session token at once: the cookie now names the new organization.
    for (const pair of (await double.sessionCookie(sid, { lifetime })).split('; ')) {
      res.append('Set-Cookie', `${pair}; Path=/; SameSite=Lax; HttpOnly${secure ? '; Secure' : ''}`);
    }
    res.redirect(303, `${prefix}/organizations`);
  });

  return router;
}
