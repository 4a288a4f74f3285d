/**
 * The Frontend API router: the part of Clerk's FAPI that a server-side SDK sends browsers to. `GET
 * /v1/client/handshake` answers `clerkMiddleware`'s 307 with the session of this browser as cookie directives
 * (a signed token or a nonce; as a cookie on the instance's domain in production, as query parameters in
 * development), and `GET /v1/tickets/accept` completes a hosted sign-in on the FAPI host.
 *
 * @see test/vendor/clerk-openapi/fapi-2026-05-12.yml `/v1/client/handshake`, `/v1/tickets/accept`
 * @see https://clerk.com/docs/guides/how-clerk-works/overview#the-handshake
 */
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { ClerkApiError, formParamMissing, formParamValueInvalid, resourceNotFound } from './errors.js';
import {
  handshakeDirectives,
  handshakeToken,
  instanceDomain,
  newClient,
  newDevBrowser,
  randomToken,
  redirectAllowed,
  signInClient,
  type FrontendClient,
  type FrontendState,
} from './frontend.js';

/** How long the production payload cookie lives: long enough for one redirect. */
const PAYLOAD_COOKIE_MAX_AGE = 60;

/** The cookie-name suffix Clerk derives from the publishable key: base64url-ish SHA-1, 8 characters. */
export function cookieSuffix(publishableKey: string): string {
  return createHash('sha1').update(publishableKey).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').slice(0, 8);
}

function cookie(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(/;\s*/)) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at) === name) return pair.slice(at + 1);
  }
  return undefined;
}

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `redirect_url`, required, absolute, and one the instance may return to. */
function redirectTarget(state: FrontendState, value: unknown): URL {
  const text = single(value);
  if (!text) throw formParamMissing('redirect_url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw formParamValueInvalid('redirect_url', 'redirect_url must be an absolute URL');
  }
  if (!redirectAllowed(state, url)) throw formParamValueInvalid('redirect_url', `${url.origin} is not an allowed redirect origin`);
  return url;
}

export function frontendApiRouter(state: FrontendState, publishableKey: string): Router {
  const router = express.Router();
  const production = state.instanceType === 'production';
  const onDomain = `; Path=/; Domain=${instanceDomain(state)}; Secure; SameSite=Lax`;

  /** The production browser's client from its `__client` cookie on the FAPI host, created when absent. */
  const cookieClient = (req: Request, res: Response): FrontendClient => {
    const known = state.clients.get(cookie(req, '__client') ?? '');
    if (known) return known;
    const client = newClient(state);
    res.append('Set-Cookie', `__client=${client.id}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=31536000`);
    return client;
  };

  router.get('/v1/client/handshake', async (req, res, next) => {
    try {
      const target = redirectTarget(state, req.query.redirect_url);
      const reason = single(req.query.__clerk_hs_reason) ?? '';
      const format = single(req.query.format) ?? 'token';
      if (format !== 'token' && format !== 'nonce') throw formParamValueInvalid('format');
      const suffix = single(req.query.suffixed_cookies) === 'true' ? cookieSuffix(publishableKey) : undefined;

      let client: FrontendClient;
      let devBrowser: string | undefined;
      if (production) {
        client = cookieClient(req, res);
      } else {
        // A development browser is known by its dev-browser token only; a browser without one gets one now.
        devBrowser = single(req.query.__clerk_db_jwt);
        const clientId = devBrowser === undefined ? undefined : state.devBrowsers.get(devBrowser);
        const known = clientId === undefined ? undefined : state.clients.get(clientId);
        if (known) client = known;
        else ({ token: devBrowser, client } = await newDevBrowser(state));
      }

      const directives = await handshakeDirectives(state, client, target.origin, { suffix, devBrowser });
      const useNonce = format === 'nonce' && state.payloadFormat === 'nonce';
      let name: string;
      let value: string;
      if (useNonce) {
        [name, value] = ['__clerk_handshake_nonce', randomToken()];
        state.nonces.set(value, directives);
      } else {
        [name, value] = ['__clerk_handshake', await handshakeToken(state, directives)];
      }
      state.handshakes.push({ reason, redirectUrl: target.href, payload: useNonce ? 'nonce' : 'token', carrier: production ? 'cookie' : 'query', signedIn: directives.some((d) => /^__session=[^;]/.test(d)) });

      if (production) {
        res.append('Set-Cookie', `${name}=${value}${onDomain}; HttpOnly; Max-Age=${PAYLOAD_COOKIE_MAX_AGE}`);
      } else {
        target.searchParams.set(name, value);
        target.searchParams.set('__clerk_db_jwt', devBrowser!);
      }
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(307, target.href);
    } catch (error) {
      next(error);
    }
  });

  // The hosted sign-in's last step in production: the ticket signs in this browser's client on the FAPI host,
  // `__client_uat` lands on the instance's domain, and the browser goes back to `redirect_url`.
  router.get('/v1/tickets/accept', (req, res) => {
    const ticket = single(req.query.ticket);
    if (!ticket) throw formParamMissing('ticket');
    const userId = state.tickets.get(ticket);
    if (userId === undefined) throw formParamValueInvalid('ticket', 'the ticket is invalid or was already used');
    const target = redirectTarget(state, req.query.redirect_url);
    state.tickets.delete(ticket);
    const client = cookieClient(req, res);
    signInClient(state, client, userId);
    res.append('Set-Cookie', `__client_uat=${client.uat}${onDomain}; Max-Age=31536000`);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, target.href);
  });

  router.use(() => {
    throw resourceNotFound();
  });
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!(error instanceof ClerkApiError)) throw error;
    res.status(error.status);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(error.toBody()));
  });
  return router;
}
