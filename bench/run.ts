/**
 * `npm run bench`: starts what it measures on loopback, drives it with autocannon after a warm-up, and prints
 * one table (each figure the median of several runs) and, last, one JSON line of the headline ratios.
 *
 * Layout on a 2-core machine: every server is its own child process (one core for it), autocannon runs in
 * this process (the other core). Micro-benchmarks (signing, memory) run in their own children while nothing
 * else runs. Everything is stopped by the script itself; every loop is bounded.
 *
 * Knobs (environment): BENCH_RUNS (3), BENCH_SECONDS (3), BENCH_WARMUP (2), BENCH_CONNECTIONS (10),
 * BENCH_CLERK_LATENCY_MS (40: added per Clerk Backend API call, the Clerk double runs in its own process),
 * BENCH_GRANTS (100000), BENCH_ONLY (comma list of: bearer,load,token,memory), BENCH_PROFILE=1 (server
 * children run under `node --cpu-prof`, profiles in bench/profiles/<server>-<time>/, thread 0 the main one), BENCH_MCP_PER_REQUEST_VALIDATOR=1 (each
 * request's McpServer builds its own Ajv instead of sharing one as examples/mcpServer.ts does). Profiling one route: bench/profile.ts.
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { startChild, type Child } from './lib/child.js';
import { interleaved, load, median, summarise, type LoadSpec, type Sample, type Summary } from './lib/load.js';
import { BenchClient, FORM } from './lib/oauth.js';
import { redisStoreAvailable } from './lib/redisStore.js';
import { startRedis } from './lib/redis.js';
import { startCluster } from './lib/redisCluster.js';
import type { ServerReady } from './server.js';
import type { ClerkReady } from './clerk.js';
import type { PeerReady } from './peer.js';
import { PeerClient } from './lib/peerClient.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const RUNS = env('BENCH_RUNS', 3);
const SECONDS = env('BENCH_SECONDS', 3);
const WARMUP = env('BENCH_WARMUP', 2);
const CONNECTIONS = env('BENCH_CONNECTIONS', 10);
const GRANTS = env('BENCH_GRANTS', 100_000);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'bearer,load,token,memory').split(',').map((s) => s.trim()));
const PROFILE = process.env.BENCH_PROFILE === '1';
const CLERK_LATENCY_MS = env('BENCH_CLERK_LATENCY_MS', 40);
const PEER_VERSION = (createRequire(import.meta.url)('oidc-provider/package.json') as { version: string }).version;

const benchStart = Date.now();
const progress = (message: string) => process.stderr.write(`[bench ${String(Math.round((Date.now() - benchStart) / 1000)).padStart(3)} s] ${message}\n`);

function startServer(args: string[] = [], name = 'server', env: NodeJS.ProcessEnv = {}): Promise<Child<ServerReady>> {
  // One folder per server: the tsx loader's worker thread writes a profile of its own beside the main thread's.
  const nodeOptions = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${new URL(`./profiles/${name}-${Date.now()}/`, import.meta.url).pathname}`] : [];
  return startChild<ServerReady>('server.ts', args, { nodeOptions, env });
}

// --- 1 + 4. the bearer check ----------------------------------------------------------------------------------

const VARIANTS = ['noauth', 'kit', 'sdk', 'clerk'] as const;
type Variant = (typeof VARIANTS)[number];
const VARIANT_LABEL: Record<Variant, string> = {
  noauth: 'no auth',
  kit: 'kit requireBearer()',
  sdk: 'SDK requireBearerAuth + jose',
  clerk: 'clerkMiddleware + mcpAuthClerk',
};

const TOOLS_CALL = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };

type Route = 'mcp' | 'trivial';

/** The server child's CPU time (µs), for CPU per request: steadier than req/s on a shared machine. */
const cpuOf = (server: Child<object>) => () => server.ask<{ micros: number }>({ type: 'cpu' }).then((m) => m.micros);

function routeSpec(server: Child<ServerReady>, variant: Variant, route: Route, token: string | undefined, connections: number): () => LoadSpec {
  const { origin } = server.ready;
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const request =
    route === 'mcp'
      ? { method: 'POST' as const, path: `/${variant}/mcp`, headers: { ...MCP_HEADERS, ...auth }, body: TOOLS_CALL }
      : { method: 'GET' as const, path: `/${variant}/trivial`, headers: auth };
  return () => ({ origin, connections, seconds: SECONDS, request, serverCpu: cpuOf(server) });
}

