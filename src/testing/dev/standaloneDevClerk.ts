/**
 * The dev-only Clerk stand-in on its own port, for several local processes (two MCP instances behind a proxy, a
 * test runner and a server): the Clerk test double's Backend API at `/v1/…` and the sign-in page at `/sign-in`,
 * with the `CLERK_*` settings the instances take. Its session cookies reach instances on other ports of the same
 * host (cookies are scoped to the host, not the port: RFC 6265 §8.5), so use the same host name for both
 * (`localhost` and `localhost`, or `127.0.0.1` and `127.0.0.1`). Refuses to start with `NODE_ENV=production`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-8.5 cookies do not provide isolation by port
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import express from 'express';
import { createDevClerk, DevClerkInProductionError, type DevClerk } from './devClerk.js';

export interface StandaloneDevClerkOptions {
  /** Port to listen on; 0 picks a free one. Default 4000. */
  port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The stand-in's URL as browsers reach it. Default `http://localhost:<port>` (the example's default host). */
  publicUrl?: string;
}

export interface StandaloneDevClerk {
  /** The public URL (no trailing slash). */
  url: string;
  devClerk: DevClerk;
  /** What every MCP instance needs, by variable name: `CLERK_SECRET_KEY`, `CLERK_PUBLISHABLE_KEY`, `CLERK_API_URL`, `CLERK_JWT_KEY`, `CLERK_SIGN_IN_URL`. */
  env: Record<'CLERK_SECRET_KEY' | 'CLERK_PUBLISHABLE_KEY' | 'CLERK_API_URL' | 'CLERK_JWT_KEY' | 'CLERK_SIGN_IN_URL', string>;
  close(): Promise<void>;
}

/** Starts the stand-in on its own port. Rejects with the listen error (e.g. `EADDRINUSE`) when it cannot. */
export async function startStandaloneDevClerk(options: StandaloneDevClerkOptions = {}): Promise<StandaloneDevClerk> {
  if (process.env.NODE_ENV === 'production') throw new DevClerkInProductionError();
  const host = options.host ?? '127.0.0.1';
  // Listen first: with port 0 the URL (and so the cookies' and the BAPI's address) is known only then.
  const server = createHttpServer();
  server.listen(options.port ?? 4000, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = (options.publicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '');
  const devClerk = await createDevClerk({ origin: url, prefix: '', returnToAnyPort: true });
  const app = express();
  app.disable('x-powered-by');
  app.use(devClerk.router);
  server.on('request', app);
  const { clerkOptions } = devClerk;
  return {
    url,
    devClerk,
    env: {
      CLERK_SECRET_KEY: clerkOptions.secretKey,
      CLERK_PUBLISHABLE_KEY: clerkOptions.publishableKey,
      CLERK_API_URL: clerkOptions.apiUrl,
      // One line, as environment variables and .env files hold it; Clerk's SDKs accept the PEM without line breaks.
      CLERK_JWT_KEY: clerkOptions.jwtKey.replace(/\r?\n/g, ''),
      CLERK_SIGN_IN_URL: clerkOptions.signInUrl,
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
