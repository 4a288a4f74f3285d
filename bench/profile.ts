/**
 * `node --import tsx bench/profile.ts <variant> <route> [seconds] [connections]`: one route of the bench
 * server driven by autocannon for a while, with V8's sampling CPU profiler (the one `node --cpu-prof` runs)
 * on for exactly that window, then the profile's top functions.
 * variant: noauth | kit | sdk | clerk | token-exchange | token-refresh; route: mcp | trivial (ignored for token-*).
 * STORE=redis runs the kit on the Redis store (a throwaway redis-server); TOP=n lists more functions.
 * The .cpuprofile is kept in bench/profiles/ (open it in Chrome DevTools for the full picture).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { startChild } from './lib/child.js';
import { summariseProfile } from './lib/cpuprofile.js';
import { load, type LoadRequest } from './lib/load.js';
import { BenchClient, FORM } from './lib/oauth.js';
import { startRedis } from './lib/redis.js';
import type { ServerReady } from './server.js';

const [variant = 'kit', route = 'trivial', secondsArg = '5', connectionsArg = '10'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const connections = Number(connectionsArg);
const name = `${variant}-${route}-${Date.now()}`;
const dir = fileURLToPath(new URL('./profiles/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${name}.cpuprofile`;

// STORE=redis: the kit on the Redis store, against a throwaway redis-server.
const redis = process.env.STORE === 'redis' ? await startRedis() : undefined;
const server = await startChild<ServerReady>('server.ts', [`--store=${redis?.url ?? 'memory'}`]);
try {
  const { origin, mcpUrl, sessionCookie, clerkAccessToken } = server.ready;
  const client = new BenchClient(origin, mcpUrl, sessionCookie);
  await client.register();
  const first = await client.exchange(await client.consent());
  let request: LoadRequest;
  const round = (n: number) => connections * Math.max(1, Math.round(n / connections));
  const warmAmount = round(variant === 'token-exchange' ? 600 : 250);
  const measuredAmount = round(250 * seconds);
  const bounded = (forSeconds: number, amount: number) => (variant === 'token-exchange' ? { amount } : { seconds: forSeconds });
  if (variant === 'token-exchange') {
    // Codes are single use: the warm-up and the measured run each take a fixed amount (about 250/s).
    const bodies = (await client.codes(warmAmount + measuredAmount)).map((c) => client.exchangeBody(c));
    let next = 0;
    request = {
      method: 'POST',
      path: '/token',
      headers: FORM,
      setupRequest: (req) => {
        if (next >= bodies.length) throw new Error('out of codes: profile a shorter window');
        return { ...req, body: bodies[next++] };
      },
    };
  } else if (variant === 'token-refresh') {
    const pool = await client.refreshTokens(connections * 3);
    request = {
      method: 'POST',
      path: '/token',
      headers: FORM,
      setupRequest: (req) => ({ ...req, body: client.refreshBody(pool.shift()!) }),
      onResponse: (status, body) => void (status === 200 && pool.push(JSON.parse(body).refresh_token)),
    };
  } else {
    const token = variant === 'clerk' ? clerkAccessToken : variant === 'noauth' ? undefined : first.access_token;
    const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    request =
      route === 'mcp'
        ? {
            method: 'POST',
            path: `/${variant}/mcp`,
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': LATEST_PROTOCOL_VERSION, ...auth },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
          }
        : { method: 'GET', path: `/${variant}/trivial`, headers: auth };
  }
  const cpu = () => server.ask<{ micros: number }>({ type: 'cpu' }).then((m) => m.micros);
  await load({ origin, connections, ...bounded(1, warmAmount), request: { ...request } }).catch(() => undefined); // warm-up
  await server.ask({ type: 'profile-start' });
  const sample = await load({ origin, connections, ...bounded(seconds, measuredAmount), request, serverCpu: cpu }).catch((e) => {
    process.stderr.write(`${e.message}\n`);
    return undefined;
  });
  await server.ask({ type: 'profile-stop', path: file });
  if (sample) process.stdout.write(`${variant} ${route}: ${sample.rps.toFixed(0)} req/s, p50 ${sample.p50.toFixed(2)} ms, p99 ${sample.p99.toFixed(2)} ms, server CPU ${sample.cpuPerRequest?.toFixed(0)} µs/req\n`);
} finally {
  await server.stop();
  await redis?.stop();
}
if (existsSync(file)) {
  const { totalMs, self, inclusive } = summariseProfile(file, Number(process.env.TOP ?? 25));
  const show = (title: string, lines: Array<{ name: string; ms: number; share: number }>) =>
    process.stdout.write(`\n${title}\n${lines.map((l) => `${(l.share * 100).toFixed(1).padStart(5)}%  ${l.ms.toFixed(0).padStart(6)} ms  ${l.name}`).join('\n')}\n`);
  process.stdout.write(`\nprofile: bench/profiles/${name}.cpuprofile (${totalMs.toFixed(0)} ms sampled)\n`);
  show('self', self);
  show('inclusive', inclusive);
}
