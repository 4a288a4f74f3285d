/**
 * The organization claims of a grant (pure): Clerk's own claim names, from the membership fixed in the grant, never
 * from the organization active in the browser at minting time (SPEC §11 Organizations).
 *
 * Clerk's version-1 session token carries the active organization as `org_id`, `org_slug`, `org_role` and
 * `org_permissions` (version 2 packs them into `o`); its OAuth id_token and userinfo use `org_id`, `org_name` and
 * `org_slug`. Those are the names the kit issues, flat, in the access token and the id_token.
 *
 * @see https://clerk.com/docs/guides/sessions/session-tokens#version-1 v1 org claims
 * @see https://clerk.com/docs/guides/configure/auth-strategies/oauth/how-clerk-implements-oauth org_id in the id_token
 */
import type { GrantOrganization } from '../grants/grant.js';

/** The claims the kit owns when organizations are on; a template's claims of these names are replaced. */
export const ORGANIZATION_CLAIMS = ['org_id', 'org_name', 'org_slug', 'org_role', 'org_permissions'] as const;

export interface OrganizationClaims {
  org_id: string;
  org_name: string;
  org_slug: string;
  /** Clerk's role key, e.g. `org:admin`. */
  org_role: string;
  /** Clerk's permission keys, e.g. `org:sys_memberships:read`. */
  org_permissions: string[];
}

/** The organization claims of a grant bound to `organization`. */
export function organizationClaims(organization: GrantOrganization): OrganizationClaims {
  return {
    org_id: organization.id,
    org_name: organization.name,
    org_slug: organization.slug,
    org_role: organization.role,
    org_permissions: [...organization.permissions],
  };
}

/**
 * The template's identity claims with the organization claims replaced by the grant's: the template's own
 * `org_*` values (rendered for whatever organization was active in the browser) are dropped, and the grant's set,
 * so the two can never disagree. A grant of the personal account carries none.
 */
export function withGrantOrganization(claims: Record<string, unknown>, organization: GrantOrganization | undefined): Record<string, unknown> {
  const own = new Set<string>(ORGANIZATION_CLAIMS);
  const rest = Object.fromEntries(Object.entries(claims).filter(([name]) => !own.has(name)));
  return organization ? { ...rest, ...organizationClaims(organization) } : rest;
}
