/**
 * Issue 11 item 14: the dev Clerk stand-in on its own (`npm run dev:clerk`), and the example as two instances
 * behind a proxy with the settings it prints, a shared MCP_SIGNING_KEYS and REDIS_URL. A round-robin reverse proxy
 * alternates every request between the two `npm start` processes, so each step of the flow lands on the other
 * instance than the one before: registration, authorization, consent, the code exchange, a refresh and the MCP
 * tool calls. The browser keeps cookies per host, as browsers do (RFC 6265 §8.5: not per port), which is how the
 * stand-in's session cookie, set on its own port, reaches the instances.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { generateSigningKey } from '../../src/index.js';
import { freePort, startExampleProcess, type ExampleProcess } from '../support/exampleProcess.js';
import { authorizationUrl, exchange, refresh, register, REDIRECT, whoami } from '../support/oauthSteps.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { parseForm, parseSignInForm } from '../support/userAgent.js';

interface Served {
  instance: 'A' | 'B';
  method: string;
  path: string;
  /** The JSON-RPC method of an MCP POST. */
  rpc?: string;
}

/** A reverse proxy that alternates upstreams per request and forwards Host and X-Forwarded-*. */
function roundRobinProxy(upstreams: Array<{ name: 'A' | 'B'; port: number }>, served: Served[]): Server {
  let next = 0;
  return createServer((req, res) => {
    const upstream = upstreams[next++ % upstreams.length];
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(req.url!, 'http://proxy').pathname;
      let rpc: string | undefined;
      if (path === '/mcp' && body.length > 0) {
        try {
          rpc = (JSON.parse(body.toString('utf8')) as { method?: string }).method;
        } catch {
          // not JSON: recorded without a method
        }
      }
      served.push({ instance: upstream.name, method: req.method!, path, rpc });
      const forwarded = request(
        {
          host: '127.0.0.1',
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'x-forwarded-host': req.headers.host, 'x-forwarded-proto': 'http', 'x-forwarded-for': req.socket.remoteAddress },
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode!, upstreamRes.rawHeaders);
          upstreamRes.pipe(res);
        },
      );
      forwarded.on('error', (error) => res.writeHead(502).end(String(error)));
      forwarded.end(body);
    });
  });
}

/** A browser's cookie jar: cookies belong to a host, whatever the port (RFC 6265 §8.5). */
class HostCookieBrowser {
  readonly jar = new Map<string, Map<string, string>>();
  readonly hops: string[] = [];

  async request(method: string, url: string, form?: URLSearchParams, origin?: string): Promise<Response> {
    const { hostname } = new URL(url);
    const cookies = [...(this.jar.get(hostname) ?? [])].map(([n, v]) => `${n}=${v}`).join('; ');
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookies ? { cookie: cookies } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: origin ?? new URL(url).origin } : {}),
      },
      body: form,
    });
    for (const setCookie of res.headers.getSetCookie()) {
      const [pair] = setCookie.split(';');
      const [name, ...value] = pair.split('=');
      if (!this.jar.has(hostname)) this.jar.set(hostname, new Map());
      this.jar.get(hostname)!.set(name.trim(), value.join('='));
    }
    this.hops.push(`${method} ${new URL(url).port} ${new URL(url).pathname} ${res.status}`);
    return res;
  }

  /** Follows the authorization request through the stand-in's sign-in (as `userId`) and consent, to the callback. */
  async authorize(url: string, userId: string): Promise<URL> {
    let res = await this.request('GET', url);
    for (let i = 0; i < 10; i++) {
      const location = res.headers.get('location');
      if (location) {
        const target = new URL(location, res.url || url);
        if (target.href.startsWith(REDIRECT)) return target;
        res = await this.request('GET', target.href);
        continue;
      }
      const html = await res.text();
      assert.equal(res.status, 200, `a page at ${this.hops.at(-1)}: ${html.slice(0, 300)}`);
      const signIn = parseSignInForm(html, userId);
      const pageUrl = res.url;
      if (signIn) {
        res = await this.request('POST', new URL(signIn.action, pageUrl).href, new URLSearchParams(signIn.fields));
        continue;
      }
      const consent = parseForm(html);
      const body = new URLSearchParams(consent.fields);
      body.set('decision', 'allow');
      res = await this.request('POST', new URL(consent.action, pageUrl).href, body);
    }
    throw new Error(`no callback after ${this.hops.join(', ')}`);
  }
}

