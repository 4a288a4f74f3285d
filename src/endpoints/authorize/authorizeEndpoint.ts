/**
 * The authorization endpoint: `GET /authorize` (or a form POST) reads the request, finds the user's Clerk
 * session, asks for consent when needed, and redirects back with a code; the consent form POSTs the decision.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-4.1.1 authorization request
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest prompt, max_age, nonce
 */
import express, { Router, type Request, type Response } from 'express';
import { ClerkSessionEndedError } from '../../clerk/clerkIdentity.js';
import { ClerkSessionStateCache } from '../../clerk/sessionStateCache.js';
import type { IssuerContext } from '../../context.js';
import { randomCredential } from '../../crypto/secrets.js';
import { OAuthError } from '../../errors/oauthError.js';
import { asyncHandler } from '../../http/asyncHandler.js';
import { allowMethods } from '../../http/endpointBasics.js';
import { fromStore } from '../../http/errorHandler.js';
import { rateLimited } from '../../http/rateLimit.js';
import { sendConsentPage } from '../../pages/consentPage.js';
import { sendErrorPage } from '../../pages/errorPage.js';
import { sendNoOrganizationPage } from '../../pages/noOrganizationPage.js';
import { clientIdentityAssured } from '../../policy/clientIdentity.js';
import { readAuthorizationRequest, RedirectableError, UnredirectableError, type AuthorizationRequest } from './authorizationRequest.js';
import { authorizationResponseUrl } from './authorizationResponse.js';
import { browserClerkSession, browserSession, isSameOriginFormPost } from './browserSession.js';
import { consentCsrfToken, consentCsrfValid, CSRF_FIELD, ORGANIZATION_FIELD } from './consentCsrf.js';
import { currentMembership, userMemberships } from '../../clerk/organizationMemberships.js';
import type { GrantOrganization } from '../../grants/grant.js';
import { withGrantOrganization } from '../../policy/organizationClaims.js';
import { AUTH_AFTER, authAfterMarker, verifiedAuthAfter } from './freshSignIn.js';
import { stopHandshakeLoop, withoutClerkParameters } from './clerkHandshake.js';


interface SignedInUser {
  userId: string;
  sessionId: string;
  authTime: number;
  /** The organization active in the browser session: the consent page's preselection, nothing more. */
  activeOrgId?: string;
}

/** With organizations on, what the grant acts for: an organization, or `null` for the personal account. */
type Chosen = GrantOrganization | null;

