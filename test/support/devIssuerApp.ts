/**
 * The kit on a loopback Express app with the dev Clerk stand-in, as the README's testing section sets it up, and
 * a `token(scopes)` that runs the real flow (DCR → authorize → consent → token) for an access token. The suite
 * mounts its own MCP routes on `app`, then calls `serve()`.
 */
import express, { type Express } from 'express';
import { consoleLogger, createMcpIssuer, type McpIssuer } from '../../src/index.js';
import { createDevClerk, getAccessToken, startLoopbackServer, type DevClerk, type LoopbackServer } from '../../src/testing/index.js';

export interface DevIssuerApp {
  loopback: LoopbackServer;
  devClerk: DevClerk;
  issuer: McpIssuer;
  app: Express;
  /** The protected-resource metadata URL of `/mcp`. */
  prm: string;
  token(scopes: string[]): Promise<string>;
  serve(): void;
  close(): Promise<void>;
}

export async function startDevIssuerApp(scopes: Record<string, string>): Promise<DevIssuerApp> {
  const loopback = await startLoopbackServer();
  const origin = loopback.origin;
  const devClerk = await createDevClerk({ origin });
  const issuer = await createMcpIssuer({ issuer: origin, resource: `${origin}/mcp`, dev: true, clerk: devClerk.clerkOptions, scopes, logger: consoleLogger('error') });
  const app = express();
  app.use(devClerk.router, issuer.router);
  return {
    loopback,
    devClerk,
    issuer,
    app,
    prm: `${origin}/.well-known/oauth-protected-resource/mcp`,
    token: async (wanted) => (await getAccessToken({ app, devClerk, scopes: wanted })).accessToken,
    serve: () => loopback.serve(app),
    close: () => loopback.close(),
  };
}
