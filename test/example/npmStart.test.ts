/**
 * `npm start`, exactly as the README says to run it: the banner names the MCP URL, the discovery URL and the
 * sign-in URL; an MCP SDK v1 client completes the whole OAuth flow against the running process (the sign-in
 * and consent forms answered over HTTP as a person would) and calls both tools as Alice; Ctrl-C stops it.
 * With NODE_ENV=production and no Clerk keys it refuses to start.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { once } from 'node:events';
import { createClerkDouble } from '../../src/testing/clerk/double.js';
import { DevClerkInProductionError } from '../../src/testing/index.js';
import { freePort, startExampleProcess, type ExampleProcess } from '../support/exampleProcess.js';
import { InMemoryOAuthProvider } from '../support/mcpOAuthProvider.js';
import { UserAgent } from '../support/userAgent.js';

const DEV_KEY_WARNING = '[clerk-mcp-issuer] warn dev mode: signing with an ephemeral key; tokens stop verifying on restart. Set signingKeys for anything real.';
const MEMORY_STORE_LINE = '[clerk-mcp-issuer] info grant store: in memory (this process only; several instances need a shared store such as RedisStore)';

/** The tool's one text content, parsed. */
async function callTool(client: Client, name: string): Promise<Record<string, unknown>> {
  const result = await client.callTool({ name, arguments: {} });
  assert.equal(result.isError, undefined, JSON.stringify(result.content));
  const content = result.content as Array<{ type: string; text: string }>;
  assert.equal(content.length, 1);
  assert.equal(content[0].type, 'text');
  return JSON.parse(content[0].text) as Record<string, unknown>;
}

/** True when nothing listens on the port any more: binding it succeeds. */
async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('npm start: the example as the README runs it', () => {
  let port: number;
  let origin: string;
  let example: ExampleProcess;

  before(async () => {
    port = await freePort();
    origin = `http://localhost:${port}`;
    example = startExampleProcess('npm', ['start'], { PORT: String(port) });
    await example.waitForStdout('Ctrl-C stops.');
  });
  after(() => example?.kill());

  it('prints the MCP URL, the discovery URL, the sign-in URL and the test users, and says the stand-in is dev-only', async () => {
    const banner = example.stdout().slice(example.stdout().indexOf('  clerk-mcp-issuer example is running'));
    assert.equal(
      banner,
      [
        '  clerk-mcp-issuer example is running with the DEV-ONLY Clerk stand-in (no Clerk account; never use in production)',
        '',
        `  MCP URL:     ${origin}/mcp`,
        `  Discovery:   ${origin}/.well-known/oauth-authorization-server`,
        `  Sign-in:     ${origin}/__clerk/sign-in`,
        '  Test users:  alice@example.com, bob@example.com',
        '',
        '  Connect an MCP client (e.g. `npx @modelcontextprotocol/inspector`) to the MCP URL. Ctrl-C stops.',
        '',
        '',
      ].join('\n'),
    );
    // The printed URLs are live and name the same issuer.
    const discovery = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    assert.equal(discovery.status, 200);
    assert.equal(((await discovery.json()) as { issuer: string }).issuer, origin);
    const signIn = await fetch(`${origin}/__clerk/sign-in`);
    assert.equal(signIn.status, 200);
    assert.match(await signIn.text(), /<title>Sign in \(dev stand-in\)<\/title>/);
  });

  it('an MCP SDK v1 client: 401 → discovery → DCR → sign-in as Alice → consent → whoami and my_profile run as Alice', async () => {
    const redirect = `http://127.0.0.1:${await freePort()}/callback`;
    const provider = new InMemoryOAuthProvider<OAuthClientInformationMixed, OAuthTokens, OAuthDiscoveryState>(redirect, 'npm start test client');
    const mcpUrl = new URL(`${origin}/mcp`);
    const first = new Client({ name: 'npm-start-test', version: '1.0.0' });
    await assert.rejects(first.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider })), UnauthorizedError);

    // The browser leg: the kit sends the signed-out user to the stand-in's page, Alice is picked, consent allowed.
    const browser = new UserAgent(origin, 'user_test_alice');
    const callback = await browser.authorize(provider.onlyAuthorizationUrl().href, 'allow');
    assert.ok(callback, `reached the callback; last page ${browser.lastPage?.status}: ${browser.lastPage?.html.slice(0, 300)}`);
    assert.deepEqual(
      browser.hops.map((hop) => `${hop.method} ${new URL(hop.url).pathname} ${hop.status}`),
      ['GET /authorize 302', 'GET /__clerk/sign-in 200', 'POST /__clerk/sign-in 303', 'GET /authorize 200', 'POST /authorize 303'],
    );
    assert.equal(callback.origin + callback.pathname, redirect);
    assert.equal(callback.searchParams.getAll('code').length, 1);
    assert.deepEqual(callback.searchParams.getAll('state'), provider.states);
    assert.deepEqual(callback.searchParams.getAll('iss'), [origin]);

    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await transport.finishAuth(callback.searchParams.get('code')!);
    const client = new Client({ name: 'npm-start-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const clientId = provider.clientInformation()!.client_id;
      // v1 asks for the 401 challenge's scope: every server scope, so my_profile's `mcp:profile` is granted up front.
      assert.deepEqual(await callTool(client, 'whoami'), { userId: 'user_test_alice', clientId, scopes: ['mcp:tools', 'mcp:profile'] });
      const profile = await callTool(client, 'my_profile');
      assert.equal(profile.userId, 'user_test_alice');
      assert.match(String(profile.sessionId), /^sess_/);
      assert.equal(profile.servedBy, 'GET /api/profile (Clerk-protected)');
    } finally {
      await client.close();
    }
  });

  it('Ctrl-C (SIGINT to the process group) stops it: npm ends by SIGINT as npm always does, every process of the group ends, no error output, the port is free', async () => {
    example.interrupt();
    // npm re-raises the SIGINT it got, as for every npm script (a shell shows 130); the server itself exits 0 (below).
    assert.deepEqual(await example.exited(), { code: null, signal: 'SIGINT' });
    await example.groupGone();
    // The kit's own log lines only (the flow above logged its registration and token issue at info): no error, no trace.
    const [first, second, ...rest] = example.stderr().trimEnd().split('\n');
    assert.equal(first, DEV_KEY_WARNING);
    assert.equal(second, MEMORY_STORE_LINE);
    for (const line of rest) assert.match(line, /^\[clerk-mcp-issuer\] info (client registered|tokens issued) \{/);
    assert.equal(await portIsFree(port), true);
  });
});

