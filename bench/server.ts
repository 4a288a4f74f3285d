/**
 * The measured side of `npm run bench`, run as its own process (the load generator lives in the parent, so on
 * 2 cores the server has one core and autocannon the other).
 *
 * One Express MCP origin on loopback with the kit mounted in front of the Clerk test double (in its own process,
 * with an added latency per call, when the parent passes `BENCH_CLERK` — see bench/clerk.ts; else in-process),
 * plus the same two routes — a real MCP `tools/call` through the official SDK's streamable HTTP transport
 * (stateless, JSON responses) and a trivial `res.json({ ok: true })` — behind four front doors:
 *
 *   /noauth/*  nothing
 *   /kit/*     the kit's `issuer.requireBearer()`
 *   /sdk/*     `@modelcontextprotocol/express` `requireBearerAuth` with a jose verifier (createLocalJWKSet + jwtVerify)
 *   /clerk/*   `@clerk/express` `clerkMiddleware` (networkless, `jwtKey`) + `@clerk/mcp-tools` `mcpAuthClerk`
 *
 * The parent talks to it over the fork IPC channel: it gets `{ type: 'ready', … }` once, and may send
 * `{ type: 'stop' }` (or just disconnect) to end it.
 *
 * argv: `--store=memory` (default), `--store=redis://127.0.0.1:PORT` or `--store=cluster:redis://127.0.0.1:P1,…`
 * (a Redis Cluster, ./lib/redisCluster.ts); `--webhooks` mounts Clerk webhooks (a refresh then makes no Clerk call
 * while Clerk's last confirmation is fresh).
 */
