/**
 * A small stand-in for the Internet a Clerk deployment lives on: one TLS server on loopback answering for
 * `mcp.example.test` (the MCP server with the kit), `clerk.example.test` (the double's Frontend API),
 * `accounts.example.test` (its hosted sign-in) and `app.other.test` (a web MCP client on another site), told apart
 * by `Host`. Chromium reaches them through `--host-resolver-rules`; Node (oauth4webapi) through {@link FieldNetwork.fetch}.
 * The Backend API stays on plain loopback HTTP, as the kit's server-to-server calls need no browser.
 */
import express, { type Express } from 'express';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { createMcpIssuer, type McpIssuerOptions } from '../../src/index.js';
import type { ClerkDouble, ClerkDoubleOptions } from '../../src/testing/clerk/contract.js';
import { createClerkDouble } from '../../src/testing/clerk/double.js';
import { harnessIssuerOptions, mountMcpEndpoint, provisionTemplate, testSigningKeys } from '../support/harness.js';

export const MCP = 'https://mcp.example.test';
export const FAPI = 'https://clerk.example.test';
export const ACCOUNTS = 'https://accounts.example.test';
export const WEB_CLIENT = 'https://app.other.test';
const HOSTS = ['mcp.example.test', 'clerk.example.test', 'accounts.example.test', 'app.other.test'];

export interface FieldNetwork {
  double: ClerkDouble;
  issuer: string;
  mcpUrl: string;
  /** Chromium flags mapping every host name to the TLS server. */
  chromiumArgs: string[];
  /** `fetch` for Node clients: the host names resolved to the TLS server, its certificate trusted. */
  fetch: typeof fetch;
  /** Serves a page on the web client's host. */
  webClient: Express;
  close(): Promise<void>;
}

export interface FieldOptions {
  double: ClerkDoubleOptions;
  /** Overrides of the kit's options (e.g. another instance's `jwtKey`). */
  clerk?: Partial<NonNullable<McpIssuerOptions['clerk']>>;
}

export async function startFieldNetwork(options: FieldOptions): Promise<FieldNetwork> {
  const double = await createClerkDouble({ frontendApi: FAPI, ...options.double });
  const bapi = await double.listen();
  await provisionTemplate(double);

  const pems = await generate([{ name: 'commonName', value: 'mcp.example.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: HOSTS.map((value) => ({ type: 2, value })) }],
  });

  const mcp = express();
  const base = harnessIssuerOptions(double, { issuerUrl: MCP, mcpUrl: `${MCP}/mcp`, signInUrl: `${ACCOUNTS}/sign-in`, signingKeys: await testSigningKeys() });
  const issuer = await createMcpIssuer({ ...base, clerk: { ...base.clerk, ...options.clerk } });
  mcp.use(issuer.router);
  mountMcpEndpoint(mcp, issuer, `${MCP}/mcp`);
  const webClient = express();
  const byHost: Record<string, Express> = {
    'mcp.example.test': mcp,
    'clerk.example.test': express().use(double.frontendApiRouter),
    'accounts.example.test': express().use(double.accountPortalRouter),
    'app.other.test': webClient,
  };

  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const app = byHost[(req.headers.host ?? '').replace(/:\d+$/, '')];
    if (!app) return void res.writeHead(421).end();
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const nodeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = httpsRequest(
        { host: '127.0.0.1', port, servername: url.hostname, ca: pems.cert, method: request.method, path: url.pathname + url.search, headers: { ...Object.fromEntries(request.headers), host: url.host } },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) for (const v of [value ?? []].flat()) headers.append(name, v);
            const status = incoming.statusCode ?? 500;
            resolve(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers }));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }) as typeof fetch;

  return {
    double,
    issuer: MCP,
    mcpUrl: `${MCP}/mcp`,
    chromiumArgs: [`--host-resolver-rules=${HOSTS.map((host) => `MAP ${host} 127.0.0.1:${port}`).join(', ')}`],
    fetch: nodeFetch,
    webClient,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await bapi.close();
    },
  };
}
