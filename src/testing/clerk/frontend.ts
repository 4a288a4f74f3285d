/**
 * The browser side of the Clerk instance: Frontend API clients (the `__client` cookie on the FAPI host in
 * production, a dev-browser token `__clerk_db_jwt` on development instances), sign-in tickets, and the cookie
 * directives a handshake hands to the app's backend (`__session`, `__client_uat`, `__clerk_db_jwt`).
 *
 * @see https://clerk.com/docs/guides/how-clerk-works/overview#the-handshake
 * @see https://clerk.com/docs/guides/how-clerk-works/cookies
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClerkDoubleHandshakeLog, ClerkDoubleInstanceType, ClerkDoubleSession } from './contract.js';
import { clerkId } from './ids.js';
import type { InstanceKey } from './keys.js';
import { mintSessionToken, SESSION_TOKEN_LIFETIME } from './tokens.js';

/** One browser as Clerk's Frontend API knows it. `uat`: Unix seconds of the last sign-in/out (0: never signed in). */
export interface FrontendClient {
  readonly id: string;
  sessionId?: string;
  uat: number;
}

export interface FrontendState {
  readonly instanceType: ClerkDoubleInstanceType;
  /** `https://clerk.example.com`: what the publishable key names and tokens carry as `iss`. */
  readonly frontendApi: URL;
  readonly key: InstanceKey;
  /** What `format=nonce` handshakes answer with: the payload itself (`token`) or a nonce to fetch it by. */
  readonly payloadFormat: 'token' | 'nonce';
  /** Origins besides the instance's own domain that handshakes and sign-ins may return to. */
  readonly allowedRedirectOrigins: readonly string[];
  readonly clients: Map<string, FrontendClient>;
  /** dev-browser token → client id. */
  readonly devBrowsers: Map<string, string>;
  /** handshake nonce → cookie directives, read once through BAPI `GET /v1/clients/handshake_payload`. */
  readonly nonces: Map<string, string[]>;
  /** sign-in ticket → user id (single use). */
  readonly tickets: Map<string, string>;
  readonly handshakes: ClerkDoubleHandshakeLog[];
  sessions: ReadonlyMap<string, ClerkDoubleSession>;
  createSession(userId: string): ClerkDoubleSession;
  /** The `o` claim of the session's tokens: its active organization, if any. */
  activeOrganization?(session: ClerkDoubleSession): { id: string; slug: string; role: string } | undefined;
}

const YEAR = 365 * 24 * 3600;

/** The registrable domain the instance's cookies are shared on: `clerk.example.com` → `example.com`. */
export function instanceDomain(state: FrontendState): string {
  return state.frontendApi.hostname.split('.').slice(1).join('.');
}

/** The Account Portal origin Clerk derives from the Frontend API host (`clerk.` → `accounts.`). */
export function accountPortalOrigin(state: FrontendState): string {
  return `https://${state.frontendApi.host.replace(/^clerk\./, 'accounts.')}`;
}

/**
 * May a handshake or sign-in return there? Production instances return only to their own domain and its
 * subdomains (or a configured allowed origin); development instances to any http(s) origin, like localhost.
 * @see https://clerk.com/docs/guides/secure/restricting-access#allowed-redirect-origins
 */
export function redirectAllowed(state: FrontendState, url: URL): boolean {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (state.instanceType === 'development') return true;
  const domain = instanceDomain(state);
  return url.hostname === domain || url.hostname.endsWith(`.${domain}`) || state.allowedRedirectOrigins.includes(url.origin);
}

export function newClient(state: FrontendState): FrontendClient {
  const client: FrontendClient = { id: clerkId('client'), uat: 0 };
  state.clients.set(client.id, client);
  return client;
}

