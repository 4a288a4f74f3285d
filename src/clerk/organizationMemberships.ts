/**
 * The user's Clerk organization memberships (option `organizations`): all of them for the consent page, and one
 * of them at each refresh. Through `@clerk/backend`, Clerk's Backend API contract:
 * `GET /users/{user_id}/organization_memberships` (paginated) and
 * `GET /organizations/{organization_id}/memberships?user_id=…` (one call, filtered to the user).
 *
 * @see https://clerk.com/docs/reference/backend/user/get-organization-membership-list
 * @see https://clerk.com/docs/reference/backend/organization/get-organization-membership-list
 */
import type { ClerkClient, OrganizationMembership } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { OAuthError } from '../errors/oauthError.js';
import type { GrantOrganization } from '../grants/grant.js';

/** Page size of the membership list (BAPI allows 1..500). */
const PAGE = 100;
/** The consent page lists at most this many organizations: a bound on Clerk calls for one page view. */
const MAX_LISTED = 500;

function fromClerk(membership: OrganizationMembership): GrantOrganization {
  return {
    id: membership.organization.id,
    name: membership.organization.name,
    slug: membership.organization.slug ?? '',
    role: membership.role,
    permissions: [...(membership.permissions ?? [])],
  };
}

function unavailable(cause: unknown): OAuthError {
  return new OAuthError('temporarily_unavailable', { description: 'the identity provider is unavailable; try again shortly', cause });
}

/** Every organization the user belongs to, with the role and permissions of the membership, page by page. */
export async function userMemberships(client: ClerkClient, userId: string): Promise<GrantOrganization[]> {
  const all: GrantOrganization[] = [];
  try {
    for (let offset = 0; offset < MAX_LISTED; offset += PAGE) {
      const page = await client.users.getOrganizationMembershipList({ userId, limit: PAGE, offset });
      all.push(...page.data.map(fromClerk));
      if (page.data.length < PAGE || all.length >= page.totalCount) break;
    }
  } catch (error) {
    throw unavailable(error);
  }
  return all;
}

/**
 * The user's membership of one organization as Clerk has it now, or `undefined` when the user is no longer a
 * member (or the organization is gone). One Backend API call.
 */
export async function currentMembership(client: ClerkClient, userId: string, organizationId: string): Promise<GrantOrganization | undefined> {
  try {
    const page = await client.organizations.getOrganizationMembershipList({ organizationId, userId: [userId], limit: 1 });
    const membership = page.data.find((m) => m.publicUserData?.userId === userId && m.organization.id === organizationId);
    return membership ? fromClerk(membership) : undefined;
  } catch (error) {
    // A deleted organization is not found: its memberships are gone with it.
    if (isClerkAPIResponseError(error) && error.status === 404) return undefined;
    throw unavailable(error);
  }
}
