/**
 * A MAC over an authorization request: the server's proof that a value it handed out (the consent form's CSRF
 * token, the fresh-sign-in marker) belongs to exactly this request. Made with the signing key's derived secret,
 * accepted under any published key's, so it survives a key rotation across instances.
 */
import { constantTimeEqual, mac } from '../../crypto/secrets.js';

/**
 * Canonical text of the request: its parameters but the excluded ones, sorted. Clerk's own `__clerk_*`
 * parameters (added to return URLs by its handshake and dev-browser flows) are not part of the request.
 */
function canonical(params: Map<string, string>, exclude: readonly string[]): string {
  return [...params]
    .filter(([name]) => !exclude.includes(name) && !name.startsWith('__clerk'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`)
    .join('&');
}

export interface RequestMacInput {
  /** What the MAC is for; binds it to one use. */
  purpose: string;
  /** Extra bound values (the Clerk session, a time). */
  bound: string[];
  params: Map<string, string>;
  /** Parameters that are not part of the request itself (the form's own fields). */
  exclude: readonly string[];
}

export function requestMac(key: Buffer, input: RequestMacInput): string {
  return mac(key, [input.purpose, ...input.bound, canonical(input.params, input.exclude)].join('\n'));
}

/** Valid under any of `keys`; every key is checked, so the time taken says nothing about which matched. */
export function requestMacValid(keys: Buffer[], input: RequestMacInput, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return keys.map((key) => constantTimeEqual(presented, requestMac(key, input))).includes(true);
}

/** A MAC that carries the time it was made: `<time>.<mac>`, the time bound into the MAC's input. */
export function timedRequestMac(key: Buffer, time: number, input: (time: number) => RequestMacInput): string {
  return `${time}.${requestMac(key, input(time))}`;
}

/** The time a genuine {@link timedRequestMac} carries, under any of `keys`; `undefined` when malformed or forged. */
export function verifiedMacTime(keys: Buffer[], presented: string | undefined, input: (time: number) => RequestMacInput): number | undefined {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]+)$/.exec(presented ?? '');
  if (!match) return undefined;
  const time = Number(match[1]);
  return requestMacValid(keys, input(time), match[2]) ? time : undefined;
}
