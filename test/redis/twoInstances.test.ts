/**
 * Two instances behind one origin, one Redis or one Redis Cluster (SPEC §8 "Redis implementation for several
 * instances", §11 "The Redis store works on Redis Cluster"): every step of a flow may land on either instance, an
 * instance may restart in the middle, concurrent code redemptions and refreshes race across instances, and the
 * outcome is what one process would give.
 */
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { startInstancePair, type InstanceName, type InstancePair, type InstancePairOptions } from '../support/instancePair.js';
import { authorize, exchange, refresh, register, whoami, REDIRECT, SCOPE, type TokenSet } from '../support/oauthSteps.js';
import { startRedisCluster } from '../support/redisCluster.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** Where the pair's store lives: one redis-server, or a 3-master cluster (SPEC §11). */
interface SharedRedis {
  connection: Pick<InstancePairOptions, 'redisUrl' | 'clusterNodes'>;
  stop(): Promise<void>;
}

async function oneRedis(): Promise<SharedRedis> {
  const redis: RedisServer = await startRedisServer();
  return { connection: { redisUrl: redis.url }, stop: () => redis.stop() };
}

async function redisCluster(): Promise<SharedRedis> {
  const cluster = await startRedisCluster();
  return { connection: { clusterNodes: cluster.nodes.slice(0, 3) }, stop: () => cluster.stop() };
}