/** A new dev browser and its client: the token Clerk puts in `__clerk_db_jwt` (a JWT naming the dev browser). */
export async function newDevBrowser(state: FrontendState): Promise<{ token: string; client: FrontendClient }> {
  const client = newClient(state);
  const token = await new SignJWT({ dev: clerkId('dvb') })
    .setProtectedHeader({ alg: 'RS256', kid: state.key.kid, typ: 'JWT' })
    .setIssuedAt()
    .sign(state.key.privateKey);
  state.devBrowsers.set(token, client.id);
  return { token, client };
}

/** Signs the client in as `userId`: a new active session, and `__client_uat` moves to now. */
export function signInClient(state: FrontendState, client: FrontendClient, userId: string): void {
  client.sessionId = state.createSession(userId).id;
  client.uat = Math.floor(Date.now() / 1000);
}

/** The client's session if it is still active. */
function activeSession(state: FrontendState, client: FrontendClient): ClerkDoubleSession | undefined {
  const session = client.sessionId === undefined ? undefined : state.sessions.get(client.sessionId);
  return session !== undefined && session.status === 'active' && session.expireAt > Date.now() ? session : undefined;
}

/** A random handshake nonce or ticket. */
export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The `Set-Cookie` directives the app's backend applies after a handshake: the session token minted for the
 * app's origin (`azp`), `__client_uat` (on the instance's domain in production), the dev-browser token in
 * development, each also under the publishable-key suffix when the middleware asked for `suffixed_cookies`.
 * @see https://clerk.com/docs/guides/how-clerk-works/cookies
 */
export async function handshakeDirectives(
  state: FrontendState,
  client: FrontendClient,
  appOrigin: string,
  options: { suffix?: string; devBrowser?: string },
): Promise<string[]> {
  const production = state.instanceType === 'production';
  const attributes = production ? `; Path=/; Secure; SameSite=Lax` : `; Path=/; SameSite=Lax`;
  const shared = production ? `; Path=/; Domain=${instanceDomain(state)}; Secure; SameSite=Lax` : attributes;
  const session = activeSession(state, client);
  const now = Math.floor(Date.now() / 1000);
  const cookies: Array<[string, string]> = [];
  if (session) {
    const token = await mintSessionToken({
      key: state.key,
      issuer: state.frontendApi.origin,
      sessionId: session.id,
      userId: session.userId,
      issuedAt: now,
      authorizedParty: appOrigin,
      lifetime: SESSION_TOKEN_LIFETIME,
      organization: state.activeOrganization?.(session),
    });
    cookies.push(['__session', `${token}${attributes}`], ['__client_uat', `${client.uat}${shared}; Max-Age=${YEAR}`]);
  } else {
    cookies.push(['__session', `${attributes}; Max-Age=0`], ['__client_uat', `0${shared}; Max-Age=${YEAR}`]);
  }
  if (options.devBrowser !== undefined) cookies.push(['__clerk_db_jwt', `${options.devBrowser}${attributes}; Max-Age=${YEAR}`]);
  const directives: string[] = [];
  for (const [name, rest] of cookies) {
    directives.push(`${name}=${rest}`);
    if (options.suffix) directives.push(`${name}_${options.suffix}=${rest}`);
  }
  // The payload cookie has done its job once applied; production carries it on the shared domain.
  if (production) directives.push(`__clerk_handshake=${shared}; Max-Age=0`, `__clerk_handshake_nonce=${shared}; Max-Age=0`);
  return directives;
}

/**
 * The handshake payload as a token: a JWT signed with the instance key whose `handshake` claim lists the directives
 * (`@clerk/backend` verifies it with `jwtKey` or the JWKS and refuses a non-session `cat`).
 * @see https://github.com/clerk/javascript/blob/main/packages/backend/src/tokens/handshake.ts
 */
export async function handshakeToken(state: FrontendState, directives: string[]): Promise<string> {
  return new SignJWT({ handshake: directives })
    .setProtectedHeader({ alg: 'RS256', kid: state.key.kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(state.key.privateKey);
}
