/**
 * The double's organizations and memberships, and how BAPI answers them: `Organization`, `OrganizationMembership`
 * (with `public_user_data`) and the paginated `OrganizationMemberships` of the Backend API contract. Default roles
 * carry Clerk's system permissions.
 *
 * @see https://github.com/clerk/openapi-specs/blob/main/bapi/2026-05-12.yml (`components.schemas.OrganizationMembership`)
 * @see https://clerk.com/docs/guides/organizations/control-access/roles-and-permissions default roles, system permissions
 */
import type { ClerkDoubleMembership, ClerkDoubleOrganization, ClerkDoubleOrganizationInput, ClerkDoubleUser } from './contract.js';
import { clerkId } from './ids.js';

/** The permissions of Clerk's default roles: system permissions only (custom roles start with none). */
const DEFAULT_ROLE_PERMISSIONS: Record<string, readonly string[]> = {
  'org:admin': [
    'org:sys_profile:manage',
    'org:sys_profile:delete',
    'org:sys_memberships:read',
    'org:sys_memberships:manage',
    'org:sys_domains:read',
    'org:sys_domains:manage',
  ],
  'org:member': ['org:sys_memberships:read'],
};

export function permissionsOf(role: string): string[] {
  return [...(DEFAULT_ROLE_PERMISSIONS[role] ?? [])];
}

/** The organizations of one instance, with their memberships. */
export class OrganizationDirectory {
  readonly organizations = new Map<string, ClerkDoubleOrganization>();
  readonly memberships = new Map<string, ClerkDoubleMembership>();

  create(input: ClerkDoubleOrganizationInput): ClerkDoubleOrganization {
    const id = input.id ?? clerkId('org');
    if (this.organizations.has(id)) throw new Error(`clerk double: organization ${id} exists`);
    const now = Date.now();
    const slug = input.slug ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const organization: ClerkDoubleOrganization = { id, name: input.name, slug, publicMetadata: {}, createdAt: now, updatedAt: now };
    this.organizations.set(id, organization);
    return organization;
  }

  add(organizationId: string, userId: string, role = 'org:member'): ClerkDoubleMembership {
    this.organization(organizationId);
    if (this.find(organizationId, userId)) throw new Error(`clerk double: ${userId} is already a member of ${organizationId}`);
    const now = Date.now();
    const membership: ClerkDoubleMembership = { id: clerkId('orgmem'), organizationId, userId, role, permissions: permissionsOf(role), createdAt: now, updatedAt: now };
    this.memberships.set(membership.id, membership);
    return membership;
  }

  setRole(organizationId: string, userId: string, role: string): ClerkDoubleMembership {
    const membership = this.find(organizationId, userId);
    if (!membership) throw new Error(`clerk double: ${userId} is not a member of ${organizationId}`);
    Object.assign(membership, { role, permissions: permissionsOf(role), updatedAt: Date.now() });
    return membership;
  }

  /** Removes the membership; returns it, or `undefined` when there was none. */
  remove(organizationId: string, userId: string): ClerkDoubleMembership | undefined {
    const membership = this.find(organizationId, userId);
    if (membership) this.memberships.delete(membership.id);
    return membership;
  }

  delete(organizationId: string): void {
    this.organization(organizationId);
    for (const m of [...this.memberships.values()]) if (m.organizationId === organizationId) this.memberships.delete(m.id);
    this.organizations.delete(organizationId);
  }

  find(organizationId: string, userId: string): ClerkDoubleMembership | undefined {
    return [...this.memberships.values()].find((m) => m.organizationId === organizationId && m.userId === userId);
  }

  /** The user's memberships, newest first (BAPI's default order, `-created_at`). */
  ofUser(userId: string): ClerkDoubleMembership[] {
    return newestFirst([...this.memberships.values()].filter((m) => m.userId === userId));
  }

  /** The organization's memberships, newest first. */
  ofOrganization(organizationId: string): ClerkDoubleMembership[] {
    return newestFirst([...this.memberships.values()].filter((m) => m.organizationId === organizationId));
  }

  organization(organizationId: string): ClerkDoubleOrganization {
    const organization = this.organizations.get(organizationId);
    if (!organization) throw new Error(`clerk double: no organization ${organizationId}`);
    return organization;
  }
}

function newestFirst(memberships: ClerkDoubleMembership[]): ClerkDoubleMembership[] {
  // Stable for equal timestamps: creation order reversed.
  return memberships.map((m, i) => ({ m, i })).sort((a, b) => b.m.createdAt - a.m.createdAt || b.i - a.i).map(({ m }) => m);
}

/** `components.schemas.Organization`. */
export function organizationJson(organization: ClerkDoubleOrganization, membersCount: number): Record<string, unknown> {
  return {
    object: 'organization',
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    image_url: `https://img.clerk.com/organization/${organization.id}`,
    has_image: false,
    members_count: membersCount,
    max_allowed_memberships: 5,
    admin_delete_enabled: true,
    public_metadata: organization.publicMetadata,
    private_metadata: {},
    created_at: organization.createdAt,
    updated_at: organization.updatedAt,
  };
}

/** `components.schemas.OrganizationMembership`, with `public_user_data` (`OrganizationMembershipPublicUserData`). */
export function membershipJson(membership: ClerkDoubleMembership, directory: OrganizationDirectory, user: ClerkDoubleUser | undefined): Record<string, unknown> {
  const organization = directory.organization(membership.organizationId);
  return {
    id: membership.id,
    object: 'organization_membership',
    role: membership.role,
    role_name: membership.role.replace(/^org:/, '').replace(/^./, (c) => c.toUpperCase()),
    permissions: membership.permissions,
    public_metadata: {},
    private_metadata: {},
    organization: organizationJson(organization, directory.ofOrganization(organization.id).length),
    public_user_data: {
      user_id: membership.userId,
      first_name: user?.firstName ?? null,
      last_name: user?.lastName ?? null,
      profile_image_url: user?.imageUrl ?? null,
      image_url: user?.imageUrl ?? '',
      has_image: false,
      identifier: user?.email ?? null,
      username: user?.username ?? null,
    },
    created_at: membership.createdAt,
    updated_at: membership.updatedAt,
  };
}

/** The `org` and `org_membership` trees template shortcodes resolve against, for the session's active organization. */
export function organizationShortcodes(membership: ClerkDoubleMembership, organization: ClerkDoubleOrganization): Record<string, Record<string, unknown>> {
  return {
    org: {
      id: organization.id,
      name: organization.name,
      slug: organization.slug,
      image_url: `https://img.clerk.com/organization/${organization.id}`,
      has_image: false,
      role: membership.role,
      permissions: membership.permissions,
      public_metadata: organization.publicMetadata,
    },
    org_membership: { public_metadata: {} },
  };
}
