/**
 * The consent form's CSRF token: a MAC over the Clerk session and the exact authorization request, so a
 * decision can only be posted by the signed-in user, for the request they were shown.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 CSRF
 */
import { timedRequestMac, verifiedMacTime, type RequestMacInput } from './requestMac.js';

export const CSRF_FIELD = 'csrf_token';
/** The organization the user picks on the consent page: the user's choice, like `decision`, not the request's. */
export const ORGANIZATION_FIELD = 'organization';

/**
 * How long a consent page may stay open before its decision is refused (seconds): the user reloads it. A page
 * left open for hours must not approve with a sign-in the request would no longer accept.
 */
export const CONSENT_FORM_LIFETIME = 600;

const input = (sessionId: string, issuedAt: number, params: Map<string, string>): RequestMacInput => ({
  purpose: 'consent',
  bound: [sessionId, String(issuedAt)],
  params,
  exclude: [CSRF_FIELD, 'decision', ORGANIZATION_FIELD],
});

/** `<issued at>.<mac>`: bound to the Clerk session, the exact request and the time the page was rendered. */
export function consentCsrfToken(key: Buffer, sessionId: string, params: Map<string, string>, now: number): string {
  return timedRequestMac(key, now, (t) => input(sessionId, t, params));
}

/**
 * Valid under any of `keys` (a page rendered by an instance that still signs with the previous key posts fine),
 * and only while the page is younger than {@link CONSENT_FORM_LIFETIME}.
 */
export function consentCsrfValid(keys: Buffer[], sessionId: string, params: Map<string, string>, presented: string | undefined, now: number): boolean {
  const issuedAt = verifiedMacTime(keys, presented, (t) => input(sessionId, t, params));
  return issuedAt !== undefined && now - issuedAt <= CONSENT_FORM_LIFETIME && issuedAt - now <= 60;
}
