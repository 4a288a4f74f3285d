/**
 * `npm start`: the example MCP server. PORT (default 3000); issuer `http://localhost:$PORT` unless PUBLIC_URL;
 * with CLERK_SECRET_KEY (+ CLERK_PUBLISHABLE_KEY, CLERK_SIGN_IN_URL) it runs against Clerk, otherwise against the
 * embedded dev-only Clerk stand-in. MCP_SIGNING_KEYS holds the private JWK set (absent: an ephemeral dev key).
 * CIMD_ALLOW_LOOPBACK=1 accepts client metadata documents served on loopback (dev only). REDIS_URL
 * (`redis://host:6379`) keeps grants in Redis, so several instances share them (needs `npm install ioredis`).
 * CLERK_WEBHOOK_SIGNING_SECRET mounts Clerk webhooks at POST /webhooks/clerk: grants end the moment their Clerk
 * session does (with the stand-in, any `whsec_` + base64 secret; signing out delivers `session.ended`).
 * MCP_ORGANIZATIONS=optional|required turns on organization-scoped grants (docs/organizations.md).
 */
import { ConfigurationError, RedisStore } from '../src/index.js';
import { createExampleApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;
const realClerk = Boolean(process.env.CLERK_SECRET_KEY);

/** MCP_ORGANIZATIONS: unset or `off` → off; `optional` or `required`; anything else fails at startup. */
function organizationsMode(value: string | undefined): false | 'optional' | 'required' {
  if (value === undefined || value === '' || value === 'off') return false;
  if (value === 'optional' || value === 'required') return value;
  throw new ConfigurationError(`MCP_ORGANIZATIONS must be optional, required or off (got "${value}")`);
}

try {
  const organizations = organizationsMode(process.env.MCP_ORGANIZATIONS);
  const example = await createExampleApp({
    publicUrl,
    clerk: realClerk ? {} : undefined, // {}: every Clerk setting comes from CLERK_* environment variables
    signingKeys: process.env.MCP_SIGNING_KEYS,
    cimdAllowLoopback: process.env.CIMD_ALLOW_LOOPBACK === '1',
    store: process.env.REDIS_URL ? new RedisStore({ url: process.env.REDIS_URL }) : undefined,
    logLevel: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info',
    webhookSigningSecret: process.env.CLERK_WEBHOOK_SIGNING_SECRET,
    organizations,
  });
  const server = example.app.listen(port, process.env.HOST ?? '127.0.0.1', () => {
    const lines = [
      '',
      `  clerk-mcp-issuer example is running${example.devClerk ? ' with the DEV-ONLY Clerk stand-in (no Clerk account; never use in production)' : ' against Clerk'}`,
      '',
      `  MCP URL:     ${example.mcpUrl}`,
      `  Discovery:   ${publicUrl}/.well-known/oauth-authorization-server`,
      `  Sign-in:     ${example.signInUrl}`,
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
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
