/**
 * The page shown when the server acts for organizations only (`organizations: 'required'`) and the signed-in user
 * belongs to none: it says so plainly, and its one link takes the user back to the client with `access_denied`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1 access_denied
 */
import escapeHtml from 'escape-html';
import type { Response } from 'express';
import { renderPage, setPageHeaders } from './page.js';

export function sendNoOrganizationPage(res: Response, view: { clientName: string; userLabel: string; backUrl: string }): void {
  const name = escapeHtml(view.clientName);
  setPageHeaders(res);
  res.status(403).send(
    renderPage(
      'No organization',
      `<h1>${name} needs an organization</h1>
<p class="error" id="no-organization">${name} acts for an organization, and <strong>${escapeHtml(view.userLabel)}</strong> belongs to none.</p>
<p class="muted">Ask an administrator of your organization to invite you, then try again.</p>
<p><a id="back-to-client" href="${escapeHtml(view.backUrl)}">Return to ${name}</a></p>`,
    ),
  );
}
