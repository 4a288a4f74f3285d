/**
 * Clerk as the source of identity (SPEC §1): the user's live session, and the identity claims of the JWT
 * template minted for it. Everything Clerk goes through `@clerk/backend`; nothing of Clerk's is forwarded
 * to the MCP client.
 *
 * @see https://clerk.com/docs/reference/backend/sessions/get-token `POST /sessions/{id}/tokens/{template}`
 */
import { createClerkClient, type ClerkClient } from '@clerk/backend';
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { decodeJwt } from 'jose';
import { OAuthError } from '../errors/oauthError.js';
import type { ResolvedConfig } from '../config/options.js';
import { FORBIDDEN_TEMPLATE_CLAIMS } from '../templates/claims.js';

/**
 * Claims the kit sets itself and never takes from a template: Clerk's default claims (a template token carries
 * Clerk's `iss`, which is the very bug this package fixes), session-only claims, and the id_token envelope. The
 * same list that `provision` refuses in template files.
 */
export const ENVELOPE_CLAIMS: ReadonlySet<string> = new Set(FORBIDDEN_TEMPLATE_CLAIMS);

/**
 * The Clerk session behind a grant is gone (signed out, revoked, expired): the grant ends. The description goes
 * to the client: it names no Clerk id (SPEC §11).
 */
export class ClerkSessionEndedError extends OAuthError {
  constructor() {
    super('invalid_grant', { description: 'the sign-in session ended; sign in again' });
  }
}

export interface ClerkSessionState {
  userId: string;
  /** When the user authenticated, seconds since the epoch (the session's creation). */
  authTime: number;
}

export class ClerkIdentity {
  readonly client: ClerkClient;

  constructor(private readonly config: ResolvedConfig['clerk']) {
    this.client = createClerkClient({
      secretKey: config.secretKey,
      publishableKey: config.publishableKey,
      ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}),
      ...(config.jwtKey ? { jwtKey: config.jwtKey } : {}),
    });
  }

  /** The session's user and authentication time; throws {@link ClerkSessionEndedError} when not active. */
  async activeSession(sessionId: string): Promise<ClerkSessionState> {
    let session;
    try {
      session = await this.client.sessions.getSession(sessionId);
    } catch (error) {
      if (isClerkAPIResponseError(error) && error.status === 404) throw new ClerkSessionEndedError();
      throw unavailable(error);
    }
    if (session.status !== 'active') throw new ClerkSessionEndedError();
    return { userId: session.userId, authTime: Math.floor(session.createdAt / 1000) };
  }

  /** How the consent page names the signed-in user: primary email, else name, else the Clerk user id. */
  async userLabel(userId: string): Promise<string> {
    try {
      const user = await this.client.users.getUser(userId);
      return user.primaryEmailAddress?.emailAddress ?? user.fullName ?? userId;
    } catch {
      return userId;
    }
  }

  /**
   * The identity claims of the configured JWT template for a live session, minus every claim the kit sets
   * itself ({@link ENVELOPE_CLAIMS}). Minting only succeeds for an active session, which is how a signed-out
   * user ends the grant at the next refresh.
   */
  async templateClaims(sessionId: string): Promise<Record<string, unknown>> {
    const jwt = await this.mint(sessionId, this.config.jwtTemplate);
    // Decoded, not verified: the token came straight from Clerk's Backend API over TLS, authenticated by our
    // secret key (the same reasoning OIDC Core §3.1.3.7 step 6 applies to a token endpoint response).
    const claims = decodeJwt(jwt);
    return Object.fromEntries(Object.entries(claims).filter(([name]) => !ENVELOPE_CLAIMS.has(name)));
  }

  /**
   * A fresh Clerk token for the session: the session token, or a template token when `template` is given.
   * Used to call the server's own Clerk-protected APIs as the user (token exchange, never passthrough).
   */
  async mint(sessionId: string, template?: string): Promise<string> {
    try {
      const token = await this.client.sessions.getToken(sessionId, template);
      return token.jwt;
    } catch (error) {
      if (!isClerkAPIResponseError(error) || error.status >= 500) throw unavailable(error);
      // Clerk answers 4xx both for a dead session and for a missing template; only the session's state tells.
      await this.activeSession(sessionId);
      const code = error.errors?.[0]?.code ?? String(error.status);
      throw new Error(
        `Clerk refused to mint ${template ? `from JWT template "${template}"` : 'a session token'} (${error.status} ${code}); ` +
          (template ? 'create the template with `npx clerk-mcp-issuer provision`' : 'check the Clerk secret key'),
      );
    }
  }
}

/** Clerk unreachable or failing: the client may retry later (RFC 6749 §4.1.2.1 temporarily_unavailable). */
function unavailable(cause: unknown): OAuthError {
  return new OAuthError('temporarily_unavailable', { description: 'the identity provider is unavailable; try again shortly', cause });
}
