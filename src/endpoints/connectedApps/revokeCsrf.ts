/**
 * The connected-apps page's CSRF token: a MAC over the Clerk session and the client whose access the button
 * revokes, so a revoke can only be posted by the signed-in user, for a client their page showed them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 CSRF
 */
import { requestMac, requestMacValid, type RequestMacInput } from '../authorize/requestMac.js';
import { CSRF_FIELD } from '../authorize/consentCsrf.js';

export { CSRF_FIELD };

const input = (sessionId: string, clientId: string): RequestMacInput => ({
  purpose: 'connected-apps-revoke',
  bound: [sessionId],
  params: new Map([['client_id', clientId]]),
  exclude: [],
});

export function revokeCsrfToken(key: Buffer, sessionId: string, clientId: string): string {
  return requestMac(key, input(sessionId, clientId));
}

/** Valid under any of `keys`: a page rendered by an instance that still signs with the previous key posts fine. */
export function revokeCsrfValid(keys: Buffer[], sessionId: string, clientId: string, presented: string | undefined): boolean {
  return requestMacValid(keys, input(sessionId, clientId), presented);
}