export function authorizationEndpoint(ctx: IssuerContext): Router {
  const { config } = ctx;
  const path = config.urls.routePath('authorization');
  const router = Router();
  // Ceiling on Clerk's Backend API from /authorize: at most one session lookup and one user-label lookup per
  // Clerk session per SESSION_STATE_TTL_MS (5 s), whatever the browser does; and per IP, the rate limit below.
  const clerkSessions = new ClerkSessionStateCache(ctx.identity);

  // route(): exactly this path, never the host app's sub-paths. No HEAD: a link scanner's HEAD must not spend
  // a code on a user who already consented. The limit bounds what one address makes the kit spend: Clerk
  // calls, metadata-document fetches, store reads.
  router.route(path).all(
    allowMethods(['GET', 'POST'], { head: false }),
    rateLimited('authorize', config.rateLimit.authorize, { windowMs: 60 * 1000, limit: 300 }, config.rateLimit.store, (res) =>
      sendErrorPage(res, 429, 'too many sign-in requests from your network; wait a minute and try again'),
    ),
    browserClerkSession(ctx),
    stopHandshakeLoop,
  );

  /** Redirects to the client with a result; the URI was validated in phase 1. */
  const answer = (res: Response, request: { redirectUri: string; state?: string }, result: { code: string } | { error: OAuthError }, status = 302) => {
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(status, authorizationResponseUrl(request.redirectUri, config.urls.issuer, result, request.state));
  };

  /** Runs a step; a phase-1 error renders a page, a phase-2 error redirects with `error`, `state`, `iss`. */
  const guarded = (handler: (req: Request, res: Response) => Promise<void>) =>
    asyncHandler(async (req, res) => {
      try {
        await handler(req, res);
      } catch (error) {
        if (error instanceof UnredirectableError) return sendErrorPage(res, 400, error.message);
        if (error instanceof RedirectableError) return answer(res, error, { error: error.oauth });
        // Before phase 1 completes there is no validated redirect URI: the store outage is shown as a page.
        const unavailable = fromStore(error);
        if (unavailable) return sendErrorPage(res, 503, unavailable.description!);
        throw error;
      }
    });

  /** Runs the steps after phase 1: a store outage now goes back to the client as `temporarily_unavailable`. */
  const forClient = async (request: AuthorizationRequest, step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      const unavailable = fromStore(error);
      if (unavailable) throw new RedirectableError(unavailable, request.redirectUri, request.state);
      throw error;
    }
  };

  /** The Clerk session of this browser, or undefined when signed out (or its session has just ended). */
  const signedInUser = async (req: Request, request: AuthorizationRequest): Promise<SignedInUser | undefined> => {
    const auth = browserSession(req);
    if (!auth) return undefined;
    try {
      const session = await clerkSessions.activeSession(auth.sessionId);
      return { userId: auth.userId, sessionId: auth.sessionId, authTime: session.authTime, ...(auth.orgId ? { activeOrgId: auth.orgId } : {}) };
    } catch (error) {
      if (error instanceof ClerkSessionEndedError) return undefined;
      if (error instanceof OAuthError) throw new RedirectableError(error, request.redirectUri, request.state);
      throw error;
    }
  };

  /** Clerk's sign-in, coming back to this same authorization request (with a fresh-sign-in marker if forced). */
  const signInUrl = (request: AuthorizationRequest, forceFresh: boolean): string => {
    const back = new URL(config.urls.endpoint('authorization'));
    // The consent form's own fields are not part of the request: coming back, the user decides again.
    const own = [AUTH_AFTER, 'decision', CSRF_FIELD, ORGANIZATION_FIELD];
    for (const [name, value] of request.params) if (!own.includes(name) && !(forceFresh && name === 'prompt')) back.searchParams.set(name, value);
    if (forceFresh) {
      const prompt = [...request.prompts].filter((p) => p !== 'login').join(' ');
      if (prompt) back.searchParams.set('prompt', prompt);
      back.searchParams.set(AUTH_AFTER, authAfterMarker(ctx.csrfKeys[0], ctx.now(), new Map(back.searchParams)));
    }
    const signIn = new URL(config.clerk.signInUrl, config.urls.issuer);
    signIn.searchParams.set('redirect_url', back.href);
    return signIn.href;
  };

  /** Sends the browser to Clerk's sign-in, to come back to this same authorization request. */
  const toSignIn = (res: Response, request: AuthorizationRequest, forceFresh: boolean) => {
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, signInUrl(request, forceFresh));
  };

  /** `organization`: with organizations on, the grant's (`null`: the personal account); `undefined` when off. */
  const issueCode = async (res: Response, request: AuthorizationRequest, user: SignedInUser, status = 302, organization?: Chosen) => {
    // The identity claims are minted now, while the user waits on a redirect anyway: the code exchange then needs
    // no Clerk call (SPEC §11). A session that ended since it was checked is a signed-out browser.
    let claims: Record<string, unknown> | undefined;
    try {
      if (request.scopes.includes('openid')) claims = await ctx.identity.templateClaims(user.sessionId);
      // The template renders org claims for the organization active in the browser: the grant's replace them.
      if (claims && organization !== undefined) claims = withGrantOrganization(claims, organization ?? undefined);
    } catch (error) {
      if (!(error instanceof ClerkSessionEndedError)) throw error instanceof OAuthError ? new RedirectableError(error, request.redirectUri, request.state) : error;
      if (request.prompts.has('none')) throw new RedirectableError(new OAuthError('login_required', { description: 'the user is not signed in' }), request.redirectUri, request.state);
      return toSignIn(res, request, false);
    }
    const code = await ctx.codes.issue({
      grantId: randomCredential(16),
      clientId: request.client.client_id,
      userId: user.userId,
      sessionId: user.sessionId,
      scopes: request.scopes,
      resource: request.resource,
      authTime: user.authTime,
      redirectUri: request.redirectUri,
      redirectUriSent: request.params.has('redirect_uri'),
      codeChallenge: request.codeChallenge,
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      ...(claims ? { claims } : {}),
      // When Clerk last confirmed the session: the session check (perhaps cached for a few seconds) or this mint.
      checkedAt: ctx.now(),
      ...(organization ? { organization } : {}),
    });
    ctx.logger.debug('authorization code issued', { client_id: request.client.client_id, user: user.userId, scope: request.scopes.join(' ') });
    answer(res, request, { code }, status);
  };

  /** `asksAgain`: the user approved this client before, but its identity is not assured (RFC 8252 §8.6). */
  const showConsent = async (res: Response, request: AuthorizationRequest, user: SignedInUser, asksAgain = false, remembered?: string | null) => {
    // With organizations on, the user picks one of their memberships (the browser's active one preselected).
    let organizations;
    if (config.organizations) {
      const memberships = await clerkMemberships(request, user);
      if (memberships.length === 0 && config.organizations === 'required') return noOrganization(res, request, user);
      const preselected = remembered !== undefined ? remembered : (user.activeOrgId ?? null);
      const listed = memberships.some((m) => m.id === preselected) || (preselected === null && config.organizations === 'optional');
      organizations = {
        choices: memberships.map((m) => ({ id: m.id, name: m.name, role: m.role })),
        personal: config.organizations === 'optional',
        selected: listed ? preselected : config.organizations === 'optional' ? null : memberships[0].id,
      };
    }
    // Only the authorization request travels in hidden fields: a `decision`, organization or CSRF field smuggled
    // into the request must never reach the form, where it would be posted before what the user chose.
    const fields: Array<[string, string]> = [...request.params].filter(([n]) => n !== AUTH_AFTER && n !== 'decision' && n !== CSRF_FIELD && n !== ORGANIZATION_FIELD);
    fields.push([CSRF_FIELD, consentCsrfToken(ctx.csrfKeys[0], user.sessionId, new Map(fields), ctx.now())]);
    const redirect = new URL(request.redirectUri);
    const resource = new URL(config.urls.resource);
    sendConsentPage(res, {
      action: path,
      clientName: request.client.client_name ?? request.client.client_id,
      redirectTarget: redirect.host || `${redirect.protocol}//`,
      resourceName: config.resourceName ?? resource.host + (resource.pathname === '/' ? '' : resource.pathname),
      resourceUrl: config.urls.resource,
      scopes: request.scopes.map((name) => ({ name, description: config.scopes.get(name) ?? name })),
      userLabel: await clerkSessions.userLabel(user.sessionId, user.userId),
      switchAccountUrl: signInUrl(request, false),
      ...(request.client.metadata_document ? { documentHost: new URL(request.client.client_id).host } : { selfDeclaredName: request.client.client_name !== undefined }),
      asksAgain,
      fields,
      ...(organizations ? { organizations } : {}),
    });
  };

  /** The user's memberships from Clerk; Clerk unreachable goes back to the client as `temporarily_unavailable`. */
  const clerkMemberships = async (request: AuthorizationRequest, user: SignedInUser): Promise<GrantOrganization[]> => {
    try {
      return await userMemberships(ctx.identity.client, user.userId);
    } catch (error) {
      if (error instanceof OAuthError) throw new RedirectableError(error, request.redirectUri, request.state);
      throw error;
    }
  };

  /** `required` and the user belongs to no organization: a page that says so, and the client gets `access_denied`. */
  const noOrganization = async (res: Response, request: AuthorizationRequest, user: SignedInUser) => {
    const denied = new OAuthError('access_denied', { description: 'the user belongs to no organization' });
    sendNoOrganizationPage(res, {
      clientName: request.client.client_name ?? request.client.client_id,
      userLabel: await clerkSessions.userLabel(user.sessionId, user.userId),
      backUrl: authorizationResponseUrl(request.redirectUri, config.urls.issuer, { error: denied }, request.state),
    });
  };

  /**
   * The organization a remembered approval stands for, checked with Clerk: `undefined` when there is none to
   * reuse (never approved with organizations on, the personal account under `required`, or no longer a member).
   */
  const rememberedOrganization = async (request: AuthorizationRequest, user: SignedInUser): Promise<{ id: string | null; chosen?: Chosen } | undefined> => {
    const last = await ctx.consents.lastOrganization(user.userId, request.client.client_id);
    if (last === undefined) return undefined;
    if (last === null) return config.organizations === 'optional' ? { id: null, chosen: null } : undefined;
    let membership;
    try {
      membership = await currentMembership(ctx.identity.client, user.userId, last);
    } catch (error) {
      if (error instanceof OAuthError) throw new RedirectableError(error, request.redirectUri, request.state);
      throw error;
    }
    return membership ? { id: last, chosen: membership } : { id: last };
  };

  /** GET after phase 1: the user, freshness (prompt=login, max_age), consent, then the code. */
  const continueAuthorization = async (req: Request, res: Response, request: AuthorizationRequest) => {
    const user = await signedInUser(req, request);
    const none = request.prompts.has('none');
    if (!user) {
      if (none) throw new RedirectableError(new OAuthError('login_required', { description: 'the user is not signed in' }), request.redirectUri, request.state);
      return toSignIn(res, request, false);
    }

    // Back from a forced sign-in only with a genuine marker: a forged one is ignored, and the check runs again.
    const authAfter = verifiedAuthAfter(ctx.csrfKeys, request.params);
    const tooOld = request.maxAge !== undefined && ctx.now() - user.authTime > request.maxAge;
    if (authAfter !== undefined) {
      // Back from a forced sign-in: it counts only if Clerk really authenticated again.
      if (user.authTime < authAfter) {
        throw new RedirectableError(new OAuthError('login_required', { description: 'a fresh sign-in was required and did not happen' }), request.redirectUri, request.state);
      }
    } else if (request.prompts.has('login') || tooOld) {
      if (none) throw new RedirectableError(new OAuthError('login_required', { description: 'the sign-in is older than max_age' }), request.redirectUri, request.state);
      return toSignIn(res, request, true);
    }

    // With organizations on, an approval is per organization: the one chosen last is reused, if still a member.
    const remembered = config.organizations && !request.prompts.has('consent') ? await rememberedOrganization(request, user) : undefined;
    const consented = config.organizations
      ? remembered?.chosen !== undefined && (await ctx.consents.covers(user.userId, request.client.client_id, request.scopes, remembered.id))
      : !request.prompts.has('consent') && (await ctx.consents.covers(user.userId, request.client.client_id, request.scopes));
    // Remembered consent answers silently only for a client whose identity is assured: any local program can
    // pose as a public loopback or private-use-scheme client with its client_id and its own PKCE.
    const assured = clientIdentityAssured(request.client, request.redirectUri);
    if (consented && assured) return issueCode(res, request, user, 302, config.organizations ? remembered!.chosen : undefined);
    if (none) {
      const description = consented ? 'this client cannot be verified on this redirect URI (RFC 8252 §8.6); the user must approve it again' : 'the user has not approved this client';
      throw new RedirectableError(new OAuthError('consent_required', { description }), request.redirectUri, request.state);
    }
    return showConsent(res, request, user, consented, remembered?.chosen !== undefined ? remembered.id : undefined);
  };

  /** POST after phase 1: the consent decision, checked against the CSRF token of this user's session. */
  const decide = async (req: Request, res: Response, request: AuthorizationRequest, form: URLSearchParams) => {
    const user = await signedInUser(req, request);
    if (!user) return toSignIn(res, request, false);
    if (!consentCsrfValid(ctx.csrfKeys, user.sessionId, request.params, form.get(CSRF_FIELD) ?? undefined, ctx.now())) {
      return sendErrorPage(res, 403, 'the consent form expired or was not sent by you; start again from the application');
    }
    // The page may have been open for minutes: a sign-in older than the request's max_age is refreshed first,
    // as the GET would have (OIDC Core §3.1.2.1).
    if (request.maxAge !== undefined && ctx.now() - user.authTime > request.maxAge) return toSignIn(res, request, true);
    // 303: the browser follows with GET, never re-posting the form to the client.
    if (form.get('decision') !== 'allow') {
      return answer(res, request, { error: new OAuthError('access_denied', { description: 'the user denied the request' }) }, 303);
    }
    if (!config.organizations) {
      await ctx.consents.remember(user.userId, request.client.client_id, request.scopes);
      return issueCode(res, request, user, 303);
    }
    // The choice is checked with Clerk, never taken from the form on trust: the user must be a member now.
    const picked = form.get(ORGANIZATION_FIELD);
    let chosen: Chosen | undefined;
    if (picked === '' && config.organizations === 'optional') chosen = null;
    else if (picked) {
      try {
        chosen = await currentMembership(ctx.identity.client, user.userId, picked);
      } catch (error) {
        if (error instanceof OAuthError) throw new RedirectableError(error, request.redirectUri, request.state);
        throw error;
      }
    }
    if (chosen === undefined) return sendErrorPage(res, 400, 'choose one of your organizations on the consent page; start again from the application');
    await ctx.consents.remember(user.userId, request.client.client_id, request.scopes, chosen?.id ?? null);
    return issueCode(res, request, user, 303, chosen);
  };

  router.get(
    path,
    guarded(async (req, res) => {
      const query = withoutClerkParameters(new URL(req.originalUrl, 'http://x').searchParams);
      const request = await readAuthorizationRequest(query, ctx.clients, config);
      await forClient(request, () => continueAuthorization(req, res, request));
    }),
  );

  router.post(
    path,
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }),
    guarded(async (req, res) => {
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
        for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') form.append(name, v);
      }
      const request = await readAuthorizationRequest(form, ctx.clients, config);
      // OIDC Core §3.1.2.1: an authorization request may come by POST too; only a form with a decision is consent.
      if (!form.has('decision') && !form.has(CSRF_FIELD)) return forClient(request, () => continueAuthorization(req, res, request));
      // Only a same-origin form post is the user's decision: not another site, not a script without a browser.
      if (!isSameOriginFormPost(req, config.urls.issuerUrl.origin)) {
        return sendErrorPage(res, 403, 'the consent form was not posted from this site\'s consent page; start again from the application');
      }
      await forClient(request, () => decide(req, res, request, form));
    }),
  );

  return router;
}
