/**
 * The consent form's CSRF token: a MAC over the Clerk session and the exact authorization request, so a
 * decision can only be posted by the signed-in user, for the request they were shown.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 CSRF
 */
import { requestMac, requestMacValid, type RequestMacInput } from './requestMac.js';

export const CSRF_FIELD = 'csrf_token';
/** The organization the user picks on the consent page: the user's choice, like `decision`, not the request's. */
export const ORGANIZATION_FIELD = 'organization';

const input = (sessionId: string, params: Map<string, string>): RequestMacInput => ({
  purpose: 'consent',
  bound: [sessionId],
  params,
  exclude: [CSRF_FIELD, 'decision', ORGANIZATION_FIELD],
});

export function consentCsrfToken(key: Buffer, sessionId: string, params: Map<string, string>): string {
  return requestMac(key, input(sessionId, params));
}

/** Valid under any of `keys`: a page rendered by an instance that still signs with the previous key posts fine. */
export function consentCsrfValid(keys: Buffer[], sessionId: string, params: Map<string, string>, presented: string | undefined): boolean {
  return requestMacValid(keys, input(sessionId, params), presented);
}
