/**
 * The peer range covers Express 4: the router mounts on an Express 4 app and a full oauth4webapi flow passes,
 * including the async handlers (Express 4 ignores returned promises).
 */
import assert from 'node:assert/strict';
import express4 from 'express4';
import * as oauth from 'oauth4webapi';
import { startHarness, type Harness } from '../support/harness.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe('Express 4 smoke test', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ express: express4 as never });
  });
  after(() => h.close());

  it('discovery, registration, authorization and token exchange pass on Express 4', async () => {
    const issuer = new URL(h.issuerUrl);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    const client = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' }, insecure),
    );
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: 'http://127.0.0.1:9/cb',
      response_type: 'code',
      scope: 'openid mcp:tools',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: 's1',
    }).toString();
    const { browser } = await h.signedInBrowser();
    const callback = await browser.authorize(url.href);
    const params = oauth.validateAuthResponse(as, client, callback!, 's1');
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, 'http://127.0.0.1:9/cb', verifier, insecure),
    );
    assert.equal(oauth.getValidatedIdTokenClaims(tokens)!.iss, h.issuerUrl);

    // An error thrown inside an async handler still answers (no hang, no crash) on Express 4.
    const bad = await fetch(as.token_endpoint!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&client_id=nope&code=x&code_verifier=y' });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).error, 'invalid_client');
  });
});
