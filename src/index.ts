/**
 * clerk-mcp-issuer: the MCP origin as one OAuth 2.1 issuer, for Express + Clerk.
 */
export { createMcpIssuer, type McpIssuer } from './issuer.js';
export { ConfigurationError, type McpIssuerOptions, type ClerkOptions, type Lifetimes, type Logger } from './config/options.js';
export { OAuthError, type OAuthErrorCode } from './errors/oauthError.js';
export type { Store, StoreValue } from './store/store.js';
export { MemoryStore } from './store/memory.js';
export { RedisStore, type RedisStoreOptions, type RedisClientLike } from './store/redis.js';
export { redisRateLimitStore, type RedisRateLimitStoreOptions } from './store/redisRateLimitStore.js';
export type { McpAuthInfo, AuthInfoLike, ClerkAuthExtra } from './bearer/authInfo.js';
export { clerkAuth, ClerkAuthMissingError } from './bearer/clerkAuth.js';
export { requireScopes, InsufficientScopeError } from './bearer/scopes.js';
export type { ToolScopes } from './bearer/toolScopes.js';
export type { RequireBearerOptions } from './bearer/requireBearer.js';
export type { McpTokenVerifier } from './bearer/mcpTokenVerifier.js';
export type { ClerkWebhooksOptions, ClerkWebhookOutcome } from './webhooks/clerkWebhooks.js';
export type { GrantsApi, UserGrant } from './grants/grantsApi.js';
export { consoleLogger, type LogLevel } from './logging/logger.js';
export { generateSigningKey, toPublicJwkSet, type PrivateJwkSet, type PublicJwkSet, type SigningAlgorithm } from './keys/jwkSet.js';
export { ClerkTokenOrganizationError } from './clerk/tokenOrganization.js';
export type { OrganizationsMode } from './config/options.js';
export type { GrantOrganization } from './grants/grant.js';
