/**
 * The Clerk test double: Clerk's hosted service in-process. It owns the instance (key, users, sessions, JWT
 * templates), serves the Backend API through {@link bapiRouter}, and mints the `__session` cookies that the real
 * `@clerk/express` `clerkMiddleware` verifies without a network call (`pk_live_…` + `jwtKey`).
 *
 * @see ./contract.ts for the contract it implements
 * @see https://clerk.com/docs/guides/how-clerk-works/overview
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { bapiRouter, type BapiState } from './bapi.js';
import type {
  ClerkDouble,
  ClerkDoubleFailure,
  ClerkDoubleOptions,
  ClerkDoubleRequestLog,
  ClerkDoubleSession,
  ClerkDoubleUser,
  ClerkDoubleUserInput,
} from './contract.js';
import { clerkId, publishableKeyFor, randomSecretKey } from './ids.js';
import { createInstanceKey } from './keys.js';
import type { JwtTemplateRecord } from './resources.js';
import { accountPortalRouter } from './accountPortal.js';
import { frontendApiRouter } from './fapi.js';
import type { FrontendState } from './frontend.js';
import { mintSessionToken } from './tokens.js';
import { OrganizationDirectory } from './organizations.js';

/** Clerk's default session lifetime: seven days from sign-in. */
const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** The users seeded unless `seedUsers: false`; ids are fixed so tests can name them. */
const SEED_USERS: readonly ClerkDoubleUserInput[] = [
  { id: 'user_test_alice', firstName: 'Alice', lastName: 'Example', email: 'alice@example.com' },
  { id: 'user_test_bob', firstName: 'Bob', lastName: 'Example', email: 'bob@example.com' },
];

/** The organizations seeded with the users: Alice is an admin of one and a member of the other; Bob of none. */
const SEED_ORGANIZATIONS = [
  { id: 'org_test_acme', name: 'Acme Corp', slug: 'acme', members: [['user_test_alice', 'org:admin']] },
  { id: 'org_test_globex', name: 'Globex', slug: 'globex', members: [['user_test_alice', 'org:member']] },
] as const;

/**
 * A fresh Clerk instance double. Async because the instance key is generated.
 * @see https://github.com/clerk/openapi-specs/blob/main/bapi/2026-05-12.yml
 */
