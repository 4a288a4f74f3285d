/**
 * Connected apps across instances (issue 13 part 2): two instances share one Redis; the user revokes one of two
 * clients on instance A's page, and instance B's MCP endpoint refuses that client's access token on the next call
 * while the other client keeps working; B's page lists only the client that is left. The index carries a TTL.
 */
import assert from 'node:assert/strict';
import { KEYS } from '../../src/grants/grant.js';
import { sendCommand } from '../../src/store/redisConnection.js';
import { startInstancePair, type InstancePair } from '../support/instancePair.js';
import { authorize, exchange, refresh, register, whoami, type TokenSet } from '../support/oauthSteps.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { parseForm, type UserAgent } from '../support/userAgent.js';

describe('connected apps on two instances sharing one Redis', () => {
  let redis: RedisServer;
  let pair: InstancePair;
  before(async () => {
    redis = await startRedisServer();
    pair = await startInstancePair({ redisUrl: redis.url, keyPrefix: 'apps:' });
    for (const name of ['a', 'b'] as const) pair.instance(name).app.use('/connected-apps', pair.instance(name).issuer.connectedApps());
  });
  after(async () => {
    await pair?.close();
    await redis?.stop();
  });

  async function grant(browser: UserAgent): Promise<{ clientId: string; tokens: TokenSet }> {
    const clientId = (await register(pair.issuerUrl)).body.client_id;
    const { code, verifier } = await authorize(browser, pair.issuerUrl, pair.mcpUrl, clientId);
    const tokens = await exchange(pair.issuerUrl, clientId, code, verifier);
    assert.equal(tokens.status, 200);
    return { clientId, tokens: tokens.body };
  }

  const openPage = async (browser: UserAgent) => (await fetch(`${pair.issuerUrl}/connected-apps`, { headers: { cookie: browser.cookieHeader() } })).text();

  it('revoked on A\'s page: B refuses its access token on the next MCP call and its refresh; the other client keeps working', async () => {
    const browser = await pair.signedInBrowser();
    const kept = await grant(browser);
    const revoked = await grant(browser);

    pair.use('b');
    for (const g of [kept, revoked]) assert.deepEqual(await whoami(pair.mcpUrl, g.tokens.access_token), { status: 200, userId: 'user_test_alice' });
    const connection = await pair.instance('a').store.connection();
    const ttl = Number(await sendCommand(connection, 1000, 'PTTL', [`apps:${KEYS.grantsByUser('user_test_alice')}`]));
    assert.ok(ttl > 0 && ttl <= pair.instance('a').issuer.config.lifetimes.refreshToken * 1000, `the user's index expires (${ttl} ms)`);

    pair.use('a');
    const html = await openPage(browser);
    const form = [...html.matchAll(/<form method="post" action="[^"]*">[\s\S]*?<\/form>/g)].map((m) => new URLSearchParams(parseForm(m[0]).fields)).find((f) => f.get('client_id') === revoked.clientId)!;
    const res = await fetch(`${pair.issuerUrl}/connected-apps`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: browser.cookieHeader(), origin: pair.issuerUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    assert.equal(res.status, 303);

    pair.use('b');
    assert.deepEqual(await whoami(pair.mcpUrl, revoked.tokens.access_token), { status: 401 });
    assert.deepEqual(await whoami(pair.mcpUrl, kept.tokens.access_token), { status: 200, userId: 'user_test_alice' });
    const refused = await refresh(pair.issuerUrl, revoked.clientId, revoked.tokens.refresh_token);
    assert.deepEqual([refused.status, refused.body.error], [400, 'invalid_grant']);
    assert.equal((await refresh(pair.issuerUrl, kept.clientId, kept.tokens.refresh_token)).status, 200);
    const onB = await openPage(browser);
    assert.ok(onB.includes(kept.clientId) && !onB.includes(revoked.clientId), 'B lists only the client that is left');
    assert.deepEqual((await pair.instance('b').issuer.grants.list({ userId: 'user_test_alice' })).map((g) => g.clientId), [kept.clientId]);
    assert.ok(pair.served.some((s) => s.instance === 'a' && s.method === 'POST' && s.path === '/connected-apps'));
    pair.use('alternate');
  });
});
