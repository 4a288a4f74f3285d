/**
 * The page shown when an authorization request cannot be answered at a redirect URI (phase 1): an unknown
 * client or an unregistered redirect URI must never cause a redirect (RFC 6749 §4.1.2.1, RFC 9700 §4.1).
 */
import escapeHtml from 'escape-html';
import type { Response } from 'express';
import { renderPage, setPageHeaders } from './page.js';

export function sendErrorPage(res: Response, status: number, description: string): void {
  setPageHeaders(res);
  res.status(status).send(
    renderPage(
      'Authorization error',
      `<h1>This sign-in request cannot continue</h1>
<p class="error">${escapeHtml(description)}</p>
<p class="muted">Go back to the application that sent you here and try again. If it keeps happening, its developer
needs to fix its OAuth configuration.</p>`,
    ),
  );
}