for (const [title, start] of [
  ['two instances sharing one Redis', oneRedis],
  ['two instances sharing one Redis Cluster (3 masters)', redisCluster],
] as const) describe(title, function () {
  this.timeout(60_000);
  let redis: SharedRedis;
  let pair: InstancePair;
  before(async () => {
    redis = await start();
    pair = await startInstancePair(redis.connection);
  });
  after(async () => {
    await pair?.close();
    await redis?.stop();
  });

  /** Runs `step` with every request sent to `name`, and checks the router did so. */
  async function on<T>(name: InstanceName, step: () => Promise<T>): Promise<T> {
    pair.use(name);
    const from = pair.served.length;
    try {
      return await step();
    } finally {
      pair.use('alternate');
      const instances = new Set(pair.served.slice(from).map((s) => s.instance));
      assert.deepEqual([...instances], [name], `every request of the step went to instance ${name}`);
    }
  }

  async function grant(): Promise<{ clientId: string; tokens: TokenSet }> {
    const registered = await register(pair.issuerUrl);
    assert.equal(registered.status, 201);
    const clientId = registered.body.client_id;
    const { code, verifier } = await authorize(await pair.signedInBrowser(), pair.issuerUrl, pair.mcpUrl, clientId);
    const tokens = await exchange(pair.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    return { clientId, tokens: tokens.body };
  }

  it('a strict client (oauth4webapi) registers on A, authorizes on B, redeems on A, refreshes on B, calls MCP on both', async () => {
    const issuer = new URL(pair.issuerUrl);
    const as = await on('a', async () => oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure })));
    const client = await on('a', async () =>
      oauth.processDynamicClientRegistrationResponse(
        await oauth.dynamicClientRegistrationRequest(
          as,
          { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], client_name: 'two instances' },
          insecure,
        ),
      ),
    );

    const verifier = oauth.generateRandomCodeVerifier();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: SCOPE,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 'two',
      nonce,
      resource: pair.mcpUrl,
    }).toString();
    const browser = await pair.signedInBrowser();
    const callback = await on('b', () => browser.authorize(url.href));
    assert.ok(callback);
    const params = oauth.validateAuthResponse(as, client, callback, 'two');

    const tokens = await on('a', async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, insecure),
        { expectedNonce: nonce, requireIdToken: true },
      ),
    );
    assert.equal(oauth.getValidatedIdTokenClaims(tokens)!.iss, pair.issuerUrl);

    const refreshed = await on('b', async () =>
      oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure)),
    );
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);

    for (const name of ['a', 'b'] as const) {
      assert.deepEqual(await on(name, () => whoami(pair.mcpUrl, refreshed.access_token)), { status: 200, userId: 'user_test_alice' });
    }
  });

  it('an instance restarted mid-flow loses nothing: client, code, grant, consent and tokens survive it', async () => {
    const registered = await on('a', () => register(pair.issuerUrl));
    const clientId = registered.body.client_id;
    const browser = await pair.signedInBrowser();
    const { code, verifier } = await on('a', () => authorize(browser, pair.issuerUrl, pair.mcpUrl, clientId));

    const before = pair.instance('a').generation;
    await pair.restart('a');
    assert.equal(pair.instance('a').generation, before + 1);
    const tokens = await on('a', () => exchange(pair.issuerUrl, clientId, code, verifier));
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));

    await pair.restart('b');
    const refreshed = await on('b', () => refresh(pair.issuerUrl, clientId, tokens.body.refresh_token));
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    // The consent given before both restarts is remembered: the next authorization skips the consent page.
    const again = await on('b', () => authorize(browser, pair.issuerUrl, pair.mcpUrl, clientId));
    assert.ok(again.code);
    for (const name of ['a', 'b'] as const) {
      assert.equal((await on(name, () => whoami(pair.mcpUrl, tokens.body.access_token))).status, 200);
    }
  });

  it('20 concurrent redemptions of one code across both instances: exactly one succeeds, and the replays revoke its grant', async () => {
    const registered = await register(pair.issuerUrl);
    const clientId = registered.body.client_id;
    const { code, verifier } = await authorize(await pair.signedInBrowser(), pair.issuerUrl, pair.mcpUrl, clientId);

    pair.use('alternate');
    const from = pair.served.length;
    const results = await Promise.all(Array.from({ length: 20 }, () => exchange(pair.issuerUrl, clientId, code, verifier)));
    assert.deepEqual(new Set(pair.served.slice(from).map((s) => s.instance)), new Set(['a', 'b']));
    const wins = results.filter((r) => r.status === 200);
    assert.equal(wins.length, 1);
    for (const r of results.filter((r) => r.status !== 200)) {
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'invalid_grant');
    }
    // One more replay after the race has settled: the grant the winner got is revoked, on both instances.
    assert.equal((await exchange(pair.issuerUrl, clientId, code, verifier)).body.error, 'invalid_grant');
    for (const name of ['a', 'b'] as const) {
      assert.equal((await on(name, () => whoami(pair.mcpUrl, wins[0].body.access_token))).status, 401);
    }
    assert.equal((await refresh(pair.issuerUrl, clientId, wins[0].body.refresh_token)).body.error, 'invalid_grant');
  });

  it('200 double redemptions of a code, one on each instance: always one winner, and every winner\'s grant is revoked by the race alone', async function () {
    this.timeout(180_000);
    const registered = await register(pair.issuerUrl);
    const clientId = registered.body.client_id;
    const browser = await pair.signedInBrowser();
    let missed = 0;
    for (let race = 0; race < 200; race++) {
      const { code, verifier } = await authorize(browser, pair.issuerUrl, pair.mcpUrl, clientId);
      pair.use('alternate');
      const from = pair.served.length;
      const results = await Promise.all([exchange(pair.issuerUrl, clientId, code, verifier), exchange(pair.issuerUrl, clientId, code, verifier)]);
      assert.deepEqual(new Set(pair.served.slice(from).map((s) => s.instance)), new Set(['a', 'b']));
      const wins = results.filter((r) => r.status === 200);
      assert.equal(wins.length, 1, `race ${race}: one winner`);
      assert.equal(results.find((r) => r.status !== 200)!.body.error, 'invalid_grant');
      // No replay after the race: the loser's redemption alone must have revoked what the winner got.
      const [win] = wins;
      const atBearer = await whoami(pair.mcpUrl, win.body.access_token);
      const refreshed = await refresh(pair.issuerUrl, clientId, win.body.refresh_token);
      if (atBearer.status !== 401 || refreshed.body.error !== 'invalid_grant') missed++;
    }
    console.log(`      grants left alive after 200 double redemptions: ${missed}`);
    assert.equal(missed, 0);
  });

  it('10 concurrent refreshes with one token across both instances all get the same successor; the grant keeps working', async () => {
    const { clientId, tokens } = await grant();
    pair.use('alternate');
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(pair.issuerUrl, clientId, tokens.refresh_token)));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    const successors = new Set(results.map((r) => r.body.refresh_token));
    assert.equal(successors.size, 1);
    const [successor] = successors;
    assert.notEqual(successor, tokens.refresh_token);

    for (const name of ['a', 'b'] as const) {
      for (const r of results) assert.equal((await on(name, () => whoami(pair.mcpUrl, r.body.access_token))).status, 200);
    }
    const next = await on('b', () => refresh(pair.issuerUrl, clientId, successor));
    assert.equal(next.status, 200);
    assert.equal((await on('a', () => whoami(pair.mcpUrl, next.body.access_token))).status, 200);
  });

  it('a replay of a rotated token after the grace window revokes the family on both instances', async () => {
    const { clientId, tokens } = await grant();
    const rotated = await on('a', () => refresh(pair.issuerUrl, clientId, tokens.refresh_token));
    assert.equal(rotated.status, 200);

    // Both instances run in this process: moving its clock past the 10 s grace window moves theirs.
    const realNow = Date.now;
    Date.now = () => realNow() + 15_000;
    try {
      const replay = await on('b', () => refresh(pair.issuerUrl, clientId, tokens.refresh_token));
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');
    } finally {
      Date.now = realNow;
    }
    assert.equal((await on('a', () => refresh(pair.issuerUrl, clientId, rotated.body.refresh_token))).body.error, 'invalid_grant');
    for (const name of ['a', 'b'] as const) {
      assert.equal((await on(name, () => whoami(pair.mcpUrl, rotated.body.access_token))).status, 401);
      assert.equal((await on(name, () => whoami(pair.mcpUrl, tokens.access_token))).status, 401);
    }
  });
});