/** Before measuring: each variant answers 200 to its token (tools/call returns the user), 401 without one. */
async function verifyVariant(origin: string, variant: Variant, token: string | undefined): Promise<void> {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(`${origin}/${variant}/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, ...auth }, body: TOOLS_CALL });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${variant} tools/call answered ${res.status}: ${text.slice(0, 300)}`);
  const message = JSON.parse(text) as { result?: { content?: Array<{ text: string }>; isError?: boolean } };
  if (!message.result || message.result.isError) throw new Error(`${variant} tools/call failed: ${text.slice(0, 300)}`);
  const { userId } = JSON.parse(message.result.content![0].text) as { userId: string | null };
  if (userId !== (variant === 'noauth' ? null : 'user_test_alice')) throw new Error(`${variant} tools/call saw userId ${userId}`);
  const trivial = await fetch(`${origin}/${variant}/trivial`, { headers: auth });
  if (trivial.status !== 200) throw new Error(`${variant} trivial answered ${trivial.status}`);
  if (variant !== 'noauth') {
    const anonymous = await fetch(`${origin}/${variant}/trivial`);
    if (anonymous.status !== 401) throw new Error(`${variant} without a token answered ${anonymous.status}, not 401`);
  }
}

interface BearerResults {
  trivial: Record<Variant, Summary>;
  /** The no-auth trivial route sent the same Authorization header: what the header alone costs the HTTP layer. */
  trivialHeaderOnly?: Summary;
  mcp: Record<Variant, Summary>;
  /** connections → variant → summary (tools/call, no auth and kit). */
  scaling: Map<number, Partial<Record<Variant, Summary>>>;
}

async function benchBearer(): Promise<BearerResults> {
  progress('bearer: starting the MCP origin (server child)');
  const server = await startServer([], 'bearer');
  try {
    const { origin, mcpUrl, sessionCookie, clerkAccessToken } = server.ready;
    const client = new BenchClient(origin, mcpUrl, sessionCookie);
    await client.register();
    const kitToken = (await client.exchange(await client.consent())).access_token;
    const tokens: Record<Variant, string | undefined> = { noauth: undefined, kit: kitToken, sdk: kitToken, clerk: clerkAccessToken };
    for (const variant of VARIANTS) await verifyVariant(origin, variant, tokens[variant]);
    progress('bearer: every variant answers 200 with its token and 401 without');

    const byVariant = (summaries: Summary[]) => Object.fromEntries(VARIANTS.map((v, i) => [v, summaries[i]])) as Record<Variant, Summary>;
    const results: BearerResults = { trivial: {} as Record<Variant, Summary>, mcp: {} as Record<Variant, Summary>, scaling: new Map() };
    if (ONLY.has('bearer')) {
      progress(`bearer: trivial route, 4 variants (+ no auth with the header) interleaved, ${RUNS} × ${SECONDS} s at c=${CONNECTIONS}`);
      const trivial = await interleaved(
        [...VARIANTS.map((v) => routeSpec(server, v, 'trivial', tokens[v], CONNECTIONS)), routeSpec(server, 'noauth', 'trivial', kitToken, CONNECTIONS)],
        RUNS,
        WARMUP,
      );
      results.trivial = byVariant(trivial.slice(0, VARIANTS.length));
      results.trivialHeaderOnly = trivial[VARIANTS.length];
      progress(`bearer: MCP tools/call, 4 variants interleaved, ${RUNS} × ${SECONDS} s at c=${CONNECTIONS}`);
      results.mcp = byVariant(await interleaved(VARIANTS.map((v) => routeSpec(server, v, 'mcp', tokens[v], CONNECTIONS)), RUNS, WARMUP));
      results.scaling.set(CONNECTIONS, { noauth: results.mcp.noauth, kit: results.mcp.kit });
    }
    if (ONLY.has('load')) {
      for (const connections of [1, 10, 100]) {
        if (results.scaling.has(connections)) continue;
        progress(`load: MCP tools/call at c=${connections}, no auth vs kit interleaved`);
        const [noauth, kit] = await interleaved(
          (['noauth', 'kit'] as const).map((v) => routeSpec(server, v, 'mcp', tokens[v], connections)),
          RUNS,
          Math.min(WARMUP, 1),
        );
        results.scaling.set(connections, { noauth, kit });
      }
    }
    return results;
  } finally {
    await server.stop();
  }
}

