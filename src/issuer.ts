/**
 * `createMcpIssuer`: the one factory. It checks the configuration, loads the keys and returns the router
 * that makes the MCP origin a complete OAuth 2.1 authorization server, and the bearer middleware for the
 * MCP endpoint.
 */
import { Router, type RequestHandler } from 'express';
import { ClerkIdentity, ClerkSessionEndedError } from './clerk/clerkIdentity.js';
import { ClientRegistry } from './clients/clientRegistry.js';
import { ClientMetadataDocuments } from './clients/cimd/clientMetadataDocuments.js';
import { guardedDocumentFetcher } from './clients/cimd/documentFetcher.js';
import { ConfigurationError, resolveConfig, type McpIssuerOptions, type ResolvedConfig } from './config/options.js';
import type { IssuerContext } from './context.js';
import { deriveKey } from './crypto/secrets.js';
import { authorizationEndpoint } from './endpoints/authorize/authorizeEndpoint.js';
import { authorizationServerMetadata, wellKnownDocument, type AuthorizationServerMetadata } from './endpoints/metadata.js';
import { protectedResourceMetadata } from './endpoints/protectedResourceMetadata.js';
import { registrationEndpoint } from './endpoints/register.js';
import { revocationEndpoint } from './endpoints/revoke.js';
import { tokenEndpoint } from './endpoints/token/tokenEndpoint.js';
import { userinfoEndpoint } from './endpoints/userinfo.js';
import { AuthorizationCodes } from './grants/authorizationCode.js';
import { Consents } from './grants/consent.js';
import { GrantIndex } from './grants/grantIndex.js';
import { grantsApi, type GrantsApi } from './grants/grantsApi.js';
import { clerkWebhooks, type ClerkWebhooksOptions } from './webhooks/clerkWebhooks.js';
import { connectedAppsEndpoint } from './endpoints/connectedApps/connectedAppsEndpoint.js';
import { RefreshFamilies } from './grants/refreshFamily.js';
import { Revocations } from './grants/revocation.js';
import { oauthErrorHandler } from './http/errorHandler.js';
import { generateSigningKey, KeySetError, loadSigningKeys } from './keys/jwkSet.js';
import { consoleLogger } from './logging/logger.js';
import { MemoryStore } from './store/memory.js';
import type { Store } from './store/store.js';
import { TokenKeys } from './tokens/tokenKeys.js';
import { requireBearer, type RequireBearerOptions } from './bearer/requireBearer.js';
import { mcpTokenVerifier, type McpTokenVerifier } from './bearer/mcpTokenVerifier.js';
import { authInfoFromToken, type AuthInfoLike, type McpAuthInfo } from './bearer/authInfo.js';
import { clerkAuth, ClerkAuthMissingError } from './bearer/clerkAuth.js';
import { assertTokenOrganization } from './clerk/tokenOrganization.js';

export interface McpIssuer {
  /** Mount at the app root (`app.use(issuer.router)`): discovery lives at the origin's `/.well-known/`. */
  router: Router;
  /**
   * The bearer middleware for the MCP endpoint (`app.post('/mcp', issuer.requireBearer(), handler)`). By default
   * a token needs at least one of the server's scopes; `toolScopes` adds the per-tool 403 step-up.
   */
  requireBearer(options?: RequireBearerOptions): RequestHandler;
  /**
   * A verifier for `requireBearerAuth({ verifier })` of `@modelcontextprotocol/sdk` 1.x or
   * `@modelcontextprotocol/express` 2.x: 401 on a bad token, 403 on a token with none of the server's scopes.
   */
  tokenVerifier: McpTokenVerifier;
  /** Verifies an access token into `AuthInfo` (throws `OAuthError` `invalid_token`). */
  verifyAccessToken(token: string): Promise<McpAuthInfo>;
  /**
   * A fresh Clerk token for the grant behind `req.auth`: the session token, or a template token. For calling
   * your own Clerk-protected APIs as the user (token exchange: the MCP access token is never passed on).
   * Takes `extra.authInfo` of either MCP SDK major as it is.
   *
   * With organizations on, Clerk mints for the organization active in the browser session and cannot be told
   * another: when that is not the grant's, this throws a `ClerkTokenOrganizationError` instead of handing out a
   * token for a different organization (docs/organizations.md).
   */
  clerkToken(auth: AuthInfoLike | undefined, options?: { template?: string }): Promise<string>;
  /** The AS metadata document, as served. */
  metadata: AuthorizationServerMetadata;
  /** The resolved configuration (identity strings, scopes, lifetimes). */
  config: ResolvedConfig;
  /** The store in use. */
  store: IssuerContext['store'];
  /**
   * The Clerk webhook endpoint that ends grants when their Clerk session ends or their user is deleted; mount it
   * before any JSON body parser: `app.post('/webhooks/clerk', issuer.clerkWebhooks())`. Throws a
   * `ConfigurationError` without a signing secret (`CLERK_WEBHOOK_SIGNING_SECRET` or `{ signingSecret }`).
   */
  clerkWebhooks(options?: ClerkWebhooksOptions): RequestHandler;
  /** The user's grants: list them, or end a client's (for a "connected apps" page of your own). */
  grants: GrantsApi;
  /**
   * The connected-apps page for the signed-in Clerk user (cookie session only): the clients holding a live grant,
   * each with a Revoke button. Mount it where you like: `app.use('/connected-apps', issuer.connectedApps())`.
   */
  connectedApps(): Router;
}

