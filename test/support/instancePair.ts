/**
 * Two instances of one MCP server behind one origin, sharing a Redis store (one Redis or a Redis Cluster): what a deployment with several
 * replicas looks like. One Clerk double; two Express apps, each with its own `createMcpIssuer` (same issuer
 * string, same signing keys, each its own Redis connection to the same key space); in front, a tiny loopback
 * router that is the issuer's origin and sends each request to the instance the test names (or alternates).
 * Every client — oauth4webapi, the test browser, the MCP SDK — talks to the issuer URL and never knows which
 * instance answered; `served` says.
 */
import express, { type Express } from 'express';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createMcpIssuer, type McpIssuer, type McpIssuerOptions } from '../../src/index.js';
import type { PrivateJwkSet } from '../../src/keys/jwkSet.js';
import type { Logger } from '../../src/config/options.js';
import { RedisStore } from '../../src/store/redis.js';
import { redisRateLimitStore } from '../../src/store/redisRateLimitStore.js';
import { createClerkDouble } from '../../src/testing/clerk/double.js';
import type { ClerkDouble } from '../../src/testing/clerk/contract.js';
import { harnessIssuerOptions, mountMcpEndpoint, mountSignIn, provisionTemplate, testSigningKeys } from './harness.js';
import { UserAgent } from './userAgent.js';

export type InstanceName = 'a' | 'b';

/** The replay and reuse warnings the races provoke are the point of those tests, not noise to print. */
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface Instance {
  name: InstanceName;
  app: Express;
  issuer: McpIssuer;
  store: RedisStore;
  /** The instance's own address (the router's upstream). */
  origin: string;
  /** Restarts so far (0 for the first process). */
  generation: number;
}

export interface InstancePairOptions {
  /** One Redis (`redis://…`)… */
  redisUrl?: string;
  /** …or a Redis Cluster: some of its nodes (`RedisStore({ clusterNodes })`). */
  clusterNodes?: string[];
  /** Redis key prefix shared by both instances. */
  keyPrefix?: string;
  /** Options for both instances' `createMcpIssuer`. */
  options?: Partial<McpIssuerOptions>;
  /** Per-instance options on top (e.g. different signing key sets during a rotation). */
  instanceOptions?: Partial<Record<InstanceName, Partial<McpIssuerOptions>>>;
  /** Rate limits counted in Redis (`redisRateLimitStore` on each instance's store), with these settings. */
  sharedRateLimits?: Pick<NonNullable<McpIssuerOptions['rateLimit']>, 'register' | 'token'>;
}

export interface InstancePair {
  double: ClerkDouble;
  /** The issuer string (the router's origin): identical on both instances. */
  issuerUrl: string;
  mcpUrl: string;
  signingKeys: PrivateJwkSet;
  instance(name: InstanceName): Instance;
  /** Which instance answers from now on; `alternate` takes turns per request. Default `alternate`. */
  use(target: InstanceName | 'alternate'): void;
  /** Every request the router passed on, in order. */
  served: Array<{ instance: InstanceName; method: string; path: string }>;
  /** Stops one instance (app and Redis connection) and starts a new process of it, optionally reconfigured. */
  restart(name: InstanceName, options?: Partial<McpIssuerOptions>): Promise<Instance>;
  /** A browser already signed in to the double (its cookie is valid on both instances). */
  signedInBrowser(userId?: string): Promise<UserAgent>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startInstancePair(opts: InstancePairOptions): Promise<InstancePair> {
  const double = await createClerkDouble();
  const clerkServer = await double.listen();
  await provisionTemplate(double);
  const signingKeys = await testSigningKeys();

  let target: InstanceName | 'alternate' = 'alternate';
  let turn = 0;
  const served: InstancePair['served'] = [];
  const instances = new Map<InstanceName, Instance & { server: Server }>();

  // The router: the issuer's origin. Plain HTTP forwarding, no X-Forwarded-* (the apps see the router's address).
  const router = createServer((req: IncomingMessage, res: ServerResponse) => {
    const name: InstanceName = target === 'alternate' ? (turn++ % 2 === 0 ? 'a' : 'b') : target;
    const upstream = new URL(instances.get(name)!.origin);
    served.push({ instance: name, method: req.method!, path: new URL(req.url!, 'http://x').pathname });
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  const issuerUrl = await listen(router);
  const mcpUrl = `${issuerUrl}/mcp`;

  async function startInstance(name: InstanceName, generation: number, extra?: Partial<McpIssuerOptions>): Promise<Instance & { server: Server }> {
    const app = express();
    mountSignIn(app, double, () => 'user_test_alice', () => undefined);
    const store = new RedisStore({ ...(opts.clusterNodes ? { clusterNodes: opts.clusterNodes } : { url: opts.redisUrl }), keyPrefix: opts.keyPrefix ?? 'pair:', commandTimeoutMs: 500, logger: quiet });
    await store.ready();
    const issuer = await createMcpIssuer({
      ...harnessIssuerOptions(double, { issuerUrl, mcpUrl, signInUrl: `${issuerUrl}/sign-in`, signingKeys }),
      store,
      logger: quiet,
      ...(opts.sharedRateLimits ? { rateLimit: { ...opts.sharedRateLimits, store: await redisRateLimitStore(store) } } : {}),
      ...opts.options,
      ...opts.instanceOptions?.[name],
      ...extra,
    });
    app.use(issuer.router);
    mountMcpEndpoint(app, issuer, mcpUrl);
    const server = createServer(app);
    const origin = await listen(server);
    return { name, app, issuer, store, origin, generation, server };
  }

  async function stopInstance(instance: Instance & { server: Server }): Promise<void> {
    instance.server.closeAllConnections();
    await new Promise((resolve) => instance.server.close(resolve));
    await instance.store.close();
  }

  instances.set('a', await startInstance('a', 0));
  instances.set('b', await startInstance('b', 0));

  return {
    double,
    issuerUrl,
    mcpUrl,
    signingKeys,
    served,
    instance: (name) => instances.get(name)!,
    use(next) {
      target = next;
    },
    async restart(name, options) {
      const old = instances.get(name)!;
      await stopInstance(old);
      const fresh = await startInstance(name, old.generation + 1, options);
      instances.set(name, fresh);
      return fresh;
    },
    async signedInBrowser(userId = 'user_test_alice') {
      const browser = new UserAgent(issuerUrl);
      browser.setCookieHeader(await double.sessionCookie(double.createSession(userId).id));
      return browser;
    },
    async close() {
      router.closeAllConnections();
      await new Promise((resolve) => router.close(resolve));
      for (const instance of instances.values()) await stopInstance(instance);
      await clerkServer.close();
    },
  };
}
