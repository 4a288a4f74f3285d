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

/** Clerk's secret keys: `sk_test_…` (development instances) or `sk_live_…` (production). */
const SECRET_KEY_FORM = /^sk_(test|live)_[A-Za-z0-9_-]+$/;

/**
 * Builds the client, or fails with exit code 64 and what to set when a setting is missing or malformed. Checked
 * before any request: a key that cannot be Clerk's is never sent anywhere.
 */
export function clerkFromEnv(env: NodeJS.ProcessEnv = process.env): ClerkConnection {
  const secretKey = env.CLERK_SECRET_KEY || '';
  const apiUrl = env.CLERK_API_URL || DEFAULT_CLERK_API_URL;
  const apiVersion = env.CLERK_API_VERSION || 'v1';
  const usage = (message: string, code: string) => new CliError(EXIT.USAGE, message, { code });
  if (!secretKey) {
    throw usage(
      'CLERK_SECRET_KEY is not set. Copy the secret key (sk_test_… or sk_live_…) of your instance from the Clerk ' +
        'Dashboard → API keys, and run: CLERK_SECRET_KEY=sk_… clerk-mcp-issuer provision',
      'ERR_MISSING_SECRET_KEY',
    );
  }
  if (!SECRET_KEY_FORM.test(secretKey)) {
    // Never echo the value: it may be a real secret pasted into the wrong variable.
    throw usage(
      `CLERK_SECRET_KEY is not a Clerk secret key (sk_test_… or sk_live_…)${secretKey.startsWith('pk_') ? '; it holds a publishable key (pk_…)' : ''}; copy the secret key from the Clerk Dashboard → API keys`,
      'ERR_INVALID_SECRET_KEY',
    );
  }
  if (!URL.canParse(apiUrl) || !['http:', 'https:'].includes(new URL(apiUrl).protocol)) {
    throw usage(`CLERK_API_URL "${apiUrl}" is not an http(s) URL; use the Backend API origin, e.g. ${DEFAULT_CLERK_API_URL} (or unset it)`, 'ERR_INVALID_API_URL');
  }
  return { client: createClerkClient({ secretKey, apiUrl, apiVersion }), apiUrl };
}