// --- 2 + 3b. the token endpoint -------------------------------------------------------------------------------

interface SigningResult {
  sequential: number;
  concurrent: number;
  /** Whether the signing child was pinned to one core (taskset); if not, `concurrent` may use both. */
  oneCore: boolean;
}

/** Pins every thread of `pid` to core 0; false when taskset is missing or refuses. */
function pinToOneCore(pid: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function benchSigning(): Promise<SigningResult> {
  progress('token: raw RS256 signing throughput on one core (signing child pinned with taskset, nothing else running)');
  const child = await startChild<{ type: 'ready' }>('signing.ts', [String(Math.max(1, SECONDS / 2)), String(RUNS)]);
  try {
    const oneCore = pinToOneCore(child.process.pid!);
    child.process.send({ type: 'go' });
    return { ...(await child.next<Omit<SigningResult, 'oneCore'>>()), oneCore };
  } finally {
    await child.stop();
  }
}

/** What the token runs drive: the kit (on one store, with Clerk at some distance) or the certified peer. */
interface TokenClient {
  origin: string;
  codes(n: number): Promise<string[]>;
  exchangeBody(code: string): string;
  refreshBody(refreshToken: string): string;
  refreshTokens(n: number): Promise<string[]>;
}

interface TokenTarget {
  name: string;
  label: string;
  server: Child<{ origin: string }>;
  client: TokenClient;
  /** The kit's targets: the Clerk latency their runs are measured at (set on the Clerk child before each run). */
  clerkLatencyMs?: number;
  exchangeRate: number;
  exchanges: Sample[];
  refreshes: Sample[];
  /** Clerk Backend API calls per successful exchange / refresh, one figure per run (kit targets only). */
  clerkPerExchange: number[];
  clerkPerRefresh: number[];
}

/** Clerk at a distance (bench/clerk.ts), shared by every kit server child of the token runs. */
interface ClerkChild {
  child: Child<ClerkReady>;
  setLatency(ms: number): Promise<void>;
  calls(): Promise<number>;
}

async function startClerk(latencyMs: number): Promise<ClerkChild> {
  const child = await startChild<ClerkReady>('clerk.ts', [String(latencyMs)]);
  let current = latencyMs;
  return {
    child,
    async setLatency(ms) {
      if (ms === current) return;
      await child.ask({ type: 'latency', ms });
      current = ms;
    },
    calls: () => child.ask<{ count: number }>({ type: 'calls' }).then((m) => m.count),
  };
}

/**
 * Runs `measure` for a target with Clerk at the target's latency, counting the Clerk calls it makes per
 * successful response (before/after the run, after the codes or refresh tokens were collected).
 */
async function withClerk(t: TokenTarget, clerk: ClerkChild, counts: number[], measure: (counted: () => Promise<number>) => Promise<Sample>): Promise<Sample> {
  if (t.clerkLatencyMs === undefined) return measure(async () => 0);
  await clerk.setLatency(t.clerkLatencyMs);
  let before = 0;
  const sample = await measure(async () => (before = await clerk.calls()));
  counts.push(((await clerk.calls()) - before) / sample.ok);
  return sample;
}

/**
 * Exchanges fresh codes, one per request: a fixed `amount` (warm-up), or for `seconds` from a batch collected
 * beforehand and sized from the last rate seen. Codes are single use, so a batch that runs dry would starve
 * the run (autocannon cannot be told to wait): that run is discarded and redone with twice the batch.
 */
async function exchangeRun(t: TokenTarget, bound: { amount: number } | { seconds: number }, beforeLoad: () => Promise<unknown> = async () => {}): Promise<Sample> {
  for (let attempt = 0; ; attempt++) {
    const n = 'amount' in bound ? bound.amount : roundTo(t.exchangeRate * bound.seconds * 1.3 * 2 ** attempt + 20 * CONNECTIONS, CONNECTIONS);
    const bodies = (await t.client.codes(n)).map((code) => t.client.exchangeBody(code));
    let next = 0;
    let dry = false;
    await beforeLoad();
    const sample = await load({
      origin: t.client.origin,
      connections: CONNECTIONS,
      ...bound,
      serverCpu: cpuOf(t.server),
      request: {
        method: 'POST',
        path: '/token',
        headers: FORM,
        setupRequest(req) {
          if (next < bodies.length) return { ...req, body: bodies[next++] };
          dry = true;
          return { ...req, body: undefined }; // autocannon sends nothing more on this connection
        },
      },
    });
    if (!dry) t.exchangeRate = sample.rps;
    if (!dry || 'amount' in bound) return sample;
    if (attempt === 2) throw new Error('bench: the exchange runs keep running out of codes');
    progress(`token (${t.name}): the batch of ${n} codes ran dry at ${sample.rps.toFixed(0)}/s; again with a larger one`);
  }
}

/** Refreshes for `seconds`: each response's refresh token goes back in the pool (rotation on every use). */
async function refreshRun(t: TokenTarget, seconds: number, beforeLoad: () => Promise<unknown> = async () => {}): Promise<Sample> {
  const pool = await t.client.refreshTokens(CONNECTIONS * 3);
  await beforeLoad();
  return load({
    origin: t.client.origin,
    connections: CONNECTIONS,
    seconds,
    serverCpu: cpuOf(t.server),
    request: {
      method: 'POST',
      path: '/token',
      headers: FORM,
      setupRequest(req) {
        const token = pool.shift();
        if (!token) throw new Error('bench: the refresh-token pool ran dry');
        return { ...req, body: t.client.refreshBody(token) };
      },
      onResponse(status, body) {
        if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
      },
    },
  });
}

const roundTo = (n: number, step: number) => Math.max(step, Math.round(n / step) * step);

interface TokenFigures {
  exchange: Summary;
  refresh: Summary;
  clerkPerExchange?: number;
  clerkPerRefresh?: number;
}

interface TokenResults {
  signing: SigningResult;
  clerkLatencyMs: number;
  /** name → figures: `memory` (Clerk at BENCH_CLERK_LATENCY_MS), `memory-clerk0` (Clerk at 0 ms), `memory-webhooks`, `redis`, `cluster`, `peer`. */
  targets: Map<string, TokenFigures & { label: string }>;
  redisNote?: string;
}

async function benchToken(): Promise<TokenResults> {
  const signing = await benchSigning();
  const targets: TokenTarget[] = [];
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  let redisNote: string | undefined;
  let clerk: ClerkChild | undefined;
  const target = (name: string, label: string, server: Child<{ origin: string }>, client: TokenClient, clerkLatencyMs?: number): TokenTarget => ({
    name, label, server, client, clerkLatencyMs, exchangeRate: 0, exchanges: [], refreshes: [], clerkPerExchange: [], clerkPerRefresh: [],
  });
  try {
    progress(`token: Clerk double in its own process, ${CLERK_LATENCY_MS} ms added per Backend API call (clerk child)`);
    clerk = await startClerk(CLERK_LATENCY_MS);
    const clerkEnv = { BENCH_CLERK: JSON.stringify(clerk.child.ready) };
    progress('token: starting the kit on the memory store (server child)');
    const memory = await startServer(['--store=memory'], 'token-memory', clerkEnv);
    const kitClient = async (server: Child<ServerReady>) => {
      const client = new BenchClient(server.ready.origin, server.ready.mcpUrl, server.ready.sessionCookie);
      await client.register();
      await client.consent();
      return client;
    };
    const memoryClient = await kitClient(memory);
    targets.push(target('memory', `kit, memory store, Clerk ${CLERK_LATENCY_MS} ms away`, memory, memoryClient, CLERK_LATENCY_MS));
    // The same server and client with Clerk at zero distance: what Clerk's latency adds to an exchange.
    targets.push(target('memory-clerk0', 'kit, memory store, Clerk 0 ms away', memory, memoryClient, 0));
    // A deployment with Clerk webhooks mounted: a refresh answers from Clerk's last confirmation while it is
    // younger than clerk.claimsMaxAge (300 s), with no Clerk call.
    progress('token: starting the kit on the memory store with Clerk webhooks mounted (server child)');
    const withWebhooks = await startServer(['--store=memory', '--webhooks'], 'token-webhooks', clerkEnv);
    targets.push(target('memory-webhooks', `kit, memory store, Clerk webhooks mounted, Clerk ${CLERK_LATENCY_MS} ms away`, withWebhooks, await kitClient(withWebhooks), CLERK_LATENCY_MS));
    const available = await redisStoreAvailable();
    if (available === true) {
      redis = await startRedis();
      progress(`token: starting the kit on the Redis store (${redis.url}, server child)`);
      const redisServer = await startServer([`--store=${redis.url}`], 'token-redis', clerkEnv);
      targets.push(target('redis', `kit, Redis store, Clerk ${CLERK_LATENCY_MS} ms away`, redisServer, await kitClient(redisServer), CLERK_LATENCY_MS));
      cluster = await startCluster();
      progress(`token: starting the kit on a 3-master Redis Cluster (${cluster.nodes.length} nodes, server child)`);
      const clusterServer = await startServer([`--store=${cluster.spec}`], 'token-cluster', clerkEnv);
      targets.push(target('cluster', `kit, Redis Cluster (3 masters), Clerk ${CLERK_LATENCY_MS} ms away`, clusterServer, await kitClient(clusterServer), CLERK_LATENCY_MS));
    } else {
      redisNote = available;
      progress(`token: Redis store skipped: ${available}`);
    }
    progress('token: starting oidc-provider, the certified peer (peer child)');
    const peer = await startChild<PeerReady>('peer.ts');
    targets.push(target('peer', `oidc-provider ${PEER_VERSION} (certified OP), memory adapter`, peer, new PeerClient(peer.ready)));

    for (const t of targets) {
      if (t.clerkLatencyMs !== undefined) await clerk.setLatency(t.clerkLatencyMs);
      // Warm-up (the JIT needs a few hundred exchanges), and the rate that sizes each run's batch of codes.
      for (let i = 0; i < 2; i++) await exchangeRun(t, { amount: roundTo(600, CONNECTIONS) });
      await refreshRun(t, Math.max(WARMUP, 1));
    }
    progress(`token: authorization-code exchanges, ${RUNS} runs of ~${SECONDS} s per target, interleaved (${targets.map((t) => t.name).join(', ')})`);
    for (let round = 0; round < RUNS; round++) {
      for (const t of targets) t.exchanges.push(await withClerk(t, clerk, t.clerkPerExchange, (counted) => exchangeRun(t, { seconds: SECONDS }, counted)));
    }
    progress(`token: refreshes, ${RUNS} × ${SECONDS} s per target, interleaved`);
    for (let round = 0; round < RUNS; round++) {
      for (const t of targets) t.refreshes.push(await withClerk(t, clerk, t.clerkPerRefresh, (counted) => refreshRun(t, SECONDS, counted)));
    }
    const figures = new Map<string, TokenFigures & { label: string }>();
    for (const t of targets) {
      figures.set(t.name, {
        label: t.label,
        exchange: summarise(t.exchanges),
        refresh: summarise(t.refreshes),
        ...(t.clerkLatencyMs !== undefined ? { clerkPerExchange: median(t.clerkPerExchange), clerkPerRefresh: median(t.clerkPerRefresh) } : {}),
      });
    }
    return { signing, clerkLatencyMs: CLERK_LATENCY_MS, targets: figures, redisNote };
  } finally {
    for (const server of new Set(targets.map((t) => t.server))) await server.stop();
    await clerk?.child.stop();
    await cluster?.stop();
    await redis?.stop();
  }
}

// --- 3a. memory per grant -------------------------------------------------------------------------------------

interface MemoryResult {
  grants: number;
  records: number;
  rssBytesPerGrant: number;
  heapBytesPerGrant: number;
}

async function benchMemory(): Promise<MemoryResult> {
  progress(`memory: ${GRANTS} grants into the MemoryStore (memory child, --expose-gc)`);
  const child = await startChild<{ type: 'ready' }>('memory.ts', [String(GRANTS)], { nodeOptions: ['--expose-gc'] });
  try {
    return await child.next<MemoryResult>(300_000);
  } finally {
    await child.stop();
  }
}

// --- report ---------------------------------------------------------------------------------------------------

const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ms = (n: number | undefined) => fmt(n, 2);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : Math.round((a / b) * 100) / 100);
const x = (r: number | undefined) => (r === undefined ? '–' : `${r.toFixed(2)}×`);

