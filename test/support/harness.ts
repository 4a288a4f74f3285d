/**
 * An Express MCP server with the kit mounted, on loopback, in front of the Clerk test double: what every
 * end-to-end test starts. It has a real MCP endpoint (official SDK, streamable HTTP) with a `whoami` tool.
 */
import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { statelessMcpHandler } from '../../examples/statelessMcp.js';
import { createClerkClient } from '@clerk/backend';
import { createMcpIssuer, requireScopes, type ClerkOptions, type McpIssuer, type McpIssuerOptions, type RequireBearerOptions, type Store } from '../../src/index.js';
import { generateSigningKey, type PrivateJwkSet } from '../../src/keys/jwkSet.js';
import { createClerkDouble } from '../../src/testing/clerk/double.js';
import type { ClerkDouble } from '../../src/testing/clerk/contract.js';
import { UserAgent } from './userAgent.js';

export interface Harness {
  app: Express;
  double: ClerkDouble;
  issuer: McpIssuer;
  /** The issuer string. */
  issuerUrl: string;
  /** The MCP endpoint URL (the resource). */
  mcpUrl: string;
  origin: string;
  signingKeys: PrivateJwkSet;
  /** The user the test sign-in page signs in. */
  userId: string;
  /** Clerk sessions created by sign-ins, newest last. */
  sessionIds: string[];
  /** A fresh browser for the issuer's origin. */
  browser(): UserAgent;
  /** A browser already signed in as `userId` (default alice). */
  signedInBrowser(userId?: string): Promise<{ browser: UserAgent; sessionId: string }>;
  /** Registers a public client through `/register` (201 asserted); returns its client_id. */
  registerPublicClient(metadata: Record<string, unknown> & { redirect_uris: string[] }): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** A path for the issuer, e.g. `/tenant` (the resource stays `/mcp` under it). */
  issuerPath?: string;
  options?: Partial<McpIssuerOptions>;
  /** Clerk settings on top of the double's (e.g. `claimsMaxAge`). */
  clerk?: Partial<ClerkOptions>;
  /** Express factory: the suite runs on Express 5, the smoke test passes Express 4. */
  express?: () => Express;
  /** Options of the MCP endpoint's `requireBearer()` (e.g. `toolScopes` for the step-up tests). */
  bearer?: RequireBearerOptions;
}

/** A store the harness creates for each issuer it starts, and closes with it. */
export type HarnessStoreFactory = () => Store & { close?(): Promise<void> };

let harnessStore: HarnessStoreFactory | undefined;
/**
 * Sets the store every later `startHarness()` uses unless its options name one (undefined: the kit's default
 * memory store). `describeWithStores` sets it around a suite so the same suite runs on each store.
 */
export function setHarnessStore(factory: HarnessStoreFactory | undefined): void {
  harnessStore = factory;
}

let sharedKeys: PrivateJwkSet | undefined;
/** One RSA key for the whole run: generating 2048-bit keys per test would dominate the suite's time. */
export async function testSigningKeys(): Promise<PrivateJwkSet> {
  sharedKeys ??= { keys: [await generateSigningKey('RS256')] };
  return sharedKeys;
}

