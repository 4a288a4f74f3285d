/**
 * The connected-apps page (SPEC §11 "Connected apps"), mounted where the host app chooses
 * (`app.use('/connected-apps', issuer.connectedApps())`). `GET` lists the clients holding a live grant of the
 * signed-in Clerk user; a same-origin form `POST` with the page's CSRF token revokes one client's grants at once
 * and forgets the user's consent to it, through the same {@link GrantsApi} the host app has.
 *
 * The rules of `/authorize` hold here: only the browser's Clerk cookies identify the user (an `Authorization`
 * header is signed out), and a revoke is accepted only from a same-origin form post whose CSRF token is bound to
 * the Clerk session and the client. The revoke is always scoped to the session's own user: a client id posted by
 * anyone else ends nothing of anyone else's.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1 revoking a grant ends its tokens
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12 CSRF
 */
import express, { Router, type Request, type Response } from 'express';
import { ClerkSessionStateCache } from '../../clerk/sessionStateCache.js';
import type { IssuerContext } from '../../context.js';
import { connectedApps } from '../../grants/connectedApps.js';
import type { GrantsApi } from '../../grants/grantsApi.js';
import { asyncHandler } from '../../http/asyncHandler.js';
import { fromStore } from '../../http/errorHandler.js';
import { sendConnectedAppsError, sendConnectedAppsPage } from '../../pages/connectedAppsPage.js';
import { browserClerkSession, browserSession, isSameOriginFormPost } from '../authorize/browserSession.js';
import { stopHandshakeLoop } from '../authorize/clerkHandshake.js';
import { CSRF_FIELD, revokeCsrfToken, revokeCsrfValid } from './revokeCsrf.js';

const REVOKED_NOTICE = 'Access revoked. That application can no longer use your account; it must ask you again to reconnect.';

export function connectedAppsEndpoint(ctx: IssuerContext, grants: GrantsApi): Router {
  const { config } = ctx;
  const origin = config.urls.issuerUrl.origin;
  const resource = new URL(config.urls.resource);
  const resourceName = config.resourceName ?? resource.host + (resource.pathname === '/' ? '' : resource.pathname);
  // The "Signed in as" label costs one Clerk lookup per session per few seconds, however often the page reloads.
  const clerkSessions = new ClerkSessionStateCache(ctx.identity);
  const router = Router();

  /** The page's own path where the host mounted it (the Revoke forms post there, the sign-in returns there). */
  const pagePath = (req: Request) => req.baseUrl || '/';

  const toSignIn = (req: Request, res: Response, status: 302 | 303) => {
    const signIn = new URL(config.clerk.signInUrl, config.urls.issuer);
    signIn.searchParams.set('redirect_url', new URL(pagePath(req), origin).href);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(status, signIn.href);
  };

  /** A store outage is a page that says to retry, not a stack trace. */
  const guarded = (handler: (req: Request, res: Response) => Promise<void>) =>
    asyncHandler(async (req, res) => {
      try {
        await handler(req, res);
      } catch (error) {
        const unavailable = fromStore(error);
        if (!unavailable) throw error;
        res.setHeader('Retry-After', '5');
        sendConnectedAppsError(res, 503, unavailable.description!, pagePath(req));
      }
    });

  // route('/'): exactly the mount path, never the host app's sub-paths.
  router.route('/').all(
    (req, res, next) => {
      if (['GET', 'HEAD', 'POST'].includes(req.method)) return next();
      res.setHeader('Allow', 'GET, HEAD, POST');
      sendConnectedAppsError(res, 405, 'this page answers GET and POST only', pagePath(req));
    },
    browserClerkSession(ctx),
    stopHandshakeLoop,
  );

  router.get(
    '/',
    guarded(async (req, res) => {
      const user = browserSession(req);
      if (!user) return toSignIn(req, res, 302);
      const apps = connectedApps(await grants.list({ userId: user.userId }));
      sendConnectedAppsPage(res, {
        action: pagePath(req),
        userLabel: await clerkSessions.userLabel(user.sessionId, user.userId),
        resourceName,
        apps: apps.map((app) => ({
          ...app,
          csrfToken: revokeCsrfToken(ctx.csrfKeys[0], user.sessionId, app.clientId),
          scopeDescriptions: app.scopes.map((name) => ({ name, description: config.scopes.get(name) ?? name })),
        })),
        ...(req.query.revoked === '1' ? { notice: REVOKED_NOTICE } : {}),
      });
    }),
  );

  router.post(
    '/',
    express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }),
    guarded(async (req, res) => {
      // Only a form post from this site is the user's decision: not another site, not a script without a browser.
      if (!isSameOriginFormPost(req, origin)) {
        return sendConnectedAppsError(res, 403, 'the revoke was not posted from this site\'s connected-apps page; nothing was changed', pagePath(req));
      }
      const user = browserSession(req);
      if (!user) return toSignIn(req, res, 303);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const clientId = typeof body.client_id === 'string' && body.client_id !== '' ? body.client_id : undefined;
      const token = typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined;
      if (clientId === undefined) return sendConnectedAppsError(res, 400, 'no application was named; nothing was changed', pagePath(req));
      if (!revokeCsrfValid(ctx.csrfKeys, user.sessionId, clientId, token)) {
        return sendConnectedAppsError(res, 403, 'the page expired or the revoke was not sent by you; nothing was changed', pagePath(req));
      }
      // Scoped to the session's own user, whatever client id was posted.
      const { grantsEnded } = await grants.revoke({ userId: user.userId, clientId });
      ctx.logger.info('connected app revoked by the user', { client_id: clientId, grants_ended: grantsEnded });
      // 303: the browser follows with GET, so a reload never re-posts the form.
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, `${pagePath(req)}?revoked=1`);
    }),
  );

  return router;
}
