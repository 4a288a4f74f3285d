/**
 * What `/authorize` does about Clerk's handshake (the 307 round trip `clerkMiddleware` makes through Clerk's
 * Frontend API to learn the browser's session on this host): its own `__clerk_*` query parameters are not part
 * of the authorization request, and when the handshake cannot complete the browser stops on a page that says
 * so instead of bouncing between Clerk, its sign-in page and this endpoint.
 *
 * @see https://clerk.com/docs/guides/how-clerk-works/overview#the-handshake
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.1.1 authorization request parameters
 */
import { getAuth } from '@clerk/express';
import type { NextFunction, Request, Response } from 'express';
import { sendErrorPage } from '../../pages/errorPage.js';

/**
 * `clerkMiddleware` counts its handshakes in this cookie (2 s lifetime) and gives up at 3: it then lets the request
 * through signed out. @see @clerk/backend `HandshakeService.checkAndTrackRedirectLoop`
 */
const REDIRECT_COUNT_COOKIE = '__clerk_redirect_count';
const LOOP_LIMIT = 3;

/**
 * The request's parameters without Clerk's (`__clerk_handshake`, `__clerk_db_jwt`, `__clerk_synced`, …): they are
 * Clerk's hand-over to the middleware, never the client's, so they do not reach the consent form, the return URL
 * or the client.
 */
export function withoutClerkParameters(params: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const [name, value] of params) if (!name.startsWith('__clerk')) kept.append(name, value);
  return kept;
}

function redirectCount(req: Request): number {
  const match = new RegExp(`(?:^|;\\s*)${REDIRECT_COUNT_COOKIE}=(\\d+)`).exec(req.headers.cookie ?? '');
  return match ? Number(match[1]) : 0;
}

/**
 * After `clerkMiddleware`: a browser still signed out when the middleware reached its handshake limit would be
 * sent to sign-in, come back signed in at Clerk and handshake again, forever. It gets an error page instead
 * (mismatched Clerk keys, or this host outside the instance's domains, are the usual causes).
 */
export function stopHandshakeLoop(req: Request, res: Response, next: NextFunction): void {
  if (redirectCount(req) < LOOP_LIMIT || getAuth(req).userId) return next();
  res.setHeader('Cache-Control', 'no-store');
  sendErrorPage(
    res,
    502,
    "Clerk could not confirm your session on this site after several attempts. Check that the server's Clerk keys belong to the instance you signed in with, and that this domain is one of the instance's domains.",
  );
}
