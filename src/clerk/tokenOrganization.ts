/**
 * Which organization a Clerk-minted token speaks for, and the refusal to hand one out for another organization
 * than the grant's (SPEC §11 Organizations). Clerk renders session and template tokens for the organization active
 * in the browser session; its Backend API takes no organization when minting (`POST /sessions/{id}/tokens[/{template}]`
 * accepts only `expires_in_seconds`), so the kit cannot mint for the grant's organization: it checks instead.
 *
 * @see https://clerk.com/docs/guides/sessions/session-tokens session token claims (v2 `o.id`, v1 `org_id`)
 */
import { decodeJwt } from 'jose';

/** Thrown by `clerkToken()` when the Clerk token is for another organization (or the personal account) than the grant. */
export class ClerkTokenOrganizationError extends Error {
  readonly code = 'ERR_CLERK_TOKEN_ORGANIZATION';
  constructor() {
    super(
      'clerkToken: Clerk minted this token for the organization active in the browser session, which is not the one this grant acts for; ' +
        'Clerk cannot mint for another organization. Use the organization in clerkAuth(authInfo) (orgId) with your own API instead.',
    );
    this.name = 'ClerkTokenOrganizationError';
  }
}

/**
 * The organization a Clerk token names: `o.id` of a version-2 session token, else `org_id` (version-1 session
 * tokens, and the name template tokens should give `{{org.id}}`); `undefined` when it names none.
 */
export function tokenOrganization(token: string): string | undefined {
  const claims = decodeJwt(token) as { o?: { id?: unknown }; org_id?: unknown };
  const id = claims.o?.id ?? claims.org_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Throws {@link ClerkTokenOrganizationError} unless the token speaks for `grantOrgId` (`undefined`: no organization). */
export function assertTokenOrganization(token: string, grantOrgId: string | undefined): void {
  if (tokenOrganization(token) !== grantOrgId) throw new ClerkTokenOrganizationError();
}
