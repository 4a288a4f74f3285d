/**
 * Clerk's hosted sign-in page (the Account Portal's `/sign-in` on `accounts.<domain>`), played by the dev stand-in's
 * plain-HTML page. How it hands the sign-in back depends on the instance type, as Clerk's does:
 * - development: the browser's dev browser gets the session and `redirect_url` receives `__clerk_db_jwt`, which
 *   `clerkMiddleware` then syncs through a handshake;
 * - production: the browser goes through the Frontend API (`/v1/tickets/accept`), which signs in its `__client`
 *   on the FAPI host and sets `__client_uat` on the instance's domain; the app's host learns of it by handshake.
 *
 * @see https://clerk.com/docs/guides/customizing-clerk/account-portal
 * @see https://clerk.com/docs/guides/development/dev-browser (development instances)
 */
import type { Router } from 'express';
import { signInRouter } from '../dev/signInPage.js';
import type { ClerkDouble } from './contract.js';
import { accountPortalOrigin, newDevBrowser, randomToken, redirectAllowed, signInClient, type FrontendState } from './frontend.js';

export function accountPortalRouter(double: ClerkDouble, state: FrontendState): Router {
  return signInRouter({
    double,
    origin: accountPortalOrigin(state),
    prefix: '',
    signIn: () => Promise.reject(new Error('the Account Portal completes sign-ins itself')),
    allowRedirect: (url) => redirectAllowed(state, url),
    async complete(res, userId, back) {
      res.setHeader('Cache-Control', 'no-store');
      const target = new URL(back);
      if (state.instanceType === 'development') {
        const { token, client } = await newDevBrowser(state);
        signInClient(state, client, userId);
        target.searchParams.set('__clerk_db_jwt', token);
        return res.redirect(303, target.href);
      }
      const ticket = randomToken();
      state.tickets.set(ticket, userId);
      const accept = new URL('/v1/tickets/accept', state.frontendApi);
      accept.searchParams.set('ticket', ticket);
      accept.searchParams.set('redirect_url', target.href);
      res.redirect(303, accept.href);
    },
  });
}