/** Creates the kit's id_token template in the double from the shipped `clerk-templates/mcp-id-token.json`. */
export async function provisionTemplate(double: ClerkDouble): Promise<void> {
  const file = JSON.parse(await readFile(new URL('../../clerk-templates/mcp-id-token.json', import.meta.url), 'utf8'));
  const clerk = createClerkClient({ secretKey: double.secretKey, apiUrl: double.apiUrl });
  await clerk.jwtTemplates.create({ name: file.name, claims: file.claims, lifetime: file.lifetime, allowedClockSkew: file.allowed_clock_skew });
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const double = await createClerkDouble();
  const clerkServer = await double.listen();
  await provisionTemplate(double);

  const app = (opts.express ?? express)();
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuerUrl = origin + (opts.issuerPath ?? '');
  const mcpUrl = `${issuerUrl}/mcp`;
  const signingKeys = await testSigningKeys();
  const sessionIds: string[] = [];
  let userId = 'user_test_alice';

  mountSignIn(app, double, () => userId, (id) => sessionIds.push(id));
  const ownStore = opts.options?.store ? undefined : harnessStore?.();
  const defaults = harnessIssuerOptions(double, { issuerUrl, mcpUrl, signInUrl: `${origin}/sign-in`, signingKeys });
  const issuer = await createMcpIssuer({
    ...defaults,
    clerk: { ...defaults.clerk, ...opts.clerk },
    ...(ownStore ? { store: ownStore } : {}),
    ...opts.options,
  });
  app.use(issuer.router);
  mountMcpEndpoint(app, issuer, mcpUrl, opts.bearer);

  const harness: Harness = {
    app,
    double,
    issuer,
    issuerUrl,
    mcpUrl,
    origin,
    signingKeys,
    get userId() {
      return userId;
    },
    set userId(value: string) {
      userId = value;
    },
    sessionIds,
    browser: () => new UserAgent(origin),
    async signedInBrowser(user = 'user_test_alice') {
      const browser = new UserAgent(origin);
      const session = double.createSession(user);
      browser.setCookieHeader(await double.sessionCookie(session.id));
      return { browser, sessionId: session.id };
    },
    async registerPublicClient(metadata) {
      const res = await fetch(`${issuerUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token_endpoint_auth_method: 'none', ...metadata }),
      });
      if (res.status !== 201) throw new Error(`registration answered ${res.status}: ${await res.text()}`);
      return (await res.json()).client_id as string;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await clerkServer.close();
      await ownStore?.close?.();
    },
  };
  return harness;
}

/** The issuer options every harness app uses: the double as Clerk, one server scope, no rate limits (a test that proves one sets it). */
export function harnessIssuerOptions(
  double: ClerkDouble,
  at: { issuerUrl: string; mcpUrl: string; signInUrl: string; signingKeys: PrivateJwkSet },
): McpIssuerOptions {
  return {
    issuer: at.issuerUrl,
    resource: at.mcpUrl,
    signingKeys: at.signingKeys,
    clerk: {
      secretKey: double.secretKey,
      publishableKey: double.publishableKey,
      jwtKey: double.jwtKey,
      apiUrl: double.apiUrl,
      signInUrl: at.signInUrl,
    },
    scopes: { 'mcp:tools': 'Use the tools of this MCP server' },
    rateLimit: { register: false, token: false, authorize: false },
  };
}

/** Stands in for Clerk's hosted sign-in page: signs the user in and returns to `redirect_url`. */
export function mountSignIn(app: Express, double: ClerkDouble, user: () => string, signedIn: (sessionId: string) => void): void {
  app.get('/sign-in', async (req, res) => {
    const session = double.createSession(user());
    signedIn(session.id);
    const cookie = await double.sessionCookie(session.id);
    for (const part of cookie.split('; ')) res.append('Set-Cookie', `${part}; Path=/; HttpOnly; SameSite=Lax`);
    res.redirect(302, String(req.query.redirect_url));
  });
}

/**
 * The MCP endpoint: official SDK, stateless streamable HTTP, one server per request, a `whoami` tool and a
 * `profile` tool that needs `mcp:profile` (`requireScopes`; give `bearer.toolScopes` for the HTTP 403).
 */
export function mountMcpEndpoint(app: Express, issuer: McpIssuer, mcpUrl: string, bearer?: RequireBearerOptions): void {
  const mcpPath = new URL(mcpUrl).pathname;
  app.post(
    mcpPath,
    issuer.requireBearer(bearer),
    express.json(),
    statelessMcpHandler(() => {
      const server = new McpServer({ name: 'harness', version: '1.0.0' });
      server.registerTool('whoami', { description: 'The signed-in Clerk user' }, async (extra) => ({
        content: [{ type: 'text', text: JSON.stringify({ userId: extra.authInfo?.extra?.userId, scopes: extra.authInfo?.scopes, clientId: extra.authInfo?.clientId }) }],
      }));
      server.registerTool('profile', { description: 'Needs mcp:profile' }, async ({ authInfo }) => {
        requireScopes(authInfo, 'mcp:profile');
        return { content: [{ type: 'text', text: JSON.stringify({ scopes: authInfo?.scopes }) }] };
      });
      return server;
    }),
  );
  app.all(mcpPath, issuer.requireBearer(), (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
  });
}
