/**
 * `issuer.tokenVerifier` behind each MCP SDK major's own `requireBearerAuth` (issue 11 item 5): `@modelcontextprotocol/sdk`
 * 1.x and `@modelcontextprotocol/express` 2.x. A bad token is 401 `invalid_token` (v1 answered 500 before: the
 * verifier threw the v2 package's error, which v1 does not know), a good token reaches the handler with the Clerk
 * identity, and a token with only OIDC scopes is 403 `insufficient_scope`, as at `requireBearer()`.
 */
import assert from 'node:assert/strict';
import type { Express, RequestHandler } from 'express';
import request from 'supertest';
import { requireBearerAuth as requireBearerAuthV1 } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { requireBearerAuth as requireBearerAuthV2 } from '@modelcontextprotocol/express';
import { clerkAuth } from '../../src/index.js';
import { startDevIssuerApp, type DevIssuerApp } from '../support/devIssuerApp.js';
import { withBrokenSignature } from '../support/accessTokens.js';

describe('issuer.tokenVerifier with the MCP SDKs’ requireBearerAuth', () => {
  let running: DevIssuerApp;
  let app: Express;
  let prm: string;
  const token = (scopes: string[]) => running.token(scopes);

  before(async () => {
    running = await startDevIssuerApp({ 'mcp:tools': 'Use the tools' });
    const { issuer } = running;
    ({ app, prm } = running);
    const whoami: RequestHandler = (req, res) => {
      const { userId, grantId } = clerkAuth(req.auth);
      res.json({ userId, grantPresent: grantId.length > 0, scopes: req.auth.scopes });
    };
    app.post('/v1', requireBearerAuthV1({ verifier: issuer.tokenVerifier, resourceMetadataUrl: prm }), whoami);
    app.post('/v2', requireBearerAuthV2({ verifier: issuer.tokenVerifier, resourceMetadataUrl: prm }), whoami);
    running.serve();
  });
  after(() => running.close());

  for (const path of ['/v1', '/v2']) {
    const sdk = path === '/v1' ? '@modelcontextprotocol/sdk 1.x' : '@modelcontextprotocol/express 2.x';
    describe(sdk, () => {
      it('a bad token: 401 invalid_token with the challenge', async () => {
        for (const bad of ['not-a-jwt', withBrokenSignature(await token(['mcp:tools']))]) {
          const res = await request(app).post(path).set('authorization', `Bearer ${bad}`);
          assert.equal(res.status, 401, res.text);
          assert.equal(res.headers['www-authenticate'], `Bearer error="invalid_token", error_description="the access token is invalid", resource_metadata="${prm}"`);
          assert.deepEqual(res.body, { error: 'invalid_token', error_description: 'the access token is invalid' });
        }
      });

      it('a good token reaches the handler as the Clerk user', async () => {
        const res = await request(app).post(path).set('authorization', `Bearer ${await token(['mcp:tools'])}`);
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, { userId: 'user_test_alice', grantPresent: true, scopes: ['mcp:tools'] });
      });

      it('a token with only OIDC scopes: 403 insufficient_scope', async () => {
        const res = await request(app).post(path).set('authorization', `Bearer ${await token(['openid', 'profile', 'email', 'offline_access'])}`);
        assert.equal(res.status, 403, res.text);
        assert.equal(res.headers['www-authenticate'], `Bearer error="insufficient_scope", error_description="requires scope mcp:tools", resource_metadata="${prm}"`);
        assert.deepEqual(res.body, { error: 'insufficient_scope', error_description: 'requires scope mcp:tools' });
      });
    });
  }
});
