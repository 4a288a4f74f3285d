/**
 * Who is at `/authorize`, and whether a form post came from the consent page itself (SPEC §11).
 *
 * Only the browser's Clerk cookies identify the user. `clerkMiddleware` also accepts a session token in an
 * `Authorization` header (`@clerk/backend`'s `authenticateRequest` reads `tokenInHeader` first), which would let
 * anyone holding a 60-second session JWT, with no browser, approve a client in the user's name. So a request
 * with an `Authorization` header skips Clerk entirely and is signed out.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 CSRF
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.4 authorization server mix-up and CSRF
 */
import { clerkMiddleware, getAuth } from '@clerk/express';
import type { Request, RequestHandler } from 'express';
import type { IssuerContext } from '../../context.js';

/** `clerkMiddleware` for the browser pages, never run on a request that carries an `Authorization` header. */
export function browserClerkSession(ctx: IssuerContext): RequestHandler {
  const { clerk } = ctx.config;
  const fromCookies = clerkMiddleware({
    clerkClient: ctx.identity.client,
    publishableKey: clerk.publishableKey,
    secretKey: clerk.secretKey,
    ...(clerk.jwtKey ? { jwtKey: clerk.jwtKey } : {}),
    ...(clerk.apiUrl ? { apiUrl: clerk.apiUrl } : {}),
    ...(clerk.authorizedParties ? { authorizedParties: clerk.authorizedParties } : {}),
  });
  return (req, res, next) => (req.headers.authorization === undefined ? fromCookies(req, res, next) : next());
}

/** The Clerk user and session of the browser's cookies; `undefined` when signed out or an `Authorization` header is present. */
export function browserSession(req: Request): { userId: string; sessionId: string; orgId?: string } | undefined {
  if (req.headers.authorization !== undefined) return undefined;
  const auth = getAuth(req);
  if (!auth.userId || !auth.sessionId) return undefined;
  // The organization active in the browser now: only a preselection on the consent page, never what a grant carries.
  return { userId: auth.userId, sessionId: auth.sessionId, ...(auth.orgId ? { orgId: auth.orgId } : {}) };
}

/**
 * True for a form post from the issuer's own page: `Origin` equal to the issuer's origin, or, when the browser
 * withheld it (no `Origin`, or `null` under the page's `no-referrer` policy), `Sec-Fetch-Site: same-origin`.
 * Both are forbidden header names: a page on another site cannot set them, and a script without the user's
 * browser has no Clerk cookies to post with.
 */
export function isSameOriginFormPost(req: Request, issuerOrigin: string): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') return origin === issuerOrigin;
  return req.headers['sec-fetch-site'] === 'same-origin';
}
