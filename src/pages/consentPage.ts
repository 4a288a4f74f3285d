/**
 * The consent page: names the client and where it will send the user back, lists what it asks for, and
 * posts the decision with a CSRF token. A plain form: works without JavaScript.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1 attacks on redirect/consent (show the redirect host)
 */
import escapeHtml from 'escape-html';
import type { Response } from 'express';
import { renderPage, setPageHeaders } from './page.js';

export interface ConsentView {
  action: string;
  clientName: string;
  /** Where the user will be sent: the redirect URI's host (or scheme for private-use schemes). */
  redirectTarget: string;
  scopes: Array<{ name: string; description: string }>;
  userLabel: string;
  /** For a metadata-document client: the host that published its identity. */
  documentHost?: string;
  /** Hidden fields that carry the authorization request and the CSRF token. */
  fields: Array<[string, string]>;
}

export function sendConsentPage(res: Response, view: ConsentView): void {
  const hidden = view.fields.map(([n, v]) => `<input type="hidden" name="${escapeHtml(n)}" value="${escapeHtml(v)}">`).join('\n');
  const scopes = view.scopes
    .map((s) => `<li><strong>${escapeHtml(s.description)}</strong> <span class="muted"><code>${escapeHtml(s.name)}</code></span></li>`)
    .join('\n');
  setPageHeaders(res);
  res.status(200).send(
    renderPage(
      `Allow ${escapeHtml(view.clientName)}?`,
      `<h1>Allow <span id="client-name">${escapeHtml(view.clientName)}</span> to access your account?</h1>
${view.documentHost ? `<p class="muted">Client identity published by <strong id="client-host">${escapeHtml(view.documentHost)}</strong></p>\n` : ''}<p class="muted">Signed in as <strong>${escapeHtml(view.userLabel)}</strong></p>
<p>It asks for:</p>
<ul class="scopes">${scopes}</ul>
<p class="muted">After you decide, you will be sent to <strong id="redirect-host">${escapeHtml(view.redirectTarget)}</strong>.
Only allow applications you trust.</p>
<form method="post" action="${escapeHtml(view.action)}">
${hidden}
<div class="actions"><button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow" class="primary">Allow</button></div>
</form>`,
    ),
  );
}
