/**
 * The Clerk Backend API client, configured from the environment exactly as Clerk's own Express SDK reads it
 * (`@clerk/express` `loadApiEnv`): `CLERK_SECRET_KEY`, `CLERK_API_URL` (default `https://api.clerk.com`),
 * `CLERK_API_VERSION` (default `v1`). The secret key is taken from the environment only, never from a flag,
 * so it does not end up in shell history or process listings.
 *
 * @see https://clerk.com/docs/guides/development/clerk-environment-variables
 */
import { createClerkClient, type ClerkClient } from '@clerk/backend';
import { CliError, EXIT } from './exitCodes.js';

export const DEFAULT_CLERK_API_URL = 'https://api.clerk.com';

export interface ClerkConnection {
  client: ClerkClient;
  /** Where requests go, for messages (never the key). */
  apiUrl: string;
}

/** Builds the client, or fails with exit code 64 and what to set when the secret key is missing. */
export function clerkFromEnv(env: NodeJS.ProcessEnv = process.env): ClerkConnection {
  const secretKey = env.CLERK_SECRET_KEY || '';
  const apiUrl = env.CLERK_API_URL || DEFAULT_CLERK_API_URL;
  const apiVersion = env.CLERK_API_VERSION || 'v1';
  if (!secretKey) {
    throw new CliError(
      EXIT.USAGE,
      'CLERK_SECRET_KEY is not set. Copy the secret key (sk_test_… or sk_live_…) of your instance from the Clerk ' +
        'Dashboard → API keys, and run: CLERK_SECRET_KEY=sk_… clerk-mcp-issuer provision',
      { code: 'ERR_MISSING_SECRET_KEY' },
    );
  }
  return { client: createClerkClient({ secretKey, apiUrl, apiVersion }), apiUrl };
}
