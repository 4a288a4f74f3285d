/**
 * `clerk-mcp-issuer/testing`: the dev-only Clerk stand-in, the Clerk test double, and helpers for your own
 * supertest suites. Never import this in production code.
 */
export { createDevClerk, DevClerkInProductionError, type DevClerk, type DevClerkOptions } from './dev/devClerk.js';
export { startStandaloneDevClerk, type StandaloneDevClerk, type StandaloneDevClerkOptions } from './dev/standaloneDevClerk.js';
export { createClerkDouble } from './clerk/double.js';
export type { ClerkDouble, ClerkDoubleOptions, ClerkDoubleSession, ClerkDoubleUser } from './clerk/contract.js';
export { startLoopbackServer, type LoopbackServer } from './loopbackServer.js';
export { getAccessToken, GetAccessTokenError, type GetAccessTokenOptions, type IssuedTokens } from './getAccessToken.js';