async function main(): Promise<void> {
  const started = Date.now();
  const cpus = os.cpus();
  progress(`Node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim()}); ${RUNS} runs × ${SECONDS} s, warm-up ${WARMUP} s, c=${CONNECTIONS}`);

  const memory = ONLY.has('memory') ? await benchMemory() : undefined;
  const token = ONLY.has('token') ? await benchToken() : undefined;
  const bearer = ONLY.has('bearer') || ONLY.has('load') ? await benchBearer() : undefined;

  const rows: string[][] = [];
  const row = (figure: string, value: string, note: string, s?: Summary) =>
    rows.push([figure, value, s ? ms(s.p50) : '', s ? ms(s.p99) : '', s?.cpuPerRequest !== undefined ? fmt(s.cpuPerRequest) : '', note]);
  if (bearer && ONLY.has('bearer')) {
    for (const route of ['mcp', 'trivial'] as const) {
      const byVariant = bearer[route];
      for (const v of VARIANTS) {
        const s = byVariant[v];
        const note = v === 'noauth' ? 'baseline' : `${x(ratio(s.rps, byVariant.noauth.rps))} no auth${v === 'kit' ? `, ${x(ratio(s.rps, byVariant.clerk.rps))} mcpAuthClerk` : ''}`;
        row(`${route === 'mcp' ? 'MCP tools/call' : 'trivial GET'}, ${VARIANT_LABEL[v]} (c=${CONNECTIONS})`, `${fmt(s.rps)} req/s`, note, s);
      }
      const headerOnly = bearer.trivialHeaderOnly;
      if (route === 'trivial' && headerOnly) {
        row(`trivial GET, no auth but the same Authorization header sent (c=${CONNECTIONS})`, `${fmt(headerOnly.rps)} req/s`, `${x(ratio(headerOnly.rps, byVariant.noauth.rps))} no auth: the header's own cost`, headerOnly);
      }
    }
  }
  if (bearer && bearer.scaling.size > 0) {
    for (const connections of [...bearer.scaling.keys()].sort((a, b) => a - b)) {
      const { noauth, kit } = bearer.scaling.get(connections)!;
      for (const [v, s] of [['noauth', noauth], ['kit', kit]] as const) {
        if (!s) continue;
        row(`load: MCP tools/call, ${VARIANT_LABEL[v]}, c=${connections}`, `${fmt(s.rps)} req/s`, v === 'kit' ? `${x(ratio(s.rps, noauth?.rps))} no auth` : 'baseline', s);
      }
    }
  }
  let tokenVsFloor: number | undefined;
  let redisVsMemory: number | undefined;
  let exchangeVsPeer: number | undefined;
  let refreshVsPeer: number | undefined;
  let refreshVsPeerNoWebhooks: number | undefined;
  let exchangeLatencyRatio: number | undefined;
  let clerkPerExchange: number | undefined;
  let clerkPerRefresh: number | undefined;
  let clerkPerRefreshWebhooks: number | undefined;
  let clusterVsRedis: number | undefined;
  if (token) {
    const { signing, targets } = token;
    // The floor counts the kit's own signatures per exchange: access token + id_token (openid granted). Clerk's
    // template JWT is signed in the Clerk child, off the server's core, as it is at Clerk in production.
    const floor = signing.concurrent / 2;
    const core = signing.oneCore ? 'one core (taskset)' : 'NOT pinned: taskset unavailable, may use both cores';
    row('RS256 2048 signatures/s, jose, in-process: 1 in flight', `${fmt(signing.sequential)} sig/s`, core);
    row('RS256 2048 signatures/s, jose, in-process: 8 in flight', `${fmt(signing.concurrent)} sig/s`, `${core}; crypto floor = ${fmt(floor)} exchanges/s (2 kit signatures each)`);
    const m = targets.get('memory')!;
    const m0 = targets.get('memory-clerk0')!;
    const peer = targets.get('peer')!;
    const r = targets.get('redis');
    tokenVsFloor = ratio(m.exchange.rps, floor);
    exchangeVsPeer = ratio(m.exchange.rps, peer.exchange.rps);
    // Refresh against the peer with Clerk webhooks mounted (no Clerk call while Clerk's last confirmation is
    // fresh, SPEC §11); without them every refresh waits one Clerk round trip (refresh_vs_oidc_provider_no_webhooks).
    const w = targets.get('memory-webhooks')!;
    refreshVsPeer = ratio(w.refresh.rps, peer.refresh.rps);
    refreshVsPeerNoWebhooks = ratio(m.refresh.rps, peer.refresh.rps);
    exchangeLatencyRatio = ratio(m.exchange.p50, m0.exchange.p50);
    clerkPerExchange = m.clerkPerExchange === undefined ? undefined : Math.round(m.clerkPerExchange * 100) / 100;
    clerkPerRefresh = m.clerkPerRefresh === undefined ? undefined : Math.round(m.clerkPerRefresh * 100) / 100;
    clerkPerRefreshWebhooks = w.clerkPerRefresh === undefined ? undefined : Math.round(w.clerkPerRefresh * 100) / 100;
    const calls = (f: TokenFigures, op: 'exchange' | 'refresh') => {
      const n = op === 'exchange' ? f.clerkPerExchange : f.clerkPerRefresh;
      return n === undefined ? '' : `, ${fmt(n, 2)} Clerk calls each`;
    };
    for (const [name, f] of targets) {
      const vs = name === 'peer' ? 'baseline (certified peer)' : `${x(ratio(f.exchange.rps, peer.exchange.rps))} oidc-provider`;
      const extra = name === 'memory' ? `, ${x(tokenVsFloor)} crypto floor` : name === 'memory-clerk0' ? '' : name === 'redis' ? `, ${x(ratio(f.exchange.rps, m.exchange.rps))} memory store` : name === 'cluster' && r ? `, ${x(ratio(f.exchange.rps, r.exchange.rps))} single Redis` : '';
      row(`token: authorization_code exchange — ${f.label} (c=${CONNECTIONS})`, `${fmt(f.exchange.rps)} /s`, `${vs}${extra}${calls(f, 'exchange')}`, f.exchange);
    }
    for (const [name, f] of targets) {
      const vs = name === 'peer' ? 'baseline (certified peer)' : `${x(ratio(f.refresh.rps, peer.refresh.rps))} oidc-provider`;
      row(`token: refresh_token — ${f.label} (c=${CONNECTIONS})`, `${fmt(f.refresh.rps)} /s`, `${vs}${calls(f, 'refresh')}`, f.refresh);
    }
    if (r) redisVsMemory = ratio(r.exchange.rps, m.exchange.rps);
    const c = targets.get('cluster');
    if (r && c) clusterVsRedis = ratio(c.exchange.rps, r.exchange.rps);
    else row('token: Redis store', 'not measured', token.redisNote ?? '');
    row(`token: exchange p50 with Clerk ${token.clerkLatencyMs} ms away ÷ with Clerk 0 ms away`, x(exchangeLatencyRatio), `${ms(m.exchange.p50)} ms vs ${ms(m0.exchange.p50)} ms`);
  }
  if (memory) {
    row(`memory: ${fmt(memory.grants)} active grants in the MemoryStore (${fmt(memory.records)} records)`, `${fmt(memory.rssBytesPerGrant)} B/grant RSS`, `${fmt(memory.heapBytesPerGrant)} B/grant heapUsed`);
  }

  const header = ['figure', 'median', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'ratio / note'];
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  const elapsed = Math.round((Date.now() - started) / 1000);
  process.stdout.write(
    `\nclerk-mcp-issuer bench — Node ${process.version}, ${cpus.length} cores; server in a child process, autocannon in the parent; ` +
      `Clerk double in its own process, ${CLERK_LATENCY_MS} ms added per Backend API call (BENCH_CLERK_LATENCY_MS); ` +
      `median of ${RUNS} runs × ${SECONDS} s after warm-up; took ${elapsed} s\n\n${lines.join('\n')}\n\n`,
  );

  const summary = {
    bearer_vs_noauth_toolscall: bearer?.mcp.kit ? ratio(bearer.mcp.kit.rps, bearer.mcp.noauth.rps) : null,
    bearer_vs_noauth_trivial: bearer?.trivial.kit ? ratio(bearer.trivial.kit.rps, bearer.trivial.noauth.rps) : null,
    bearer_vs_mcpAuthClerk: bearer?.mcp.kit ? ratio(bearer.mcp.kit.rps, bearer.mcp.clerk.rps) : null,
    token_vs_crypto_floor: tokenVsFloor ?? null,
    exchange_vs_oidc_provider: exchangeVsPeer ?? null,
    refresh_vs_oidc_provider: refreshVsPeer ?? null,
    refresh_vs_oidc_provider_no_webhooks: refreshVsPeerNoWebhooks ?? null,
    exchange_p50_clerk40_vs_clerk0: exchangeLatencyRatio ?? null,
    clerk_calls_per_exchange: clerkPerExchange ?? null,
    clerk_calls_per_refresh: clerkPerRefresh ?? null,
    clerk_calls_per_refresh_webhooks: clerkPerRefreshWebhooks ?? null,
    bytes_per_grant: memory ? Math.round(memory.rssBytesPerGrant) : null,
    redis_vs_memory: redisVsMemory ?? null,
    cluster_vs_redis: clusterVsRedis ?? null,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`[bench] failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
