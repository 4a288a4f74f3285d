/**
 * The contract of the Clerk test double (and, later, the dev stand-in built on it).
 *
 * The double plays Clerk's hosted service only: the Backend API (BAPI) that `@clerk/backend` calls, following
 * Clerk's published OpenAPI contract (`test/vendor/clerk-openapi/bapi-2026-05-12.yml`), and session cookies that
 * the real `@clerk/express` `clerkMiddleware` accepts without any network call (pk_live publishable key +
 * `jwtKey` PEM + `__session`/`__client_uat` cookies).
 */
import type { Router } from 'express';

export interface ClerkDoubleUserInput {
  id?: string;
  firstName?: string | null;
  lastName?: string | null;
  username?: string | null;
  email: string;
  imageUrl?: string;
  publicMetadata?: Record<string, unknown>;
}

export interface ClerkDoubleUser {
  id: string; // user_…
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  email: string;
  emailVerified: boolean;
  imageUrl: string;
  publicMetadata: Record<string, unknown>;
  createdAt: number; // ms
}

export interface ClerkDoubleOrganizationInput {
  id?: string;
  name: string;
  /** Default: the name, lower-cased and dashed. */
  slug?: string;
}

export interface ClerkDoubleOrganization {
  id: string; // org_…
  name: string;
  slug: string;
  publicMetadata: Record<string, unknown>;
  createdAt: number; // ms
  updatedAt: number; // ms
}

export interface ClerkDoubleMembership {
  id: string; // orgmem_…
  organizationId: string;
  userId: string;
  /** Clerk's role key: `org:admin`, `org:member`, or a custom `org:…` role. */
  role: string;
  /** The role's permission keys (the default roles get Clerk's system permissions). */
  permissions: string[];
  createdAt: number; // ms
  updatedAt: number; // ms
}

export type ClerkDoubleSessionStatus = 'active' | 'ended' | 'revoked' | 'expired' | 'removed';

export interface ClerkDoubleSession {
  id: string; // sess_…
  userId: string;
  clientId: string; // client_…
  status: ClerkDoubleSessionStatus;
  createdAt: number; // ms
  lastActiveAt: number; // ms
  expireAt: number; // ms
  /** The organization active in the session (`setActive({ organization })`); `null`/absent: the personal account. */
  lastActiveOrganizationId?: string | null;
}

/** One BAPI request the double answered, for tests that assert "no write request was made". */
export interface ClerkDoubleRequestLog {
  method: string;
  path: string; // path below the api prefix, e.g. `/v1/jwt_templates`
  query: Record<string, unknown>;
  body: unknown;
  status: number;
}

/**
 * A `ClerkErrors` answer to inject into the next matching BAPI request (after authentication), e.g. the 402 of a
 * plan limit: `{ status: 402, code: 'unsupported_subscription_plan_features', message: 'Unsupported plan features' }`.
 */
export interface ClerkDoubleFailure {
  status: number;
  code: string;
  message: string;
  /** Default: `message`. */
  longMessage?: string;
  meta?: Record<string, unknown>;
  /** Which request it hits: the next write (POST, PATCH, PUT, DELETE), the default, or the next request of any method. */
  on?: 'write' | 'any';
}

/** `development` instances have `pk_test_` keys and dev-browser handshakes; `production` ones `pk_live_`. */
export type ClerkDoubleInstanceType = 'development' | 'production';

/** One `GET /v1/client/handshake` the Frontend API answered with a redirect. */
export interface ClerkDoubleHandshakeLog {
  /** `__clerk_hs_reason` sent by the middleware, e.g. `dev-browser-missing`, `client-uat-but-no-session-token`. */
  reason: string;
  redirectUrl: string;
  payload: 'token' | 'nonce';
  /** Production carries the payload as a cookie on the instance's domain, development as query parameters. */
  carrier: 'cookie' | 'query';
  /** Whether the directives carried a session. */
  signedIn: boolean;
}

export interface ClerkDoubleOptions {
  /**
   * Which kind of instance: the publishable key is `pk_live_…` for `production` (the default, where
   * `@clerk/express` verifies `__session` without a network call) or `pk_test_…` for `development`.
   */
  instanceType?: ClerkDoubleInstanceType;
  /** What the Frontend API answers to a handshake asking `format=nonce`: the signed payload (default) or a nonce. */
  handshakePayload?: 'token' | 'nonce';
  /** Origins outside the instance's domain that handshakes and hosted sign-in may return to (production). */
  allowedRedirectOrigins?: string[];
  /**
   * Seed the two documented test users (`user_test_alice`, `user_test_bob`) and two organizations: Alice is
   * `org:admin` of `org_test_acme` and `org:member` of `org_test_globex`; Bob belongs to none. Default true.
   */
  seedUsers?: boolean;
  /** Frontend API origin that session tokens carry as `iss`. Default `https://clerk.double.test`. */
  frontendApi?: string;
  /** Secret key the double accepts in `Authorization: Bearer`. Default a fresh `sk_test_…`. */
  secretKey?: string;
  /**
   * Origin of the app the browser session lives on: `azp` of the `__session` tokens from `sessionToken()` and
   * `sessionCookie()` (Clerk sets it from the browser's `Origin`). Match it to `clerkMiddleware({ authorizedParties })`
   * when a test sets those. Default `http://localhost:3000`.
   */
  authorizedParty?: string;
}