/** The CIMD resolver when enabled: the guarded fetcher unless one is injected. */
function clientMetadataDocuments(config: ResolvedConfig): ClientMetadataDocuments | undefined {
  const cimd = config.clientIdMetadataDocuments;
  if (!cimd) return undefined;
  const fetcher = cimd.fetch ?? guardedDocumentFetcher({ allowLoopback: cimd.allowLoopback, maxBytes: cimd.maxBytes, timeoutMs: cimd.timeoutMs, ca: cimd.ca });
  return new ClientMetadataDocuments(fetcher, config.scopes, cimd.allowLoopback === true);
}

/**
 * The startup line naming the grant store: with several instances, a per-process store is the usual cause of
 * "unknown client_id" and `invalid_grant` on requests that land on another instance.
 */
function describeStore(store: Store): string {
  if (store instanceof MemoryStore) return 'grant store: in memory (this process only; several instances need a shared store such as RedisStore)';
  return `grant store: ${store.constructor?.name || 'custom'}`;
}

/**
 * Creates the authorization server. Rejects with a `ConfigurationError` that says what to fix when the
 * configuration is wrong (issuer form, resource origin, missing keys or Clerk settings).
 */
export async function createMcpIssuer(options: McpIssuerOptions): Promise<McpIssuer> {
  const config = resolveConfig(options);
  const logger = options.logger ?? consoleLogger();
  let signingKeys = options.signingKeys;
  if (signingKeys === undefined) {
    signingKeys = { keys: [await generateSigningKey('RS256')] };
    logger.warn('dev mode: signing with an ephemeral key; tokens stop verifying on restart. Set signingKeys for anything real.');
  }
  // A bad key set is a configuration error like any other (same type, same prefix); its message never echoes key material.
  const loaded = await loadSigningKeys(signingKeys).catch((error: unknown) => {
    throw error instanceof KeySetError ? new ConfigurationError(error.message) : error;
  });
  const keys = new TokenKeys(loaded);
  const store: Store = options.store ?? new MemoryStore();
  // A networked store connects in the background; wait for it so the first requests do not answer 503. If it
  // is down at startup, start anyway: endpoints answer 503 until it is back, and recover by themselves.
  // A ConfigurationError (ioredis not installed) never heals by itself: fail now rather than answer 503 forever.
  await store.ready?.().catch((error: Error) => {
    if (error instanceof ConfigurationError) throw error;
    logger.warn('grant store not reachable at startup; answering 503 until it is', { message: error.message });
  });
  logger.info(describeStore(store));
  // A revoked grant stays revoked as long as its access tokens and its refresh family could live.
  const revocations = new Revocations(store, Math.max(config.lifetimes.accessToken, config.lifetimes.refreshToken));
  const ctx: IssuerContext = {
    config,
    keys,
    identity: new ClerkIdentity(config.clerk),
    store,
    clients: new ClientRegistry(store, config.lifetimes.registeredClient, clientMetadataDocuments(config)),
    codes: new AuthorizationCodes(store, revocations, config.lifetimes.authorizationCode, config.lifetimes.accessToken, logger),
    refreshFamilies: new RefreshFamilies(store, revocations, config.lifetimes.refreshToken, config.lifetimes.refreshReuseGrace, keys.secrets),
    revocations,
    consents: new Consents(store),
    grantIndex: new GrantIndex(store, revocations, config.lifetimes),
    clerkEvents: { webhooks: false },
    csrfKeys: keys.secrets.map((secret) => deriveKey(secret, 'consent-csrf')),
    logger,
    now: () => Math.floor(Date.now() / 1000),
  };

  const metadata = authorizationServerMetadata(config, keys.algorithms);
  const prm = protectedResourceMetadata(config);
  const { urls } = config;
  const router = Router();
  router.use(wellKnownDocument(urls.authorizationServerMetadataPaths, () => metadata));
  router.use(wellKnownDocument(urls.protectedResourceMetadataPaths, () => prm));
  router.use(wellKnownDocument([urls.routePath('jwks')], () => keys.publicJwks));
  router.use(registrationEndpoint(config, ctx.clients, logger));
  router.use(authorizationEndpoint(ctx));
  router.use(tokenEndpoint(ctx));
  router.use(revocationEndpoint(ctx));
  router.use(userinfoEndpoint(ctx));
  // Scoped to our paths: errors of the host app's own routes are none of this router's business.
  const ownPaths = [
    ...urls.authorizationServerMetadataPaths,
    ...urls.protectedResourceMetadataPaths,
    ...(['jwks', 'registration', 'authorization', 'token', 'revocation', 'userinfo'] as const).map((n) => urls.routePath(n)),
  ];
  router.use(ownPaths, oauthErrorHandler(logger));

  return {
    router,
    requireBearer: (bearerOptions) => requireBearer(ctx, bearerOptions),
    tokenVerifier: mcpTokenVerifier(ctx),
    verifyAccessToken: (token) => authInfoFromToken(ctx, token),
    clerkToken: async (auth, tokenOptions) => {
      let identity;
      try {
        identity = clerkAuth(auth);
      } catch {
        throw new ClerkAuthMissingError('clerkToken');
      }
      try {
        const token = await ctx.identity.mint(identity.sessionId, tokenOptions?.template);
        if (config.organizations) assertTokenOrganization(token, identity.orgId);
        return token;
      } catch (error) {
        // The user signed out: the grant ends now, not at its next refresh (SPEC §11).
        if (error instanceof ClerkSessionEndedError) await ctx.revocations.revokeGrant(identity.grantId);
        throw error;
      }
    },
    metadata,
    config,
    store,
    clerkWebhooks: (webhookOptions) => {
      const handler = clerkWebhooks(ctx, webhookOptions);
      // From now on session ends are reported: a refresh may trust a recent confirmation (clerk.claimsMaxAge).
      ctx.clerkEvents.webhooks = true;
      return handler;
    },
    grants: grantsApi(ctx),
    connectedApps: () => connectedAppsEndpoint(ctx, grantsApi(ctx)),
  };
}
