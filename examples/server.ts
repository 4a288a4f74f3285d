/**
 * `npm start`: the example MCP server. PORT (default 3000) and HOST (default 127.0.0.1) are where it listens; the
 * issuer is `http://localhost:$PORT` unless PUBLIC_URL (e.g. behind a proxy). With CLERK_SECRET_KEY
 * (+ CLERK_PUBLISHABLE_KEY, CLERK_SIGN_IN_URL, optionally CLERK_API_URL, CLERK_JWT_KEY) it runs against that Clerk
 * (a real instance, or the standalone stand-in of `npm run dev:clerk`), otherwise against the embedded dev-only
 * stand-in. MCP_SIGNING_KEYS holds the private JWK set (absent: an ephemeral dev key, refused with
 * NODE_ENV=production). CIMD_ALLOW_LOOPBACK=1 accepts client metadata documents served on loopback (dev only).
 * REDIS_URL (`redis://host:6379`) keeps grants in Redis, so several instances share them (needs `npm install ioredis`).
 * REDIS_CLUSTER_NODES (`redis://host1:6379,redis://host2:6379`, a few nodes of a Redis Cluster) does the same on a
 * cluster. MCP_ORGANIZATIONS=optional|required turns organization-scoped grants on. TRUST_PROXY (Express `trust proxy`: `loopback`, a hop count, addresses) behind a reverse proxy, so rate limits
 * count clients, not the proxy.
 * CLERK_WEBHOOK_SIGNING_SECRET mounts Clerk webhooks at POST /webhooks/clerk: grants end the moment their Clerk
 * session does (with the stand-in, any `whsec_` + base64 secret; signing out delivers `session.ended`).
 * MCP_ORGANIZATIONS=optional|required turns on organization-scoped grants (docs/organizations.md).
 */
import { createServer } from 'node:http';
import { ConfigurationError, RedisStore } from '../src/index.js';
import { DevClerkInProductionError } from '../src/testing/index.js';
import { createExampleApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
// A trailing slash would make every printed URL `…//.well-known/…`; the issuer itself never has one.
const publicUrl = (process.env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
const realClerk = Boolean(process.env.CLERK_SECRET_KEY);

/** Exits with one line per problem on stderr (never a stack: these are settings to fix, not bugs). */
function fail(lines: string[]): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(1);
}

// Every production refusal at once, each with its fix, before anything starts.
if (process.env.NODE_ENV === 'production') {
  const refusals = [
    ...(realClerk ? [] : [new DevClerkInProductionError().message]),
    ...(process.env.MCP_SIGNING_KEYS
      ? []
      : ['clerk-mcp-issuer: MCP_SIGNING_KEYS is not set: the ephemeral dev signing key is refused with NODE_ENV=production; generate a set with `npx clerk-mcp-issuer keys generate` and put it in MCP_SIGNING_KEYS']),
  ];
  if (refusals.length > 0) fail(refusals);
}

/** MCP_ORGANIZATIONS: unset or `off` → off; `optional` or `required`; anything else fails at startup. */
function organizationsMode(value: string | undefined): false | 'optional' | 'required' {
  if (value === undefined || value === '' || value === 'off') return false;
  if (value === 'optional' || value === 'required') return value;
  throw new ConfigurationError(`MCP_ORGANIZATIONS must be optional, required or off (got "${value}")`);
}

let example: Awaited<ReturnType<typeof createExampleApp>>;
let organizations: false | 'optional' | 'required' = false;
try {
  organizations = organizationsMode(process.env.MCP_ORGANIZATIONS);
  example = await createExampleApp({
    publicUrl,
    clerk: realClerk ? {} : undefined, // {}: every Clerk setting comes from CLERK_* environment variables
    signingKeys: process.env.MCP_SIGNING_KEYS,
    cimdAllowLoopback: process.env.CIMD_ALLOW_LOOPBACK === '1',
    store: process.env.REDIS_CLUSTER_NODES
      ? new RedisStore({ clusterNodes: process.env.REDIS_CLUSTER_NODES.split(',').map((node) => node.trim()) })
      : process.env.REDIS_URL
        ? new RedisStore({ url: process.env.REDIS_URL })
        : undefined,
    logLevel: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info',
    webhookSigningSecret: process.env.CLERK_WEBHOOK_SIGNING_SECRET,
    organizations,
  });
} catch (error) {
  fail([(error as Error).message]);
}

const trustProxy = process.env.TRUST_PROXY;
if (trustProxy) example.app.set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy === 'true' ? true : trustProxy);

const server = createServer(example.app);
server.once('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EADDRINUSE') fail([`clerk-mcp-issuer example: port ${port} on ${host} is already in use (EADDRINUSE); stop what runs there or choose another port with PORT=…`]);
  if (error.code === 'EACCES') fail([`clerk-mcp-issuer example: not allowed to listen on port ${port} (EACCES); choose a port above 1023 with PORT=…`]);
  fail([`clerk-mcp-issuer example: cannot listen on ${host}:${port}: ${error.message}`]);
});
server.listen(port, host, () => {
  const listening = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const clerkApi = process.env.CLERK_API_URL;
  const lines = [
    '',
    `  clerk-mcp-issuer example is running${
      example.devClerk ? ' with the DEV-ONLY Clerk stand-in (no Clerk account; never use in production)' : ` against Clerk${clerkApi ? ` at ${clerkApi}` : ''}`
    }`,
    '',
    `  MCP URL:     ${example.mcpUrl}`,
    `  Discovery:   ${publicUrl}/.well-known/oauth-authorization-server`,
    `  Sign-in:     ${example.signInUrl}`,
    // Behind a proxy (PUBLIC_URL set) the public URL is not where this process listens: say both.
    ...(process.env.PUBLIC_URL && new URL(publicUrl).origin !== listening ? [`  Listening:   ${listening} (public URL ${publicUrl})`] : []),
    ...(example.webhookUrl ? [`  Webhooks:    POST ${example.webhookUrl} (grants end when the Clerk session does)`] : []),
    ...(example.devClerk ? [`  Test users:  ${[...example.devClerk.double.users.values()].map((u) => u.email).join(', ')}`] : []),
    ...(organizations ? [`  Orgs:        ${organizations}${example.devClerk ? ` (switch the active one at ${publicUrl}/__clerk/organizations)` : ''}`] : []),
    '',
    '  Connect an MCP client (e.g. `npx @modelcontextprotocol/inspector`) to the MCP URL. Ctrl-C stops.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
// `on`, not `once`: a second SIGINT during shutdown (Ctrl-C pressed twice, or relayed again by npm or tsx) must
// find a listener, or Node's default (or tsx's hidden handler) ends the process with 130 instead of 0.
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
