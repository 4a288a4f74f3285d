/**
 * Remembered consent: which scopes a user approved for a client, so the consent page is shown only for
 * something new (SPEC §5 Authorize).
 */
import type { Store } from '../store/store.js';
import { KEYS } from './grant.js';

/** How long an approval is remembered without use. */
const CONSENT_LIFETIME = 180 * 24 * 3600;

export class Consents {
  constructor(private readonly store: Store) {}

  async covers(userId: string, clientId: string, scopes: readonly string[]): Promise<boolean> {
    const record = await this.store.get<{ scopes: string[] }>(KEYS.consent(userId, clientId));
    return record !== undefined && scopes.every((s) => record.scopes.includes(s));
  }

  /** Adds the approved scopes to what the user already approved for this client. */
  async remember(userId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    const record = await this.store.get<{ scopes: string[] }>(KEYS.consent(userId, clientId));
    const merged = [...new Set([...(record?.scopes ?? []), ...scopes])];
    await this.store.put(KEYS.consent(userId, clientId), { scopes: merged }, CONSENT_LIFETIME);
  }

  /** Forgets what the user approved for this client: the consent page is shown again. */
  async forget(userId: string, clientId: string): Promise<void> {
    await this.store.delete(KEYS.consent(userId, clientId));
  }
}