export async function createClerkDouble(options: ClerkDoubleOptions = {}): Promise<ClerkDouble> {
  const frontendApiUrl = new URL(options.frontendApi ?? 'https://clerk.double.test');
  // `iss` is the origin, without the trailing slash `URL#href` would add.
  const frontendApi = frontendApiUrl.origin;
  const secretKey = options.secretKey ?? randomSecretKey();
  // Clerk's own examples show a local app at `http://localhost:3000` as `azp`.
  const authorizedParty = options.authorizedParty ?? 'http://localhost:3000';
  const key = await createInstanceKey();

  const users = new Map<string, ClerkDoubleUser>();
  const sessions = new Map<string, ClerkDoubleSession>();
  const templates = new Map<string, JwtTemplateRecord>();
  const requests: ClerkDoubleRequestLog[] = [];
  const directory = new OrganizationDirectory();
  /** The `o` claim: the session's active organization while the user is still a member of it. */
  const activeOrganization = (session: ClerkDoubleSession) => {
    const orgId = session.lastActiveOrganizationId;
    const membership = orgId ? directory.find(orgId, session.userId) : undefined;
    if (!membership) return undefined;
    return { id: membership.organizationId, slug: directory.organization(membership.organizationId).slug, role: membership.role };
  };
  const instanceType = options.instanceType ?? 'production';
  const publishableKey = publishableKeyFor(frontendApiUrl, instanceType);
  const frontend: FrontendState = {
    instanceType,
    frontendApi: frontendApiUrl,
    key,
    payloadFormat: options.handshakePayload ?? 'token',
    allowedRedirectOrigins: options.allowedRedirectOrigins ?? [],
    clients: new Map(),
    devBrowsers: new Map(),
    nonces: new Map(),
    tickets: new Map(),
    handshakes: [],
    sessions,
    createSession: (userId) => double.createSession(userId),
    activeOrganization,
  };
  let pendingFailure: ClerkDoubleFailure | undefined;

  const state: BapiState = {
    secretKey,
    frontendApi,
    key,
    users,
    sessions,
    templates,
    requests,
    handshakeNonces: frontend.nonces,
    directory,
    activeOrganization,
    takeFailure(method) {
      const failure = pendingFailure;
      if (failure === undefined) return undefined;
      if ((failure.on ?? 'write') === 'write' && !WRITE_METHODS.has(method)) return undefined;
      pendingFailure = undefined;
      return failure;
    },
  };

  function sessionOf(sessionId: string): ClerkDoubleSession {
    const session = sessions.get(sessionId);
    if (session === undefined) throw new Error(`clerk double: no session ${sessionId}`);
    return session;
  }

  /** The `__session` token a browser on `authorizedParty` would hold for the session. */
  async function cookieTokenAt(session: ClerkDoubleSession, issuedAt: number, lifetime?: number): Promise<string> {
    const { id: sessionId, userId } = session;
    return mintSessionToken({ key, issuer: frontendApi, sessionId, userId, issuedAt, authorizedParty, lifetime, organization: activeOrganization(session) });
  }

  const double: ClerkDouble = {
    router: bapiRouter(state),
    apiUrl: '',
    secretKey,
    publishableKey,
    instanceType,
    frontendApiRouter: frontendApiRouter(frontend, publishableKey),
    get accountPortalRouter() {
      return accountPortalRouter(double, frontend);
    },
    handshakes: frontend.handshakes,
    jwtKey: key.pem,
    frontendApi,
    users,
    sessions,
    organizations: directory.organizations,
    memberships: directory.memberships,
    requests,

    createOrganization: (input) => directory.create(input),
    addMembership: (organizationId, userId, role) => {
      if (!users.has(userId)) throw new Error(`clerk double: no user ${userId}`);
      return directory.add(organizationId, userId, role);
    },
    setMembershipRole: (organizationId, userId, role) => directory.setRole(organizationId, userId, role),
    removeMembership(organizationId, userId) {
      if (!directory.remove(organizationId, userId)) throw new Error(`clerk double: ${userId} is not a member of ${organizationId}`);
    },
    deleteOrganization: (organizationId) => directory.delete(organizationId),
    setActiveOrganization(sessionId, organizationId) {
      const session = sessionOf(sessionId);
      if (organizationId !== null && !directory.find(organizationId, session.userId)) {
        throw new Error(`clerk double: ${session.userId} is not a member of ${organizationId}`);
      }
      session.lastActiveOrganizationId = organizationId;
    },

    createUser(input) {
      const id = input.id ?? clerkId('user');
      if (users.has(id)) throw new Error(`clerk double: user ${id} exists`);
      const user: ClerkDoubleUser = {
        id,
        firstName: input.firstName ?? null,
        lastName: input.lastName ?? null,
        username: input.username ?? null,
        email: input.email,
        emailVerified: true,
        // Clerk gives every user an image URL, a generated avatar when none was uploaded.
        imageUrl: input.imageUrl ?? `https://img.clerk.com/avatar/${id}`,
        publicMetadata: input.publicMetadata ?? {},
        createdAt: Date.now(),
      };
      users.set(id, user);
      return user;
    },

    createSession(userId) {
      if (!users.has(userId)) throw new Error(`clerk double: no user ${userId}`);
      const now = Date.now();
      const session: ClerkDoubleSession = {
        id: clerkId('sess'),
        userId,
        clientId: clerkId('client'),
        status: 'active',
        createdAt: now,
        lastActiveAt: now,
        expireAt: now + SESSION_LIFETIME_MS,
      };
      sessions.set(session.id, session);
      return session;
    },

    endSession(sessionId) {
      sessionOf(sessionId).status = 'ended';
    },

    revokeSession(sessionId) {
      sessionOf(sessionId).status = 'revoked';
    },

    async sessionToken(sessionId) {
      return cookieTokenAt(sessionOf(sessionId), Math.floor(Date.now() / 1000));
    },

    async sessionCookie(sessionId, cookieOptions) {
      const session = sessionOf(sessionId);
      const issuedAt = Math.floor(Date.now() / 1000);
      // `__client_uat` after the token's `iat` tells `@clerk/backend` the token is stale and sends it to a handshake.
      const clientUat = Math.min(Math.floor(session.createdAt / 1000), issuedAt);
      // Clerk's browser SDK refreshes the 60 s token every minute; a stand-in without it may ask for a longer one.
      return `__session=${await cookieTokenAt(session, issuedAt, cookieOptions?.lifetime)}; __client_uat=${clientUat}`;
    },

    async listen(port = 0) {
      const app = express();
      app.use(double.router);
      const server = app.listen(port, '127.0.0.1');
      await new Promise<void>((resolve, reject) => {
        server.once('listening', resolve);
        server.once('error', reject);
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      double.apiUrl = url;
      return {
        url,
        close: () =>
          new Promise<void>((resolve, reject) => {
            server.close((error) => (error ? reject(error) : resolve()));
            // Keep-alive sockets from fetch() would hold close() open until they idle out.
            server.closeAllConnections();
          }),
      };
    },

    failNextRequest(failure) {
      pendingFailure = failure;
    },
  };

  if (options.seedUsers !== false) {
    for (const seed of SEED_USERS) double.createUser(seed);
    for (const { members, ...organization } of SEED_ORGANIZATIONS) {
      double.createOrganization(organization);
      for (const [userId, role] of members) double.addMembership(organization.id, userId, role);
    }
  }
  return double;
}
