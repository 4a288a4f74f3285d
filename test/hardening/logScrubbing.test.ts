/**
 * Logs carry no token, code, secret or cookie: full flows and failing flows run with the kit's logger at its
 * most verbose, and everything written to stdout, stderr and the console is captured and searched for every
 * credential value the flows handled.
 */
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { consoleLogger } from '../../src/index.js';
import { startHarness, type Harness } from '../support/harness.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const REDIRECT = 'http://127.0.0.1:45111/cb';

describe('log scrubbing', () => {
  const captured: string[] = [];
  const secrets = new Set<string>();
  let h: Harness;
  const originals = { out: process.stdout.write, err: process.stderr.write, log: console.log, warn: console.warn, error: console.error, info: console.info, debug: console.debug };

  before(async () => {
    const capture = (chunk: unknown) => {
      captured.push(String(chunk));
      return true;
    };
    h = await startHarness({ options: { logger: consoleLogger('debug', (line) => captured.push(line)) } });
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    for (const level of ['log', 'warn', 'error', 'info', 'debug'] as const) console[level] = (...args: unknown[]) => void captured.push(args.map(String).join(' '));
  });
  after(async () => {
    Object.assign(process.stdout, { write: originals.out });
    Object.assign(process.stderr, { write: originals.err });
    Object.assign(console, { log: originals.log, warn: originals.warn, error: originals.error, info: originals.info, debug: originals.debug });
    await h.close();
  });

  it('full and failing flows leave no credential in any log line', async () => {
    const issuer = new URL(h.issuerUrl);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    const client = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] }, insecure),
    );
    secrets.add(client.client_secret as string);
    const auth = oauth.ClientSecretBasic(client.client_secret as string);

    const verifier = oauth.generateRandomCodeVerifier();
    secrets.add(verifier);
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: client.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid email mcp:tools', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' }).toString();
    const { browser } = await h.signedInBrowser();
    secrets.add(browser.cookies.get('__session')!);
    const callback = (await browser.authorize(url.href))!;
    const code = callback.searchParams.get('code')!;
    secrets.add(code);
    const params = oauth.validateAuthResponse(as, client, callback, 'st');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, insecure));
    for (const t of [tokens.access_token, tokens.refresh_token!, tokens.id_token!]) secrets.add(t);

    // Failing paths: code replay (revokes the grant), wrong secret, refresh reuse, bad bearer token.
    await oauth.authorizationCodeGrantRequest(as, client, auth, params, REDIRECT, verifier, insecure);
    await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic('wrong-secret-value'), params, REDIRECT, verifier, insecure);
    secrets.add('wrong-secret-value');
    await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure);
    await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure);
    await fetch(h.mcpUrl, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' }, body: '{}' });
    await fetch(`${h.issuerUrl}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });

    // A second full flow whose tokens stay valid: refresh, userinfo, revoke.
    const verifier2 = oauth.generateRandomCodeVerifier();
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier2));
    const params2 = oauth.validateAuthResponse(as, client, (await browser.authorize(url.href))!, 'st');
    secrets.add(params2.get('code')!);
    const t2 = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, params2, REDIRECT, verifier2, insecure));
    const r2 = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, t2.refresh_token!, insecure));
    const r3 = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, r2.refresh_token!, insecure));
    for (const t of [t2.access_token, t2.refresh_token!, t2.id_token!, r2.access_token, r2.refresh_token!, r2.id_token!, r3.access_token, r3.refresh_token!]) secrets.add(t);
    await oauth.userInfoRequest(as, client, r3.access_token, insecure);
    // Two rotations later, the first refresh token comes back: reuse, the family is revoked.
    await oauth.refreshTokenGrantRequest(as, client, auth, t2.refresh_token!, insecure);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, r3.refresh_token!, insecure));

    const log = captured.join('\n');
    for (const event of [/client registered/, /authorization code issued/, /tokens issued/, /authorization code replayed/, /refresh token reuse detected/]) {
      assert.match(log, event, 'the flows were logged');
    }
    for (const secret of secrets) {
      assert.ok(secret.length >= 16, 'a real credential');
      assert.equal(log.includes(secret), false, `a credential (${secret.slice(0, 6)}…) appears in the logs`);
      // Also no fragment long enough to matter (e.g. one JWT segment).
      for (const part of secret.split('.').filter((p) => p.length >= 20)) assert.equal(log.includes(part), false, 'a credential segment appears in the logs');
    }
  });
});
