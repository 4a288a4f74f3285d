/**
 * Redis going away under a running server (SPEC §9): every endpoint that needs the store answers 503 with an
 * OAuth-shaped `temporarily_unavailable` (a redirect error at /authorize once the client is known, a page before),
 * what needs no store keeps answering, the process stays up, and service resumes by itself when Redis returns.
 * A write whose answer was lost leaves nothing a retry trips over.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../src/config/options.js';
import { RedisStore } from '../../src/store/redis.js';
import type { Store, StoreValue } from '../../src/store/store.js';
import { startHarness, type Harness } from '../support/harness.js';
import { authorizationUrl, authorize, exchange, refresh, register, whoami, REDIRECT, type TokenSet } from '../support/oauthSteps.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** The Redis store with a hook before each operation, so a test can freeze Redis at an exact step. */
class SteppedStore implements Store {
  before?: (operation: string, key: string) => void;
  constructor(readonly inner: RedisStore) {}
  #at(operation: string, key: string) {
    this.before?.(operation, key);
  }
  put(key: string, value: StoreValue, ttl?: number) {
    this.#at('put', key);
    return this.inner.put(key, value, ttl);
  }
  putIfAbsent(key: string, value: StoreValue, ttl?: number) {
    this.#at('putIfAbsent', key);
    return this.inner.putIfAbsent(key, value, ttl);
  }
  get<T extends StoreValue>(key: string) {
    this.#at('get', key);
    return this.inner.get<T>(key);
  }
  take<T extends StoreValue>(key: string) {
    this.#at('take', key);
    return this.inner.take<T>(key);
  }
  takeAndMark<T extends StoreValue>(key: string, markerKey: string, fields: readonly string[], ttl: number) {
    this.#at('takeAndMark', key);
    return this.inner.takeAndMark<T>(key, markerKey, fields, ttl);
  }
  delete(key: string) {
    this.#at('delete', key);
    return this.inner.delete(key);
  }
  compareAndSwap(key: string, expected: StoreValue, next: StoreValue, ttl?: number) {
    this.#at('compareAndSwap', key);
    return this.inner.compareAndSwap(key, expected, next, ttl);
  }
  existsAny(keys: string[]) {
    this.#at('existsAny', keys[0] ?? '');
    return this.inner.existsAny(keys);
  }
  addToSet(key: string, member: string, ttl: number) {
    this.#at('addToSet', key);
    return this.inner.addToSet(key, member, ttl);
  }
  setMembers(key: string) {
    this.#at('setMembers', key);
    return this.inner.setMembers(key);
  }
  removeFromSet(key: string, member: string) {
    this.#at('removeFromSet', key);
    return this.inner.removeFromSet(key, member);
  }
}

