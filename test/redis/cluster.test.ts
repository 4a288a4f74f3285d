/**
 * The Redis store on Redis Cluster (SPEC §11 "every atomic step touches one hash slot"), on a real 3-master,
 * 3-replica cluster on loopback: every multi-key command the flows send stays in one slot (Redis's own CLUSTER
 * KEYSLOT says so), and a master killed under load makes the store answer 503 until its replica takes over, then
 * recover by itself with nothing issued twice. The store contract and the two-instance flows also run on a cluster
 * (storeContract.test.ts, twoInstances.test.ts).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KEYS } from '../../src/grants/grant.js';
import { hashCredential } from '../../src/crypto/secrets.js';
import { RedisStore } from '../../src/store/redis.js';
import { startInstancePair, type InstancePair } from '../support/instancePair.js';
import { authorize, exchange, refresh, register, whoami, type Answer, type TokenSet } from '../support/oauthSteps.js';
import { startRedisCluster, type RedisCluster } from '../support/redisCluster.js';

describe('RedisStore on a 3-master Redis Cluster', function () {
  this.timeout(120_000);
  let cluster: RedisCluster;
  let pair: InstancePair;
  before(async () => {
    cluster = await startRedisCluster();
    pair = await startInstancePair({ clusterNodes: cluster.nodes.slice(0, 3), keyPrefix: 'cmi:' });
  });
  after(async () => {
    await pair?.close();
    await cluster?.stop();
  });

  async function grant(clientId: string): Promise<TokenSet> {
    const { code, verifier } = await authorize(await pair.signedInBrowser(), pair.issuerUrl, pair.mcpUrl, clientId);
    const tokens = await exchange(pair.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    return tokens.body;
  }

  it('every multi-key command of the flows (code redemption, its replay, revocation lookups, grant indexes) touches one hash slot', async () => {
    const sent: Array<{ command: string; keys: string[] }> = [];
    const restore: Array<() => void> = [];
    for (const name of ['a', 'b'] as const) {
      const client = (await pair.instance(name).store.connection()) as unknown as { call: (...args: unknown[]) => Promise<unknown> };
      const call = client.call;
      client.call = function (this: unknown, ...args: unknown[]) {
        const [command, ...rest] = args.map(String);
        const upper = command.toUpperCase();
        if (upper === 'EVALSHA' || upper === 'EVAL') sent.push({ command: upper, keys: rest.slice(2, 2 + Number(rest[1])) });
        else if (upper === 'EXISTS') sent.push({ command: upper, keys: rest });
        return call.apply(this, args);
      };
      restore.push(() => (client.call = call));
    }
    try {
      const { body } = await register(pair.issuerUrl);
      const { code, verifier } = await authorize(await pair.signedInBrowser(), pair.issuerUrl, pair.mcpUrl, body.client_id);
      const tokens = await exchange(pair.issuerUrl, body.client_id, code, verifier);
      assert.equal(tokens.status, 200);
      assert.equal((await whoami(pair.mcpUrl, tokens.body.access_token)).status, 200);
      const rotated = await refresh(pair.issuerUrl, body.client_id, tokens.body.refresh_token);
      assert.equal(rotated.status, 200);
      // Revoking one access token writes the marker the bearer check then finds in the same slot as the grant's.
      const revoked = await fetch(`${pair.issuerUrl}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: rotated.body.access_token, token_type_hint: 'access_token', client_id: body.client_id }),
      });
      assert.equal(revoked.status, 200);
      assert.equal((await whoami(pair.mcpUrl, rotated.body.access_token)).status, 401);
      // A replay finds the used-code marker and revokes the grant.
      assert.equal((await exchange(pair.issuerUrl, body.client_id, code, verifier)).body.error, 'invalid_grant');
      assert.equal((await whoami(pair.mcpUrl, tokens.body.access_token)).status, 401);
    } finally {
      for (const undo of restore) undo();
    }

    const multiKey = sent.filter((s) => s.keys.length > 1);
    // Not vacuous: the code redemption script and the bearer check's lookup were among them.
    assert.ok(multiKey.some((s) => s.command.startsWith('EVAL') && s.keys[0].startsWith('cmi:code:{') && s.keys[1].startsWith('cmi:code-used:{')), 'takeAndMark was sent');
    assert.ok(multiKey.some((s) => s.command === 'EXISTS' && s.keys[0].startsWith('cmi:revoked-grant:{') && s.keys[1].startsWith('cmi:revoked-jti:{')), 'the revocation lookup was sent');
    for (const { command, keys } of multiKey) {
      const slots = new Set(await Promise.all(keys.map((key) => cluster.keySlot(key))));
      assert.equal(slots.size, 1, `${command} ${keys.join(' ')} touches one slot`);
    }
  });

  it('an ioredis Cluster you own works as `client`: keys on every master, existsAny across slots, close() leaves it open', async () => {
    const { Cluster } = await import('ioredis');
    const own = new Cluster([{ host: '127.0.0.1', port: Number(new URL(cluster.nodes[1]).port) }], { retryDelayOnFailover: 0, retryDelayOnClusterDown: 0 });
    try {
      const store = new RedisStore({ client: own, keyPrefix: 'own:' });
      await store.ready();
      const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
      for (const key of keys) await store.put(key, { key }, 60);
      // The twelve keys landed on all three masters: existsAny asked about keys of several slots at once.
      assert.equal(new Set(await Promise.all(keys.map((k) => cluster.masterOf(`own:${k}`)))).size, 3);
      assert.equal(await store.existsAny(['absent-1', 'absent-2', keys[7]]), true);
      assert.equal(await store.existsAny(['absent-1', 'absent-2', 'absent-3']), false);
      await store.close();
      assert.equal(own.status, 'ready');
      assert.deepEqual(await store.get(keys[3]), { key: keys[3] });
    } finally {
      own.disconnect();
    }
  });

  it('takes exactly one of `url`, `clusterNodes` or `client`', () => {
    assert.throws(() => new RedisStore({ url: 'redis://127.0.0.1:1', clusterNodes: cluster.nodes }), { name: 'TypeError', message: /exactly one of `url`, `clusterNodes` or `client`/ });
    assert.throws(() => new RedisStore({}), TypeError);
  });

  it('the KEYS that meet in one atomic step share a hash slot', async () => {
    for (const [a, b] of [
      [KEYS.code('h1'), KEYS.usedCode('h1')],
      [KEYS.revokedGrant('grant-1'), KEYS.revokedToken('grant-1', 'jti-1')],
    ]) {
      assert.equal(await cluster.keySlot(`cmi:${a}`), await cluster.keySlot(`cmi:${b}`), `${a} and ${b}`);
    }
  });

  it('a master killed under load: 503 temporarily_unavailable while it fails over, recovery by itself, no code redeemed twice, no refresh token with two successors', async () => {
    const { body: client } = await register(pair.issuerUrl);
    const clientId = client.client_id;
    const browser = await pair.signedInBrowser();
    const codes: Array<{ code: string; verifier: string; wins: number; settled: boolean }> = [];
    for (let i = 0; i < 24; i++) codes.push({ ...(await authorize(browser, pair.issuerUrl, pair.mcpUrl, clientId)), wins: 0, settled: false });
    const families: Array<{ token: string; successors: Set<string>; settled: boolean }> = [];
    for (let i = 0; i < 8; i++) families.push({ token: (await grant(clientId)).refresh_token, successors: new Set(), settled: false });
    // Let the replicas catch up before the crash: Redis replication is asynchronous.
    await sleep(200);

    const victim = await cluster.masterOf(`cmi:${KEYS.code(hashCredential(codes[0].code))}`);
    const statuses = new Map<number, number>();
    const check = (answer: Answer<TokenSet & { error?: string }>) => {
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      assert.ok([200, 400, 503].includes(answer.status), `status ${answer.status}: ${JSON.stringify(answer.body)}`);
      if (answer.status === 503) assert.equal(answer.body.error, 'temporarily_unavailable');
      if (answer.status === 400) assert.equal(answer.body.error, 'invalid_grant');
    };
    const round = async () => {
      pair.use('alternate');
      await Promise.all([
        ...codes
          .filter((c) => !c.settled)
          .map(async (c) => {
            // Two redemptions of the code at once, one per instance.
            for (const answer of await Promise.all([exchange(pair.issuerUrl, clientId, c.code, c.verifier), exchange(pair.issuerUrl, clientId, c.code, c.verifier)])) {
              check(answer);
              if (answer.status === 200) c.wins++;
              if (answer.status !== 503) c.settled = true;
            }
          }),
        ...families
          .filter((f) => !f.settled)
          .map(async (f) => {
            for (const answer of await Promise.all([refresh(pair.issuerUrl, clientId, f.token), refresh(pair.issuerUrl, clientId, f.token)])) {
              check(answer);
              if (answer.status === 200) f.successors.add(answer.body.refresh_token);
              if (answer.status !== 503) f.settled = true;
            }
          }),
      ]);
    };

    // The crash lands while the first round is in flight: some redemptions and rotations reached the master, some
    // did not, some got no answer.
    await Promise.all([round(), sleep(5).then(() => cluster.kill(victim))]);
    let failedOver = false;
    const failover = cluster.waitForFailover(victim).then(() => (failedOver = true));
    // Rounds during the outage, and one after the promotion with everything not settled yet.
    while (!failedOver) {
      await round();
      await sleep(100);
    }
    await failover;
    // Each instance learns of the promotion from its first redirect after it: a few more rounds (bounded) settle the rest.
    for (let i = 0; i < 30 && (codes.some((c) => !c.settled) || families.some((f) => !f.settled)); i++) {
      await round();
      await sleep(100);
    }
    console.log(`      statuses across the failover: ${JSON.stringify(Object.fromEntries(statuses))}`);

    assert.ok((statuses.get(503) ?? 0) > 0, 'the outage was seen as 503');
    for (const c of codes) assert.ok(c.wins <= 1, 'no code redeemed twice');
    for (const f of families) assert.ok(f.successors.size <= 1, 'no refresh token with two successors');

    // Recovered by itself (no restart of anything): a whole new flow on each instance.
    for (const name of ['a', 'b'] as const) {
      pair.use(name);
      const { body } = await register(pair.issuerUrl);
      const tokens = await grant(body.client_id);
      assert.equal((await whoami(pair.mcpUrl, tokens.access_token)).status, 200);
      assert.equal((await refresh(pair.issuerUrl, body.client_id, tokens.refresh_token)).status, 200);
    }
    pair.use('alternate');
    // Every code whose record survived the crash was redeemed once; the rest are lost with the dead master's
    // unreplicated writes (none here), never redeemable later.
    for (const c of codes) assert.ok(c.settled, 'every code has an answer other than 503 after the failover');
  });
});
