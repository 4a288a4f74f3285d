/**
 * The stand-in's sign-in and sign-out pages: what Clerk's hosted pages do for the kit (create a session, set
 * `__session` and `__client_uat` on the app's origin, return to `redirect_url`), as plain HTML forms that work
 * without JavaScript. Returns only to the app's own origin: never an open redirect.
 */
import escapeHtml from 'escape-html';
import express, { Router, type Response } from 'express';
import { decodeJwt } from 'jose';
import { renderPage, setPageHeaders } from '../../pages/page.js';
import type { ClerkDouble } from '../clerk/contract.js';

export interface SignInPageOptions {
  double: ClerkDouble;
  origin: string;
  prefix: string;
  signIn(userId: string): Promise<{ sessionId: string; cookie: string }>;
  /** Where `redirect_url` may point; default: the app's own origin only. */
  allowRedirect?(url: URL): boolean;
  /**
   * How a sign-in ends, as Clerk's hosted page would for the instance type; default: session cookies on the app's
   * origin and a 303 back.
   */
  complete?(res: Response, userId: string, back: string): Promise<void>;
  /** Called once a session ended by sign-out (the stand-in's webhook delivery). */
  sessionEnded?(sessionId: string): Promise<void>;
}

const BANNER = '<p class="error"><strong>Development sign-in.</strong> A stand-in for Clerk that runs inside this server. Not for production: anyone can sign in as anyone.</p>';

/** `redirect_url` if it may be returned to (default: the app's own origin), else the app's root. */
function sameOrigin(origin: string, target: unknown, allow: (url: URL) => boolean = (url) => url.origin === origin): string {
  if (typeof target !== 'string') return `${origin}/`;
  try {
    const url = new URL(target, origin);
    return allow(url) ? url.href : `${origin}/`;
  } catch {
    return `${origin}/`;
  }
}

function setSessionCookies(res: Response, cookie: string, secure: boolean): void {
  for (const pair of cookie.split('; ')) {
    res.append('Set-Cookie', `${pair}; Path=/; SameSite=Lax; HttpOnly${secure ? '; Secure' : ''}`);
  }
}

export function signInRouter({ double, origin, prefix, signIn, allowRedirect, complete, sessionEnded }: SignInPageOptions): Router {
  const router = Router();
  const secure = origin.startsWith('https:');
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/sign-in', (req, res) => {
    const back = sameOrigin(origin, req.query.redirect_url, allowRedirect);
    const hidden = `<input type="hidden" name="redirect_url" value="${escapeHtml(back)}">`;
    const users = [...double.users.values()]
      .map(
        (u) => `<form method="post" action="${prefix}/sign-in">${hidden}<input type="hidden" name="user_id" value="${escapeHtml(u.id)}">
<button type="submit" class="primary" style="width:100%;margin:.35rem 0">Continue as ${escapeHtml([u.firstName, u.lastName].filter(Boolean).join(' ') || u.email)} <span class="muted">(${escapeHtml(u.email)})</span></button></form>`,
      )
      .join('\n');
    setPageHeaders(res);
    res.status(200).send(
      renderPage(
        'Sign in (dev stand-in)',
        // As Clerk's hosted page does ("to continue to <app>"): the person sees where the sign-in leads.
        `<h1>Sign in</h1><p class="muted">to continue to <strong>${escapeHtml(new URL(back).host)}</strong></p>${BANNER}
${users}
<form method="post" action="${prefix}/sign-in">${hidden}
<p><label for="email">Or sign in with any email (a test user is created)</label><br>
<input id="email" name="email" type="email" required style="width:100%;font:inherit;padding:.5rem;box-sizing:border-box"></p>
<div class="actions"><button type="submit">Sign in with this email</button></div></form>`,
      ),
    );
  });

  router.post('/sign-in', form, async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      let userId = typeof body.user_id === 'string' ? body.user_id : undefined;
      if (userId === undefined && typeof body.email === 'string' && /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(body.email)) {
        const email = body.email.toLowerCase();
        const existing = [...double.users.values()].find((u) => u.email === email);
        userId = existing?.id ?? double.createUser({ email, firstName: email.split('@')[0] }).id;
      }
      if (userId === undefined || !double.users.has(userId)) {
        setPageHeaders(res);
        return res.status(400).send(renderPage('Sign in', `<h1>Sign in</h1>${BANNER}<p class="error">Choose a user or enter an email.</p>`));
      }
      const back = sameOrigin(origin, body.redirect_url, allowRedirect);
      if (complete) return await complete(res, userId, back);
      const { cookie } = await signIn(userId);
      setSessionCookies(res, cookie, secure);
      res.redirect(303, back);
    } catch (error) {
      next(error);
    }
  });

  // A page with the sign-out button, so a person can try it from the address bar (the sign-out itself is a POST:
  // a link or an image elsewhere must not sign anyone out).
  router.get('/sign-out', (req, res) => {
    const back = sameOrigin(origin, req.query.redirect_url);
    setPageHeaders(res);
    res.status(200).send(
      renderPage(
        'Sign out (dev stand-in)',
        `<h1>Sign out</h1>${BANNER}<form method="post" action="${prefix}/sign-out"><input type="hidden" name="redirect_url" value="${escapeHtml(back)}">
<div class="actions"><button type="submit" class="primary">Sign out</button></div></form>`,
      ),
    );
  });

  // Ends the Clerk session of this browser (as signing out of Clerk does), so its grants end at the next refresh,
  // or at once when a webhook endpoint is configured (the stand-in delivers session.ended, as Clerk would).
  router.post('/sign-out', form, async (req, res) => {
    const token = /(?:^|;\s*)__session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    let ended: string | undefined;
    if (token) {
      try {
        const sid = decodeJwt(token).sid;
        if (typeof sid === 'string' && double.sessions.get(sid)?.status === 'active') {
          double.endSession(sid);
          ended = sid;
        }
      } catch {
        // Not a session token: nothing to end.
      }
    }
    if (ended) await sessionEnded?.(ended);
    for (const name of ['__session', '__client_uat']) res.append('Set-Cookie', `${name}=; Path=/; Max-Age=0; SameSite=Lax`);
    res.redirect(303, sameOrigin(origin, (req.body as Record<string, unknown> | undefined)?.redirect_url, allowRedirect));
  });

  return router;
}