async function eventually<T>(attempt: () => Promise<T>, ok: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await attempt();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/** A 503 with the OAuth error body and Retry-After (RFC 6749 §5.2 shape, RFC 9110 §10.2.3). */
function assertUnavailable(res: { status: number; headers: Headers; body: unknown }, what: string): void {
  assert.equal(res.status, 503, `${what}: ${JSON.stringify(res.body)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, what);
  assert.equal((res.body as { error: string }).error, 'temporarily_unavailable', what);
  assert.equal(typeof (res.body as { error_description: string }).error_description, 'string', what);
  assert.equal(res.headers.get('retry-after'), '5', what);
}

describe('Redis outages under a running server', () => {
  let redis: RedisServer;
  let store: SteppedStore;
  let h: Harness;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    redis = await startRedisServer();
    store = new SteppedStore(new RedisStore({ url: redis.url, commandTimeoutMs: 300, logger: quiet }));
    await store.inner.ready();
    h = await startHarness({ options: { store, logger: quiet } });
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await h?.close();
    await store?.inner.close();
    await redis?.stop();
    assert.deepEqual(unhandled, [], 'no unhandled rejection during the outages');
  });
  afterEach(() => {
    store.before = undefined;
    redis.resume();
  });

  async function grant(): Promise<{ clientId: string; tokens: TokenSet }> {
    const registered = await register(h.issuerUrl);
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const clientId = registered.body.client_id;
    const { browser } = await h.signedInBrowser();
    const { code, verifier } = await authorize(browser, h.issuerUrl, h.mcpUrl, clientId);
    const tokens = await exchange(h.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    return { clientId, tokens: tokens.body };
  }

  it('Redis stopped: 503 temporarily_unavailable from every endpoint that needs it; discovery still answers; back by itself', async () => {
    const { clientId, tokens } = await grant();
    await redis.stop();

    assertUnavailable(await register(h.issuerUrl), 'POST /register');
    assertUnavailable(await refresh(h.issuerUrl, clientId, tokens.refresh_token), 'POST /token (refresh_token)');
    assertUnavailable(await exchange(h.issuerUrl, clientId, 'a-code', 'v'.repeat(43)), 'POST /token (authorization_code)');
    const revoke = await fetch(`${h.issuerUrl}/revoke`, { method: 'POST', body: new URLSearchParams({ token: tokens.refresh_token, client_id: clientId }) });
    assertUnavailable({ status: revoke.status, headers: revoke.headers, body: await revoke.json() }, 'POST /revoke');
    const mcp = await fetch(h.mcpUrl, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' }, body: '{}' });
    assertUnavailable({ status: mcp.status, headers: mcp.headers, body: await mcp.json() }, 'MCP endpoint (revocation lookup)');

    // /authorize cannot look the client up, so it cannot trust the redirect URI: a page, never a redirect.
    const { browser } = await h.signedInBrowser();
    assert.equal(await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, 'v'.repeat(43))), undefined);
    assert.equal(browser.lastPage?.status, 503);
    assert.equal(browser.hops.at(-1)?.location, undefined);

    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/oauth-protected-resource/mcp', '/.well-known/jwks.json']) {
      assert.equal((await fetch(h.issuerUrl + path)).status, 200, path);
    }

    // Redis returns (empty: the test server persists nothing). The same process serves again, unrestarted.
    await redis.start();
    const registered = await eventually(() => register(h.issuerUrl), (r) => r.status === 201);
    assert.equal(registered.status, 201);
    const again = await grant();
    assert.deepEqual(await whoami(h.mcpUrl, again.tokens.access_token), { status: 200, userId: 'user_test_alice' });
  });

  it('Redis frozen: endpoints answer 503 after the command timeout instead of hanging, and everything is there after', async () => {
    const { clientId, tokens } = await grant();
    redis.pause();
    const started = Date.now();
    assertUnavailable(await refresh(h.issuerUrl, clientId, tokens.refresh_token), 'POST /token while frozen');
    assert.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms`);
    redis.resume();
    const refreshed = await eventually(() => refresh(h.issuerUrl, clientId, tokens.refresh_token), (r) => r.status !== 503);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal((await whoami(h.mcpUrl, refreshed.body.access_token)).status, 200);
  });

  it('an outage after the client is known redirects to it with error=temporarily_unavailable, state and iss', async () => {
    const registered = await register(h.issuerUrl);
    const clientId = registered.body.client_id;
    const { browser } = await h.signedInBrowser();
    // The client and its redirect URI are read; Redis freezes before the consent lookup.
    store.before = (operation, key) => {
      if (key.startsWith('consent:')) redis.pause();
    };
    const callback = await browser.authorize(authorizationUrl(h.issuerUrl, h.mcpUrl, clientId, 'v'.repeat(43), 'keep-me'));
    assert.ok(callback, `redirected (last page ${browser.lastPage?.status})`);
    assert.equal(callback.origin + callback.pathname, REDIRECT);
    assert.equal(callback.searchParams.get('error'), 'temporarily_unavailable');
    assert.equal(callback.searchParams.get('state'), 'keep-me');
    assert.equal(callback.searchParams.get('iss'), h.issuerUrl);
    assert.equal(callback.searchParams.get('code'), null);
  });

  it('a refresh whose rotation reached Redis but whose answer was lost: the retry gets the same successor, the grant lives on', async () => {
    const { clientId, tokens } = await grant();
    // Freeze Redis as the rotation's compare-and-swap is sent: it runs when Redis wakes, after the client got 503.
    store.before = (operation) => {
      if (operation === 'compareAndSwap') redis.pause();
    };
    assertUnavailable(await refresh(h.issuerUrl, clientId, tokens.refresh_token), 'POST /token while the rotation is in flight');
    store.before = undefined;
    redis.resume();

    const retried = await eventually(() => refresh(h.issuerUrl, clientId, tokens.refresh_token), (r) => r.status !== 503);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    const next = await refresh(h.issuerUrl, clientId, retried.body.refresh_token);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    assert.equal((await whoami(h.mcpUrl, next.body.access_token)).status, 200);
  });
});
