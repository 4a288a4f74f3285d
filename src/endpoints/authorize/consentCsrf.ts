/**
 * The consent form's CSRF token: a MAC over the Clerk session and the exact authorization request, so a
 * decision can only be posted by the signed-in user, for the request they were shown.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 CSRF
 */
import { constantTimeEqual, mac } from '../../crypto/secrets.js';

export const CSRF_FIELD = 'csrf_token';

/** Canonical text of the request: every parameter but the form's own fields, sorted. */
function canonical(params: Map<string, string>): string {
  return [...params]
    .filter(([name]) => name !== CSRF_FIELD && name !== 'decision')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)
    .join('&');
}

export function consentCsrfToken(key: Buffer, sessionId: string, params: Map<string, string>): string {
  return mac(key, `${sessionId}\n${canonical(params)}`);
}

/** Valid under any of `keys`: a page rendered by an instance that still signs with the previous key posts fine. */
export function consentCsrfValid(keys: Buffer[], sessionId: string, params: Map<string, string>, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  // Every key is checked, match or not, so the time taken says nothing about which one matched.
  return keys.map((key) => constantTimeEqual(presented, consentCsrfToken(key, sessionId, params))).includes(true);
}
