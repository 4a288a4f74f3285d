/**
 * The identity claims kept with a grant (SPEC §11 "Clerk calls are bounded"): `/userinfo` answers from them
 * instead of asking Clerk per request. A grant with a refresh family keeps them in the family record (renewed at
 * each refresh); a grant without one keeps them in a small record that lives as long as its access token.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
 */
import type { Store } from '../store/store.js';
import { KEYS } from './grant.js';
import type { RefreshFamily } from './refreshFamily.js';

/** Keeps the claims of a grant that has no refresh family, for as long as its access token lives. */
export async function keepGrantClaims(store: Store, grantId: string, claims: Record<string, unknown>, accessTokenLifetime: number): Promise<void> {
  await store.put(KEYS.grantClaims(grantId), { claims }, accessTokenLifetime);
}

/** The claims kept with the grant: its refresh family's, else its own record's; undefined when none were kept. */
export async function grantClaims(store: Store, grantId: string): Promise<Record<string, unknown> | undefined> {
  const family = await store.get<RefreshFamily>(KEYS.family(grantId));
  if (family) return family.claims;
  return (await store.get<{ claims: Record<string, unknown> }>(KEYS.grantClaims(grantId)))?.claims;
}
