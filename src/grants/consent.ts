/**
 * Remembered consent: which scopes a user approved for a client, so the consent page is shown only for
 * something new (SPEC §5 Authorize). With organizations on, an approval is per organization too (SPEC §11): what
 * the user approved for a client acting for one organization says nothing about another one, and the organization
 * chosen last is the one a silent re-approval (`prompt=none`) reuses.
 */
import type { Store } from '../store/store.js';
import { KEYS } from './grant.js';

/** How long an approval is remembered without use. */
const CONSENT_LIFETIME = 180 * 24 * 3600;

/** The personal account's key in {@link ConsentRecord.organizations}. */
const PERSONAL = '';

type ConsentRecord = {
  /** Scopes approved without an organization (organizations off, or the personal account). */
  scopes: string[];
  /** Scopes approved per organization id (`''`: the personal account, when organizations are on). */
  organizations?: Record<string, string[]>;
  /** The organization chosen at the last approval (`''`: the personal account). */
  lastOrganization?: string;
};

export class Consents {
  constructor(private readonly store: Store) {}

  /**
   * True when the user approved these scopes for the client (for that organization when `organizationId` is
   * given; `null` is the personal account with organizations on).
   */
  async covers(userId: string, clientId: string, scopes: readonly string[], organizationId?: string | null): Promise<boolean> {
    const record = await this.store.get<ConsentRecord>(KEYS.consent(userId, clientId));
    if (record === undefined) return false;
    const approved = organizationId === undefined ? record.scopes : record.organizations?.[organizationId ?? PERSONAL];
    return approved !== undefined && scopes.every((s) => approved.includes(s));
  }

  /**
   * The organization of the user's last approval for this client: an id, `null` for the personal account, or
   * `undefined` when no approval was made with organizations on.
   */
  async lastOrganization(userId: string, clientId: string): Promise<string | null | undefined> {
    const last = (await this.store.get<ConsentRecord>(KEYS.consent(userId, clientId)))?.lastOrganization;
    return last === undefined ? undefined : last === PERSONAL ? null : last;
  }

  /** Adds the approved scopes to what the user already approved for this client (and organization, when given). */
  async remember(userId: string, clientId: string, scopes: readonly string[], organizationId?: string | null): Promise<void> {
    const record: ConsentRecord = (await this.store.get<ConsentRecord>(KEYS.consent(userId, clientId))) ?? { scopes: [] };
    if (organizationId === undefined) {
      record.scopes = [...new Set([...record.scopes, ...scopes])];
    } else {
      const key = organizationId ?? PERSONAL;
      record.organizations = { ...record.organizations, [key]: [...new Set([...(record.organizations?.[key] ?? []), ...scopes])] };
      record.lastOrganization = key;
    }
    await this.store.put(KEYS.consent(userId, clientId), record, CONSENT_LIFETIME);
  }

  /** Forgets what the user approved for this client (every organization): the consent page is shown again. */
  async forget(userId: string, clientId: string): Promise<void> {
    await this.store.delete(KEYS.consent(userId, clientId));
  }
}