describe('two example instances behind a proxy, with the standalone dev Clerk (npm run dev:clerk), Redis and shared keys', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let standIn: ExampleProcess;
  const instances: ExampleProcess[] = [];
  let proxy: Server;
  const served: Served[] = [];
  let origin: string;
  let clerkEnv: Record<string, string>;

  before(async () => {
    redis = await startRedisServer();
    const standInPort = await freePort();
    standIn = startExampleProcess('npm', ['run', '--silent', 'dev:clerk'], { PORT: String(standInPort), PUBLIC_URL: `http://127.0.0.1:${standInPort}` });
    const printed = await standIn.waitForStdout('Ctrl-C stops.');
    clerkEnv = Object.fromEntries([...printed.matchAll(/^(CLERK_[A-Z_]+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));

    const proxyPort = await freePort();
    origin = `http://127.0.0.1:${proxyPort}`;
    const signingKeys = JSON.stringify({ keys: [await generateSigningKey('ES256')] });
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      instances.push(
        startExampleProcess('npm', ['start'], { ...clerkEnv, PORT: String(port), PUBLIC_URL: origin, TRUST_PROXY: 'loopback', MCP_SIGNING_KEYS: signingKeys, REDIS_URL: redis.url }),
      );
    }
    await Promise.all(instances.map((instance) => instance.waitForStdout('Ctrl-C stops.')));
    proxy = roundRobinProxy(
      [
        { name: 'A', port: ports[0] },
        { name: 'B', port: ports[1] },
      ],
      served,
    );
    await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
  });

  after(async () => {
    proxy?.closeAllConnections();
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    for (const instance of instances) instance.kill();
    standIn?.kill();
    await redis?.stop();
  });

  it('npm run dev:clerk prints every CLERK_* setting an instance needs, pointing at its own port', () => {
    const standInOrigin = new URL(clerkEnv.CLERK_API_URL).origin;
    assert.deepEqual(Object.keys(clerkEnv).sort(), ['CLERK_API_URL', 'CLERK_JWT_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY', 'CLERK_SIGN_IN_URL']);
    assert.match(clerkEnv.CLERK_SECRET_KEY, /^sk_test_[A-Za-z0-9]+$/);
    assert.match(clerkEnv.CLERK_PUBLISHABLE_KEY, /^pk_(test|live)_/);
    assert.match(clerkEnv.CLERK_JWT_KEY, /^-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=]+-----END PUBLIC KEY-----$/);
    assert.equal(clerkEnv.CLERK_SIGN_IN_URL, `${standInOrigin}/sign-in`);
    // Both instances say which Clerk they run against, and where they listen behind the public URL.
    for (const instance of instances) {
      assert.match(instance.stdout(), new RegExp(`is running against Clerk at ${clerkEnv.CLERK_API_URL.replace(/[.]/g, '\\.')}\\n`));
      assert.match(instance.stdout(), new RegExp(`^ {2}Listening: {3}http://127\\.0\\.0\\.1:\\d+ \\(public URL ${origin.replace(/[.]/g, '\\.')}\\)$`, 'm'));
      assert.match(instance.stderr(), /info grant store: RedisStore\n/);
    }
  });

  it("the stand-in's sign-in page returns to other ports of its own host only: never an open redirect", async () => {
    const standInOrigin = new URL(clerkEnv.CLERK_API_URL).origin;
    for (const [target, expected] of [
      [`${origin}/authorize?x=1`, `${origin}/authorize?x=1`],
      ['http://evil.example/steal', `${standInOrigin}/`],
      [`https://127.0.0.1:${new URL(origin).port}/`, `${standInOrigin}/`],
    ]) {
      const res = await fetch(`${clerkEnv.CLERK_SIGN_IN_URL}?redirect_url=${encodeURIComponent(target)}`);
      const form = parseSignInForm(await res.text(), 'user_test_alice');
      assert.deepEqual(form?.fields.find(([name]) => name === 'redirect_url'), ['redirect_url', expected], target);
    }
  });

  it('register → sign in on the stand-in → consent → code → token → refresh, each step on the other instance; tools/call as Alice on both', async () => {
    const mark = served.length;
    const registered = await register(origin);
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const clientId = registered.body.client_id;

    const verifier = randomBytes(32).toString('base64url');
    const browser = new HostCookieBrowser();
    const callback = await browser.authorize(authorizationUrl(origin, `${origin}/mcp`, clientId, verifier), 'user_test_alice');
    assert.equal(callback.searchParams.get('iss'), origin);
    const code = callback.searchParams.get('code');
    assert.ok(code, callback.href);
    // The stand-in's cookie was set on its own port and sent to the proxy's: one jar for the host.
    assert.deepEqual([...browser.jar.keys()], ['127.0.0.1']);
    assert.ok(browser.jar.get('127.0.0.1')!.has('__session'));

    const tokens = await exchange(origin, clientId, code, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    const refreshed = await refresh(origin, clientId, tokens.body.refresh_token);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));

    // An MCP call is several requests (ping, initialize, initialized, tools/call, …) through the alternating proxy:
    // the second call is shifted by one request when needed, so its tools/call lands on the other instance.
    const start = served.length;
    assert.deepEqual(await whoami(`${origin}/mcp`, tokens.body.access_token), { status: 200, userId: 'user_test_alice' });
    const offset = served.findIndex((s, i) => i >= start && s.rpc === 'tools/call') - start;
    const instanceAt = (index: number) => (index % 2 === 0 ? 'A' : 'B');
    if (instanceAt(served.length + offset) === served[start + offset].instance) {
      await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).body?.cancel();
    }
    assert.deepEqual(await whoami(`${origin}/mcp`, refreshed.body.access_token), { status: 200, userId: 'user_test_alice' });
    assert.deepEqual(new Set(served.filter((s) => s.rpc === 'tools/call').map((s) => s.instance)), new Set(['A', 'B']));

    // Every OAuth step landed on the instance the previous one did not.
    const oauth = served.slice(mark).filter((s) => ['/register', '/authorize', '/token'].includes(s.path));
    assert.deepEqual(
      oauth.map((s) => `${s.method} ${s.path}`),
      ['POST /register', 'GET /authorize', 'GET /authorize', 'POST /authorize', 'POST /token', 'POST /token'],
    );
    for (let i = 1; i < oauth.length; i++) assert.notEqual(oauth[i].instance, oauth[i - 1].instance, `${oauth[i].method} ${oauth[i].path} on the other instance`);
    // Nothing went wrong on either instance: only the kit's own info lines (store, registration, tokens).
    for (const instance of instances) {
      for (const line of instance.stderr().trimEnd().split('\n')) assert.match(line, /^\[clerk-mcp-issuer\] info /, instance.stderr());
    }
  });
});
