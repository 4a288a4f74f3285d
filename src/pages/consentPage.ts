/**
 * The consent page: names the client (and who vouches for that name), the server it connects to, where it will
 * send the user back and as whom; lists what it asks for; and posts the decision with a CSRF token. A plain
 * form: works without JavaScript.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1 attacks on redirect/consent (show the redirect host)
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-5 self-asserted client metadata must be shown as such
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.6 asking again when the client cannot be verified
 */
import escapeHtml from 'escape-html';
import type { Response } from 'express';
import { renderPage, setPageHeaders } from './page.js';

export interface ConsentView {
  action: string;
  clientName: string;
  /** Where the user will be sent: the redirect URI's host (or scheme for private-use schemes). */
  redirectTarget: string;
  /** The server the client connects to: `resourceName`, else the resource URL's host and path. */
  resourceName: string;
  resourceUrl: string;
  scopes: Array<{ name: string; description: string }>;
  userLabel: string;
  /** "Not you?": Clerk's sign-in, coming back to this same authorization request. */
  switchAccountUrl: string;
  /** For a metadata-document client: the host that published its identity. */
  documentHost?: string;
  /** A dynamically registered client's name: the application chose it itself, nobody checked it. */
  selfDeclaredName?: boolean;
  /** The user approved this client before, but its identity cannot be verified: say why we ask again. */
  asksAgain?: boolean;
  /** Hidden fields that carry the authorization request and the CSRF token. */
  fields: Array<[string, string]>;
  /**
   * With organizations on: the user's memberships to choose from, whether the personal account is a choice
   * (`optional`), and the preselected one (`null`: the personal account).
   */
  organizations?: { choices: Array<{ id: string; name: string; role: string }>; personal: boolean; selected: string | null };
}

/** Clerk's role keys read `org:admin`; the page shows `admin`. */
const roleLabel = (role: string) => role.replace(/^org:/, '');

/** The organization choice: radio buttons posted as `organization` (empty: the personal account). */
function organizationChoice(view: NonNullable<ConsentView['organizations']>): string {
  const option = (value: string, label: string, detail: string, checked: boolean) =>
    `<li><label><input type="radio" name="organization" value="${escapeHtml(value)}"${checked ? ' checked' : ''} required> <strong>${escapeHtml(label)}</strong> <span class="muted">${escapeHtml(detail)}</span></label></li>`;
  const items = view.choices.map((o) => option(o.id, o.name, roleLabel(o.role), view.selected === o.id));
  if (view.personal) items.push(option('', 'Personal account', 'not an organization', view.selected === null));
  return `<fieldset class="organizations" id="organization-choice"><legend>Act for</legend>
<ul>${items.join('\n')}</ul>
<p class="muted">The application acts for this choice until you revoke it, whatever organization you switch to later.</p></fieldset>`;
}

export function sendConsentPage(res: Response, view: ConsentView): void {
  const name = escapeHtml(view.clientName);
  const hidden = view.fields.map(([n, v]) => `<input type="hidden" name="${escapeHtml(n)}" value="${escapeHtml(v)}">`).join('\n');
  const scopes = view.scopes
    .map((s) => `<li><strong>${escapeHtml(s.description)}</strong> <span class="muted"><code>${escapeHtml(s.name)}</code></span></li>`)
    .join('\n');
  const provenance = view.documentHost
    ? `<p class="muted">Client identity published by <strong id="client-host">${escapeHtml(view.documentHost)}</strong></p>`
    : view.selfDeclaredName
      ? `<p class="muted" id="self-declared">“${name}” is the name the application gave itself; it has not been verified.</p>`
      : '';
  const asksAgain = view.asksAgain
    ? `<p class="notice" id="asks-again">You approved ${name} before. It returns to <strong>${escapeHtml(view.redirectTarget)}</strong>, an address
any program on your device could use, so it cannot be verified: we ask you each time.</p>`
    : '';
  setPageHeaders(res);
  res.status(200).send(
    renderPage(
      `Allow ${name}?`,
      `<h1>Allow <span id="client-name">${name}</span> to access your account?</h1>
${provenance}
<p>It will connect to <strong id="resource-name">${escapeHtml(view.resourceName)}</strong> <span class="muted">(${escapeHtml(view.resourceUrl)})</span> as you.</p>
<p class="muted">Signed in as <strong>${escapeHtml(view.userLabel)}</strong> · <a id="switch-account" href="${escapeHtml(view.switchAccountUrl)}">Not you? Use another account</a></p>
${asksAgain}<p>It asks for:</p>
<ul class="scopes">${scopes}</ul>
<p class="muted">After you decide, you will be sent to <strong id="redirect-host">${escapeHtml(view.redirectTarget)}</strong>.
Only allow applications you trust.</p>
<form method="post" action="${escapeHtml(view.action)}">
${view.organizations ? organizationChoice(view.organizations) : ''}
${hidden}
<div class="actions"><button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow" class="primary">Allow</button></div>
</form>`,
    ),
  );
}
