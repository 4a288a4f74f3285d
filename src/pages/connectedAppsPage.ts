/**
 * The connected-apps page: the applications that can use the server as the signed-in user, what each holds,
 * and a Revoke button per application (a plain form with a CSRF token: works without JavaScript).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1 revoking a grant ends its tokens
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-5 self-asserted client metadata must be shown as such
 */
import escapeHtml from 'escape-html';
import type { Response } from 'express';
import type { ConnectedApp } from '../grants/connectedApps.js';
import { renderPage, setPageHeaders } from './page.js';

export interface ConnectedAppsView {
  /** Where the Revoke forms post: the page's own path. */
  action: string;
  userLabel: string;
  /** The server the applications connect to. */
  resourceName: string;
  apps: Array<ConnectedApp & { csrfToken: string; scopeDescriptions: Array<{ name: string; description: string }> }>;
  /** A fixed message after a revoke (never text taken from the request). */
  notice?: string;
}

const STYLE = `
  main { max-width: 38rem; }
  ul.apps { list-style: none; padding: 0; margin: 1.25rem 0 0; }
  li.app { border: 1px solid #dde1e6; border-radius: 10px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
  li.app h2 { font-size: 1.1rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: .75rem 0; }
  dt { color: #5b6470; } dd { margin: 0; overflow-wrap: anywhere; }
  dd ul.scopes { margin: 0; padding-left: 1.1rem; } dd ul.scopes li { margin: 0 0 .2rem; }
  li.app form { margin: .75rem 0 0; }
  button.danger { flex: none; border-color: #c62828; color: #b71c1c; }
  @media (prefers-color-scheme: dark) {
    li.app { border-color: #3a424c; } dt { color: #9aa4af; } button.danger { border-color: #ef9a9a; color: #ffb4ab; }
  }`;

/** `2026-11-30 11:45 UTC`: the same on every instance, whatever its locale. */
function date(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function appItem(app: ConnectedAppsView['apps'][number], index: number, action: string): string {
  const name = escapeHtml(app.name);
  const id = `app-${index}`;
  const provenance = app.documentHost
    ? `<p class="muted">Client identity published by <strong class="client-host">${escapeHtml(app.documentHost)}</strong></p>`
    : app.selfDeclaredName
      ? `<p class="muted">“${name}” is the name the application gave itself; it has not been verified.</p>`
      : '';
  const scopes = app.scopeDescriptions.map((s) => `<li>${escapeHtml(s.description)} <span class="muted"><code>${escapeHtml(s.name)}</code></span></li>`).join('');
  const rows: Array<[string, string]> = [
    ['Returns to', app.redirectHosts.map((h) => `<strong>${escapeHtml(h)}</strong>`).join(', ') || '<span class="muted">unknown</span>'],
    ['Allowed', `<ul class="scopes">${scopes}</ul>`],
    ...(app.organizations.length > 0 ? ([['Organization', app.organizations.map((o) => escapeHtml(o)).join(', ')]] as Array<[string, string]>) : []),
    ['First authorized', date(app.firstAuthorizedAt)],
    ['Last used', date(app.lastUsedAt)],
  ];
  return `<li class="app" id="${id}" aria-labelledby="${id}-name">
<h2 id="${id}-name">${name}</h2>
${provenance}
<dl>${rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('\n')}</dl>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="client_id" value="${escapeHtml(app.clientId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(app.csrfToken)}">
<button type="submit" class="danger" aria-label="Revoke access of ${name}">Revoke access</button>
</form>
</li>`;
}

export function sendConnectedAppsPage(res: Response, view: ConnectedAppsView): void {
  const notice = view.notice ? `<p class="notice" role="status" id="notice">${escapeHtml(view.notice)}</p>` : '';
  const list =
    view.apps.length === 0
      ? '<p id="no-apps">No application can use your account here.</p>'
      : `<ul class="apps">${view.apps.map((app, i) => appItem(app, i, view.action)).join('\n')}</ul>`;
  setPageHeaders(res);
  res.status(200).send(
    renderPage(
      'Connected apps',
      `<h1>Connected apps</h1>
<p class="muted">Signed in as <strong id="user-label">${escapeHtml(view.userLabel)}</strong></p>
<p>Applications you allowed to use <strong id="resource-name">${escapeHtml(view.resourceName)}</strong> as you.
Revoking access stops an application at once; it must ask you again to reconnect.</p>
${notice}
${list}`,
      STYLE,
    ),
  );
}

/** An error on the connected-apps page (a refused revoke, the store down): says what to do, not what OAuth is. */
export function sendConnectedAppsError(res: Response, status: number, description: string, back: string): void {
  setPageHeaders(res);
  res.status(status).send(
    renderPage(
      'Connected apps',
      `<h1>Connected apps</h1>
<p class="error">${escapeHtml(description)}</p>
<p><a href="${escapeHtml(back)}">Back to your connected apps</a></p>`,
      STYLE,
    ),
  );
}
