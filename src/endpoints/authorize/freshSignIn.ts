/**
 * The marker of a forced sign-in (prompt=login, max_age): the authorization request goes to Clerk's sign-in
 * and comes back carrying the time it left, MACed with the request, so a client cannot forge it to skip the
 * fresh sign-in. On return the session must have authenticated after that time.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest prompt=login, max_age
 */
import { timedRequestMac, verifiedMacTime, type RequestMacInput } from './requestMac.js';

export const AUTH_AFTER = 'cmi_auth_after';

const input = (time: number, params: Map<string, string>): RequestMacInput => ({
  purpose: 'fresh-sign-in',
  bound: [String(time)],
  params,
  exclude: [AUTH_AFTER],
});

/** The marker's value: `<time>.<mac>`. */
export function authAfterMarker(key: Buffer, time: number, params: Map<string, string>): string {
  return timedRequestMac(key, time, (t) => input(t, params));
}

/** The time a genuine marker carries; `undefined` when absent or forged. */
export function verifiedAuthAfter(keys: Buffer[], params: Map<string, string>): number | undefined {
  return verifiedMacTime(keys, params.get(AUTH_AFTER), (t) => input(t, params));
}
