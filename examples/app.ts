/**
 * The example app: an Express MCP server with clerk-mcp-issuer mounted. With no Clerk keys it runs against the
 * embedded dev-only Clerk stand-in (same port, under `/__clerk`); with `CLERK_SECRET_KEY` set it runs against
 * Clerk. In your own server, import from `clerk-mcp-issuer` instead of `../src/…`.
 */
import escapeHtml from 'escape-html';
import express, { type Express } from 'express';
import { clerkMiddleware, getAuth } from '@clerk/express';
import { createMcpIssuer, consoleLogger, type ClerkOptions, type McpIssuer, type OrganizationsMode, type Store } from '../src/index.js';
import { createDevClerk, type DevClerk } from '../src/testing/index.js';
import { exampleMcpServer, exampleToolScopes } from './mcpServer.js';
import { statelessMcpHandler } from './statelessMcp.js';

export interface ExampleConfig {
  /** The public origin, e.g. `http://localhost:3000` (the issuer). */
  publicUrl: string;
  /** Real Clerk settings; when absent, the dev stand-in is used. */
  clerk?: ClerkOptions;
  /** Private JWK set (JSON); absent → an ephemeral dev key. */
  signingKeys?: string;
  store?: Store;
  /** Dev only: accept Client ID Metadata Documents served on loopback (CIMD_ALLOW_LOOPBACK=1). */
  cimdAllowLoopback?: boolean;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * The Clerk webhook signing secret (CLERK_WEBHOOK_SIGNING_SECRET): when set, `POST /webhooks/clerk` ends grants
   * the moment their Clerk session ends (with the dev stand-in, signing out at `/__clerk/sign-out` delivers it).
   */
  webhookSigningSecret?: string;
  /**
   * Organization-scoped grants (MCP_ORGANIZATIONS=optional|required): the consent page offers the user's Clerk
   * organizations and tokens carry the chosen one (docs/organizations.md). The dev stand-in seeds two for Alice.
   */
  organizations?: OrganizationsMode;
}

export interface ExampleApp {
  app: Express;
  issuer: McpIssuer;
  devClerk?: DevClerk;
  mcpUrl: string;
  signInUrl: string;
  /** The Clerk webhook endpoint when `webhookSigningSecret` is set. */
  webhookUrl?: string;
}

export async function createExampleApp(config: ExampleConfig): Promise<ExampleApp> {
  const app = express();
  app.disable('x-powered-by');
  const publicUrl = config.publicUrl.replace(/\/+$/, '');
  const mcpUrl = `${publicUrl}/mcp`;
  const webhook = config.webhookSigningSecret ? { url: `${publicUrl}/webhooks/clerk`, signingSecret: config.webhookSigningSecret } : undefined;

  let clerk = config.clerk;
  let devClerk: DevClerk | undefined;
  if (!clerk) {
    devClerk = await createDevClerk({ origin: publicUrl, webhook });
    app.use(devClerk.router);
    clerk = devClerk.clerkOptions;
  }

  const issuer = await createMcpIssuer({
    issuer: publicUrl,
    resource: mcpUrl,
    signingKeys: config.signingKeys,
    dev: config.signingKeys === undefined,
    clerk,
    store: config.store,
    clientIdMetadataDocuments: { allowLoopback: config.cimdAllowLoopback === true },
    scopes: { 'mcp:tools': 'Use the tools of this MCP server', 'mcp:profile': 'Call your profile API as you' },
    resourceName: 'clerk-mcp-issuer example',
    logger: consoleLogger(config.logLevel ?? 'info'),
    ...(config.organizations ? { organizations: config.organizations } : {}),
  });
  app.use(issuer.router);
  // Clerk webhooks (before any JSON parser: the signature covers the raw body). Without them a grant still ends
  // when its Clerk session does, but only at its next refresh.
  if (webhook) app.post(new URL(webhook.url).pathname, issuer.clerkWebhooks({ signingSecret: webhook.signingSecret }));

  // The example's own API, protected by Clerk the usual way: what the `my_profile` tool calls as the user.
  const { secretKey, publishableKey, jwtKey, apiUrl } = clerk;
  app.get('/api/profile', clerkMiddleware({ secretKey, publishableKey, jwtKey, apiUrl }), async (req, res) => {
    const auth = getAuth(req);
    if (!auth.userId) return res.status(401).json({ error: 'signed out' });
    res.json({ userId: auth.userId, sessionId: auth.sessionId, servedBy: 'GET /api/profile (Clerk-protected)' });
  });

  // The MCP endpoint: the kit's bearer check (one of the server's scopes; `my_profile` also needs `mcp:profile`,
  // answered 403 for the client to step up), then the official SDK's streamable HTTP transport (stateless).
  const bearer = issuer.requireBearer({ toolScopes: exampleToolScopes });
  app.post('/mcp', bearer, express.json({ limit: '1mb' }), statelessMcpHandler(() => exampleMcpServer(issuer, `${publicUrl}/api/profile`)));
  app.all('/mcp', issuer.requireBearer(), (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this server is stateless.' }, id: null });
  });

  // The signed-in user's connected apps: every client holding a grant, each with a Revoke button.
  app.use('/connected-apps', issuer.connectedApps());

  app.get('/', (_req, res) => {
    const discovery = `${publicUrl}/.well-known/oauth-authorization-server`;
    res.format({
      html: () => res.send(rootPage(mcpUrl, discovery)),
      default: () => res.type('text/plain').send(`clerk-mcp-issuer example\nMCP endpoint: ${mcpUrl}\nDiscovery: ${discovery}\nConnected apps: ${publicUrl}/connected-apps\n`),
    });
  });

  return { app, issuer, devClerk, mcpUrl, signInUrl: issuer.config.clerk.signInUrl, webhookUrl: webhook?.url };
}

/** The example's home page: where the MCP endpoint is, and the links a person needs. */
function rootPage(mcpUrl: string, discovery: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>clerk-mcp-issuer example</title>
<style>:root { color-scheme: light dark; } body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; }</style></head>
<body><main><h1>clerk-mcp-issuer example</h1>
<p>MCP endpoint: <code>${escapeHtml(mcpUrl)}</code></p>
<ul><li><a href="/connected-apps">Connected apps</a>: the applications you allowed, and revoking them</li>
<li><a href="${escapeHtml(discovery)}">Authorization server metadata</a></li></ul></main></body></html>`;
}
