/**
 * Clerk at a distance, for `npm run bench`: the Clerk test double in its own process (so its Express app and its
 * template signatures never eat the measured server's core), answering every Backend API call after an added
 * latency that stands in for the network round trip to Clerk's hosted service.
 *
 * The parent talks to it over the fork IPC channel. Ready message: the Clerk settings for the server child and a
 * signed-in session cookie. Then:
 *   `{ type: 'latency', ms }` → `{ type: 'latency', ms }`  sets the added latency per Backend API call;
 *   `{ type: 'calls' }`       → `{ type: 'calls', count }` Backend API calls answered so far (the log is trimmed).
 *
 * argv: the initial latency in ms (default 40).
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createClerkDouble } from '../src/testing/clerk/double.js';
import { provisionedSignedInCookie } from './lib/clerkSession.js';

export interface ClerkReady {
  type: 'ready';
  secretKey: string;
  publishableKey: string;
  jwtKey: string;
  apiUrl: string;
  frontendApi: string;
  /** `Cookie` header of a signed-in Clerk session (alice), valid for an hour. */
  sessionCookie: string;
  latencyMs: number;
}

let latencyMs = Number(process.argv[2] ?? 40);

async function main(): Promise<void> {
  const double = await createClerkDouble();
  let calls = 0;
  const app = express();
  app.disable('x-powered-by');
  // The latency is added before the double answers, as a network round trip would; timers do not hold the core.
  app.use((_req, _res, next) => {
    calls++;
    if (latencyMs > 0) setTimeout(next, latencyMs);
    else next();
  });
  app.use(double.router);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  double.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sessionCookie = await provisionedSignedInCookie(double);
  calls = 0;

  process.on('message', (message: { type?: string; ms?: number }) => {
    if (message?.type === 'stop') process.exit(0);
    if (message?.type === 'latency') {
      latencyMs = Number(message.ms ?? 0);
      process.send!({ type: 'latency', ms: latencyMs });
    }
    if (message?.type === 'calls') {
      // The double keeps a log of every request for tests; the bench only counts, so the log must not grow.
      double.requests.length = 0;
      process.send!({ type: 'calls', count: calls });
    }
  });
  process.on('disconnect', () => process.exit(0));

  const ready: ClerkReady = {
    type: 'ready',
    secretKey: double.secretKey,
    publishableKey: double.publishableKey,
    jwtKey: double.jwtKey,
    apiUrl: double.apiUrl,
    frontendApi: double.frontendApi,
    sessionCookie,
    latencyMs,
  };
  process.send!(ready);
}

main().catch((error) => {
  process.stderr.write(`[bench clerk] failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