export interface ClerkDouble {
  /** Serves the BAPI paths under `/v1/…`; mount it at any prefix and set {@link ClerkDouble.apiUrl}. */
  readonly router: Router;
  /** What `@clerk/backend` takes as `apiUrl` (no `/v1`): set by `listen()`, or by the caller after mounting. */
  apiUrl: string;
  readonly secretKey: string;
  /** `pk_live_…` (or `pk_test_…` for a development instance): base64 of `<frontend API host>$`. */
  readonly publishableKey: string;
  readonly instanceType: ClerkDoubleInstanceType;
  /**
   * Clerk's Frontend API as browsers reach it (`GET /v1/client/handshake`, `GET /v1/tickets/accept`); serve it at
   * the root of the {@link ClerkDouble.frontendApi} host.
   */
  readonly frontendApiRouter: Router;
  /**
   * Clerk's hosted sign-in (Account Portal `/sign-in`): serve it at the root of the `accounts.` host. Development
   * instances return to `redirect_url` with `__clerk_db_jwt`; production ones through the FAPI's ticket accept.
   */
  readonly accountPortalRouter: Router;
  /** Every handshake the Frontend API answered, in order. */
  readonly handshakes: ClerkDoubleHandshakeLog[];
  /** PEM (SPKI) of the instance key, for `clerkMiddleware({ jwtKey })` networkless verification. */
  readonly jwtKey: string;
  /** `iss` of Clerk-signed tokens (session and template tokens). */
  readonly frontendApi: string;
  readonly users: ReadonlyMap<string, ClerkDoubleUser>;
  readonly sessions: ReadonlyMap<string, ClerkDoubleSession>;
  readonly organizations: ReadonlyMap<string, ClerkDoubleOrganization>;
  /** Memberships by id (`orgmem_…`). */
  readonly memberships: ReadonlyMap<string, ClerkDoubleMembership>;
  /** Every BAPI request answered, in order. */
  readonly requests: ClerkDoubleRequestLog[];
  createUser(input: ClerkDoubleUserInput): ClerkDoubleUser;
  /** An active session for the user (what a sign-in produces). */
  createSession(userId: string): ClerkDoubleSession;
  createOrganization(input: ClerkDoubleOrganizationInput): ClerkDoubleOrganization;
  /** Adds the user to the organization with a role (default `org:member`), as an admin invitation accepted would. */
  addMembership(organizationId: string, userId: string, role?: string): ClerkDoubleMembership;
  /** Changes the member's role (and with it the permissions), as `organizations.updateOrganizationMembership` would. */
  setMembershipRole(organizationId: string, userId: string, role: string): ClerkDoubleMembership;
  /** Removes the member, as `DELETE /organizations/{id}/memberships/{user_id}` does; sessions active in it fall back to none. */
  removeMembership(organizationId: string, userId: string): void;
  /** Deletes the organization and its memberships. */
  deleteOrganization(organizationId: string): void;
  /**
   * Switches the session's active organization, as the browser's `setActive({ organization })` does; the next
   * `sessionCookie()` carries it (`o` claim). `null`: the personal account.
   */
  setActiveOrganization(sessionId: string, organizationId: string | null): void;
  /** Sign-out: status `ended`. */
  endSession(sessionId: string): void;
  /** Admin revocation: status `revoked`. */
  revokeSession(sessionId: string): void;
  /**
   * A `Cookie` header value (`__session=<session JWT>; __client_uat=<secs>`) that the real `clerkMiddleware`
   * (configured with this double's publishableKey, secretKey and jwtKey) authenticates as that session.
   */
  sessionCookie(sessionId: string, options?: { lifetime?: number }): Promise<string>;
  /** A session token (the `__session` JWT) for the session, signed by the instance key. */
  sessionToken(sessionId: string): Promise<string>;
  /** Start a standalone HTTP server on loopback serving the router at `/`; sets apiUrl. */
  listen(port?: number): Promise<{ url: string; close(): Promise<void> }>;
  /** Answer the next matching BAPI request with this error instead (one shot). */
  failNextRequest?(failure: ClerkDoubleFailure): void;
}