describe('the example process on its own', () => {
  let example: ExampleProcess | undefined;
  afterEach(() => example?.kill());

  // Node itself, not the `tsx` CLI: that wrapper may report 130 after its child exited 0 (tsx relays the signal and
  // uses the 128 + signal convention when its child's acknowledgement races the group's SIGINT).
  it('`node --import tsx examples/server.ts` (the server npm start runs) exits 0 on Ctrl-C', async () => {
    example = startExampleProcess(process.execPath, ['--import', 'tsx', 'examples/server.ts'], { PORT: String(await freePort()) });
    await example.waitForStdout('Ctrl-C stops.');
    example.interrupt();
    assert.deepEqual(await example.exited(), { code: 0, signal: null });
    assert.equal(example.stderr(), `${DEV_KEY_WARNING}\n${MEMORY_STORE_LINE}\n`);
  });

  it('NODE_ENV=production without Clerk keys: npm start exits 1 with the stand-in’s refusal and serves nothing', async () => {
    example = startExampleProcess('npm', ['start'], { PORT: String(await freePort()), NODE_ENV: 'production' });
    assert.deepEqual(await example.exited(), { code: 1, signal: null });
    assert.ok(example.stderr().split('\n').includes(new DevClerkInProductionError().message), example.stderr());
    assert.doesNotMatch(example.stdout(), /is running/);
  });

  it('NODE_ENV=production with Clerk settings but no MCP_SIGNING_KEYS: exits 1 naming MCP_SIGNING_KEYS and the command that makes a set', async () => {
    const clerk = await createClerkDouble();
    example = startExampleProcess(process.execPath, ['--import', 'tsx', 'examples/server.ts'], {
      PORT: String(await freePort()),
      NODE_ENV: 'production',
      CLERK_SECRET_KEY: clerk.secretKey,
      CLERK_PUBLISHABLE_KEY: clerk.publishableKey,
      CLERK_JWT_KEY: clerk.jwtKey,
      CLERK_SIGN_IN_URL: 'https://accounts.example.com/sign-in',
    });
    assert.deepEqual(await example.exited(), { code: 1, signal: null });
    assert.equal(
      example.stderr(),
      'clerk-mcp-issuer: MCP_SIGNING_KEYS is not set: the ephemeral dev signing key is refused with NODE_ENV=production; generate a set with `npx clerk-mcp-issuer keys generate` and put it in MCP_SIGNING_KEYS\n',
    );
    assert.equal(example.stdout(), '');
  });

  it('a busy port: npm start fails (non-zero) with one line naming the port and PORT=, and prints no banner', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port: busy } = taken.address() as { port: number };
    try {
      example = startExampleProcess('npm', ['start', '--silent'], { PORT: String(busy) });
      const exit = await example.exited();
      assert.notEqual(exit.code, 0);
      assert.deepEqual(
        example.stderr().split('\n').filter((line) => line && !line.startsWith('[clerk-mcp-issuer]')),
        [`clerk-mcp-issuer example: port ${busy} on 127.0.0.1 is already in use (EADDRINUSE); stop what runs there or choose another port with PORT=…`],
      );
      assert.doesNotMatch(example.stdout(), /is running/);
    } finally {
      taken.close();
    }
  });

  it('PUBLIC_URL with a trailing slash and another port: no "//" in printed URLs; the banner says where it listens too', async () => {
    const port = await freePort();
    example = startExampleProcess(process.execPath, ['--import', 'tsx', 'examples/server.ts'], { PORT: String(port), PUBLIC_URL: 'http://127.0.0.1:8443/' });
    const out = await example.waitForStdout('Ctrl-C stops.');
    assert.match(out, /^ {2}Discovery: {3}http:\/\/127\.0\.0\.1:8443\/\.well-known\/oauth-authorization-server$/m);
    assert.match(out, /^ {2}MCP URL: {5}http:\/\/127\.0\.0\.1:8443\/mcp$/m);
    assert.ok(out.includes(`  Listening:   http://127.0.0.1:${port} (public URL http://127.0.0.1:8443)\n`), out);
    assert.doesNotMatch(out, /[^:]\/\//);
    const metadata = (await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    assert.equal(metadata.issuer, 'http://127.0.0.1:8443');
  });

  it('REDIS_URL without ioredis installed: exits 1 at startup naming `npm install ioredis` (not 503 forever)', async () => {
    example = startExampleProcess(process.execPath, ['--import', 'tsx', '--import', './test/support/withoutIoredis.mjs', 'examples/server.ts'], {
      PORT: String(await freePort()),
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    assert.deepEqual(await example.exited(), { code: 1, signal: null });
    assert.match(example.stderr(), /^clerk-mcp-issuer: RedisStore needs the ioredis package \(an optional peer dependency\): npm install ioredis \(Cannot find package 'ioredis'/m);
    assert.doesNotMatch(example.stdout(), /is running/);
  });
});
