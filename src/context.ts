/**
 * Everything the endpoints share, built once by {@link createMcpIssuer}: configuration, keys, Clerk, and
 * the grant records on the store.
 */
import type { Logger, ResolvedConfig } from './config/options.js';
import type { ClerkIdentity } from './clerk/clerkIdentity.js';
import type { ClientRegistry } from './clients/clientRegistry.js';
import type { AuthorizationCodes } from './grants/authorizationCode.js';
import type { Consents } from './grants/consent.js';
import type { GrantIndex } from './grants/grantIndex.js';
import type { RefreshFamilies } from './grants/refreshFamily.js';
import type { Revocations } from './grants/revocation.js';
import type { Store } from './store/store.js';
import type { TokenKeys } from './tokens/tokenKeys.js';

export interface IssuerContext {
  config: ResolvedConfig;
  keys: TokenKeys;
  identity: ClerkIdentity;
  store: Store;
  clients: ClientRegistry;
  codes: AuthorizationCodes;
  refreshFamilies: RefreshFamilies;
  revocations: Revocations;
  consents: Consents;
  /** Grants by Clerk session and by user: what webhooks and the grants API end. */
  grantIndex: GrantIndex;
  /** Whether Clerk's webhooks report session ends to this issuer (set when `issuer.clerkWebhooks()` is mounted). */
  clerkEvents: { webhooks: boolean };
  /** Keys of the consent form's CSRF MAC: the first makes it, any one accepts it (key rotation overlap). */
  csrfKeys: Buffer[];
  logger: Logger;
  /** Seconds since the epoch. */
  now(): number;
}
