/**
 * What the connected-apps page shows: a user's live grants folded into one entry per client (SPEC §11
 * "Connected apps"). Pure: no store, no HTTP.
 */
import type { UserGrant } from './grantsApi.js';

export interface ConnectedApp {
  clientId: string;
  /** The name the user saw at consent (the most recent grant's), else the client_id. */
  name: string;
  /** A metadata-document client's publishing host; absent for a dynamically registered client. */
  documentHost?: string;
  /** A registered client's name is the one it gave itself: nobody verified it. */
  selfDeclaredName: boolean;
  /** Every host (or private-use scheme) its codes were sent to. */
  redirectHosts: string[];
  /** Every scope any of its grants holds. */
  scopes: string[];
  /** The organizations (name, else id) its grants were approved for. */
  organizations: string[];
  /** Seconds since the epoch: its oldest live grant. */
  firstAuthorizedAt: number;
  /** Seconds since the epoch: its latest issuance or refresh. */
  lastUsedAt: number;
}

const distinct = (values: Array<string | undefined>): string[] => [...new Set(values.filter((v): v is string => v !== undefined))];

/** One entry per client, most recently used first. */
export function connectedApps(grants: readonly UserGrant[]): ConnectedApp[] {
  const byClient = new Map<string, UserGrant[]>();
  for (const grant of grants) byClient.set(grant.clientId, [...(byClient.get(grant.clientId) ?? []), grant]);
  return [...byClient]
    .map(([clientId, of]) => {
      const newest = of.reduce((a, b) => (b.createdAt >= a.createdAt ? b : a));
      return {
        clientId,
        name: newest.clientName ?? clientId,
        ...(newest.documentHost ? { documentHost: newest.documentHost } : {}),
        selfDeclaredName: !newest.documentHost && newest.clientName !== undefined,
        redirectHosts: distinct(of.map((g) => g.redirectHost)),
        scopes: distinct(of.flatMap((g) => g.scopes)),
        organizations: distinct(of.map((g) => g.orgName ?? g.orgId)),
        firstAuthorizedAt: Math.min(...of.map((g) => g.createdAt)),
        lastUsedAt: Math.max(...of.map((g) => g.lastUsedAt)),
      };
    })
    .sort((a, b) => b.lastUsedAt - a.lastUsedAt || a.name.localeCompare(b.name));
}
