/**
 * A Clerk webhook on one instance ends the grant on every instance (SPEC §11; issue 12 item 3): two instances
 * share one Redis; `session.ended` delivered to A, and within a second the MCP endpoint of both A and B refuses
 * the access token and refresh on B answers `invalid_grant`. The index keys carry a TTL.
 */
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { KEYS } from '../../src/grants/grant.js';
import { sendCommand } from '../../src/store/redisConnection.js';
import { startInstancePair, type InstancePair } from '../support/instancePair.js';
import { authorize, exchange, refresh, register, whoami } from '../support/oauthSteps.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { clerkEvent, deliver, sessionData, webhookSecret } from '../support/clerkWebhook.js';

describe('Clerk webhooks on two instances sharing one Redis', () => {
  let redis: RedisServer;
  let pair: InstancePair;
  const secret = webhookSecret();
  before(async () => {
    redis = await startRedisServer();
    pair = await startInstancePair({ redisUrl: redis.url });
    for (const name of ['a', 'b'] as const) pair.instance(name).app.post('/webhooks/clerk', pair.instance(name).issuer.clerkWebhooks({ signingSecret: secret }));
  });
  after(async () => {
    await pair?.close();
    await redis?.stop();
  });

  it('after session.ended reaches instance A, the access token gets 401 at the MCP endpoint of A and B within a second', async () => {
    const clientId = (await register(pair.issuerUrl)).body.client_id;
    const { code, verifier } = await authorize(await pair.signedInBrowser(), pair.issuerUrl, pair.mcpUrl, clientId);
    const tokens = (await exchange(pair.issuerUrl, clientId, code, verifier)).body;
    const sessionId = decodeJwt(tokens.access_token).sid as string;
    for (const name of ['a', 'b'] as const) {
      pair.use(name);
      assert.deepEqual(await whoami(pair.mcpUrl, tokens.access_token), { status: 200, userId: 'user_test_alice' }, `instance ${name} before`);
    }

    // Both index keys expire (no unbounded growth): at most the refresh lifetime.
    const connection = await pair.instance('a').store.connection();
    for (const key of [KEYS.grantsBySession(sessionId), KEYS.grantsByUser('user_test_alice')]) {
      const ttl = Number(await sendCommand(connection, 1000, 'PTTL', [`pair:${key}`]));
      assert.ok(ttl > 0 && ttl <= pair.instance('a').issuer.config.lifetimes.refreshToken * 1000, `${key} has a TTL (${ttl} ms)`);
    }

    pair.use('a');
    const delivery = await deliver(`${pair.issuerUrl}/webhooks/clerk`, clerkEvent('session.ended', sessionData(sessionId, 'user_test_alice', 'ended')), { secret });
    const endedAt = Date.now();
    assert.deepEqual([delivery.status, delivery.body], [200, { received: true, grantsEnded: 1 }]);
    for (const name of ['b', 'a'] as const) {
      pair.use(name);
      assert.deepEqual(await whoami(pair.mcpUrl, tokens.access_token), { status: 401 }, `instance ${name} after`);
    }
    assert.ok(Date.now() - endedAt < 1000, `refused on both within a second (${Date.now() - endedAt} ms)`);

    pair.use('b');
    const refreshed = await refresh(pair.issuerUrl, clientId, tokens.refresh_token);
    assert.deepEqual([refreshed.status, refreshed.body.error], [400, 'invalid_grant']);
    pair.use('alternate');
  });
});