import express, { type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { clerkMiddleware } from '@clerk/express';
import { mcpAuthClerk } from '@clerk/mcp-tools/express';
import { createLocalJWKSet, importPKCS8, jwtVerify, SignJWT } from 'jose';
import { createMcpIssuer } from '../src/index.js';
import type { Store } from '../src/store/store.js';
import { generateSigningKey, toPublicJwkSet } from '../src/keys/jwkSet.js';
import { createClerkDouble } from '../src/testing/clerk/double.js';
import type { ClerkReady } from './clerk.js';
import { provisionedSignedInCookie } from './lib/clerkSession.js';

export interface ServerReady {
  type: 'ready';
  origin: string;
  issuerUrl: string;
  mcpUrl: string;
  /** `Cookie` header of a signed-in Clerk session (alice), valid for an hour. */
  sessionCookie: string;
  /** A Clerk-format OAuth access token (JWT, `typ: at+jwt`) that the `/clerk/*` routes accept. */
  clerkAccessToken: string;
  store: string;
  pid: number;
}

const storeArg = process.argv.find((a) => a.startsWith('--store='))?.slice('--store='.length) ?? 'memory';
/** `--webhooks`: Clerk webhooks mounted, so a refresh trusts Clerk's last confirmation for `clerk.claimsMaxAge`. */
const webhooks = process.argv.includes('--webhooks');
const quiet = { debug() {}, info() {}, warn() {}, error: (m: string) => process.stderr.write(`[bench server] ${m}\n`) };

async function openStore(spec: string): Promise<Store | undefined> {
  if (spec === 'memory') return undefined; // the kit's default MemoryStore
  // Loaded only when asked for: the Redis store and its client are not needed for the memory runs.
  const mod = (await import('./lib/redisStore.js')) as { openRedisStore(url: string): Promise<Store> };
  return mod.openRedisStore(spec);
}

/** Clerk as the server child sees it: out of process (`BENCH_CLERK`, from bench/clerk.ts), or in-process. */
type ClerkSide = Omit<ClerkReady, 'type' | 'latencyMs'> & { close(): Promise<void> };

async function clerkSide(): Promise<ClerkSide> {
  if (process.env.BENCH_CLERK) return { ...(JSON.parse(process.env.BENCH_CLERK) as ClerkReady), close: async () => {} };
  // In-process (bench/profile.ts): the double shares this process, at zero distance.
  const double = await createClerkDouble();
  const clerkServer = await double.listen();
  const sessionCookie = await provisionedSignedInCookie(double);
  const { secretKey, publishableKey, jwtKey, apiUrl, frontendApi } = double;
  return { secretKey, publishableKey, jwtKey, apiUrl, frontendApi, sessionCookie, close: () => clerkServer.close() };
}

async function main(): Promise<void> {
  const double = await clerkSide();

  const app = express();
  app.disable('x-powered-by');
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuerUrl = origin;
  const mcpUrl = `${origin}/mcp`;
  const signingKeys = { keys: [await generateSigningKey('RS256')] };

  const issuer = await createMcpIssuer({
    issuer: issuerUrl,
    resource: mcpUrl,
    signingKeys,
    clerk: {
      secretKey: double.secretKey,
      publishableKey: double.publishableKey,
      jwtKey: double.jwtKey,
      apiUrl: double.apiUrl,
      signInUrl: `${origin}/sign-in`,
    },
    store: await openStore(storeArg),
    scopes: { 'mcp:tools': 'Use the tools of this MCP server' },
    // The bench mints thousands of codes and tokens from one address: no rate limits; codes live the maximum
    // (10 min) so a batch collected before a run is still good when the run reaches it.
    rateLimit: { register: false, token: false, authorize: false },
    lifetimes: { authorizationCode: 600 },
    logger: quiet,
  });
  // Mounted like a deployment that receives Clerk's session.ended deliveries (none arrive during the bench).
  if (webhooks) app.post('/webhooks/clerk', issuer.clerkWebhooks({ signingSecret: `whsec_${randomBytes(24).toString('base64')}` }));
  app.use(issuer.router);

  // --- the two measured routes, identical behind every front door -------------------------------------------
  // Built per request as in examples/mcpServer.ts (stateless), sharing one JSON Schema validator as the example
  // does; BENCH_MCP_PER_REQUEST_VALIDATOR=1 gives each server its own Ajv, to see what that per-request cost is.
  const sharedValidator = process.env.BENCH_MCP_PER_REQUEST_VALIDATOR === '1' ? undefined : new AjvJsonSchemaValidator();
  const mcpHandler: RequestHandler = async (req, res) => {
    const mcp = new McpServer({ name: 'bench', version: '1.0.0' }, sharedValidator ? { jsonSchemaValidator: sharedValidator } : undefined);
    mcp.registerTool('whoami', { description: 'The signed-in user' }, async (extra) => ({
      content: [{ type: 'text', text: JSON.stringify({ userId: (extra.authInfo?.extra as { userId?: string } | undefined)?.userId ?? null }) }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
  const trivial: RequestHandler = (_req, res) => {
    res.json({ ok: true });
  };
  const json = express.json({ limit: '1mb' });
  const mount = (prefix: string, auth: RequestHandler[]) => {
    app.post(`${prefix}/mcp`, ...auth, json, mcpHandler);
    app.get(`${prefix}/trivial`, ...auth, trivial);
  };

  // 1. no auth
  mount('/noauth', []);

  // 2. the kit
  mount('/kit', [issuer.requireBearer()]);

  // 3. the MCP SDK's requireBearerAuth with a plain jose verifier over our public keys. Imported by a computed
  //    name: its typings re-declare Express's `req.auth`, which clashes with the kit's declaration in one program.
  const sdkExpress = '@modelcontextprotocol/express';
  const { requireBearerAuth } = (await import(sdkExpress)) as {
    requireBearerAuth(options: { verifier: { verifyAccessToken(token: string): Promise<unknown> }; resourceMetadataUrl?: string }): RequestHandler;
  };
  const jwks = createLocalJWKSet(toPublicJwkSet(signingKeys));
  const sdkBearer = requireBearerAuth({
    verifier: {
      async verifyAccessToken(token: string) {
        const { payload } = await jwtVerify(token, jwks, { issuer: issuerUrl, audience: mcpUrl, typ: 'at+jwt', algorithms: ['RS256'] });
        return {
          token,
          clientId: String(payload.client_id),
          scopes: String(payload.scope ?? '').split(' ').filter(Boolean),
          expiresAt: payload.exp,
          resource: new URL(mcpUrl),
          extra: { userId: payload.sub },
        };
      },
    },
    resourceMetadataUrl: issuer.config.urls.protectedResourceMetadataUrl,
  });
  mount('/sdk', [sdkBearer]);

  // 4. Clerk's own: clerkMiddleware verifying Clerk-format OAuth JWT access tokens without network (jwtKey),
  //    then mcpAuthClerk. The double's instance key is internal, so this instance key is ours: its PEM is the jwtKey.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clerkJwtKey = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const clerkSigningKey = await importPKCS8(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const clerkAccessToken = await new SignJWT({
    client_id: 'oauth_app_bench',
    scope: 'mcp:tools openid profile email',
    jti: `oat_${randomBytes(16).toString('hex')}`,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'ins_bench', typ: 'at+jwt' })
    .setSubject('user_test_alice')
    .setIssuer(double.frontendApi)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(clerkSigningKey);
  const clerkAuth = clerkMiddleware({ publishableKey: double.publishableKey, secretKey: double.secretKey, jwtKey: clerkJwtKey });
  mount('/clerk', [clerkAuth, mcpAuthClerk as unknown as RequestHandler]);

  const { sessionCookie } = double;

  const stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await double.close();
    const closable = issuer.store as unknown as { close?: () => Promise<void> | void };
    await closable.close?.();
    process.exit(0);
  };
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void stop();
    // CPU time of this process (main thread + thread pool), µs: the parent brackets a run with it.
    if (message?.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ type: 'cpu', micros: user + system });
    }
    // V8's sampling CPU profiler (what `node --cpu-prof` runs), around one measured run only: bench/profile.ts.
    if (message?.type === 'profile-start') void profileStart().then(() => process.send!({ type: 'profiling' }));
    if (message?.type === 'profile-stop') void profileStop((message as { path: string }).path).then(() => process.send!({ type: 'profiled' }));
  });
  process.on('disconnect', () => void stop());

  const ready: ServerReady = { type: 'ready', origin, issuerUrl, mcpUrl, sessionCookie, clerkAccessToken, store: storeArg, pid: process.pid };
  process.send!(ready);
}

let inspector: Session | undefined;
async function profileStart(): Promise<void> {
  inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 100 });
  await inspector.post('Profiler.start');
}
async function profileStop(path: string): Promise<void> {
  const { profile } = await inspector!.post('Profiler.stop');
  writeFileSync(path, JSON.stringify(profile));
  inspector!.disconnect();
}

main().catch((error) => {
  process.stderr.write(`[bench server] failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
