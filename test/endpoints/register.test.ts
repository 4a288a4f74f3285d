/**
 * Dynamic client registration (RFC 7591) per SPEC §5: 201, echoed metadata, credential alphabet, errors.
 */
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createMcpIssuer } from '../../src/index.js';
import { testSigningKeys } from '../support/harness.js';

const clerk = { secretKey: 'sk_test_x', publishableKey: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k', signInUrl: 'https://accounts.example.com/sign-in' };

async function app(rateLimit?: { register?: { limit: number; windowMs: number } }) {
  const kit = await createMcpIssuer({
    issuer: 'https://mcp.example.com',
    resource: 'https://mcp.example.com/mcp',
    signingKeys: await testSigningKeys(),
    clerk,
    scopes: { 'mcp:tools': 'Use the tools' },
    rateLimit,
  });
  const a = express();
  a.use(kit.router);
  return a;
}

describe('POST /register', () => {
  it('registers a public client: 201, no-store, echoed metadata, no secret', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await request(await app())
      .post('/register')
      .send({
        redirect_uris: ['http://127.0.0.1:33418/callback', 'cursor://anysphere.cursor-mcp/oauth/callback'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        client_name: 'Cursor',
        scope: 'openid mcp:tools',
        application_type: 'native',
        logo_uri: 'https://example.com/logo.png',
      })
      .expect(201);
    assert.equal(res.headers['cache-control'], 'no-store');
    const { client_id, client_id_issued_at, ...rest } = res.body;
    assert.match(client_id, /^[A-Za-z0-9_-]{20,}$/);
    assert.ok(client_id_issued_at >= before);
    assert.deepEqual(rest, {
      redirect_uris: ['http://127.0.0.1:33418/callback', 'cursor://anysphere.cursor-mcp/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      client_name: 'Cursor',
      scope: 'openid mcp:tools',
      application_type: 'native',
    });
  });

  it('registers a confidential client with a secret from [A-Za-z0-9_-] that never expires', async () => {
    const res = await request(await app()).post('/register').send({ redirect_uris: ['https://app.example.com/cb'] }).expect(201);
    assert.equal(res.body.token_endpoint_auth_method, 'client_secret_basic');
    assert.match(res.body.client_secret, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(res.body.client_secret_expires_at, 0);
    assert.deepEqual(res.body.grant_types, ['authorization_code']);
  });

  const refusals: Array<[string, unknown, string]> = [
    ['http on a non-loopback host', { redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
    ['a fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'invalid_redirect_uri'],
    ['a javascript: URI', { redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
    ['no redirect_uris', { client_name: 'x' }, 'invalid_redirect_uri'],
    ['an unsupported grant type', { redirect_uris: ['https://a.example/cb'], grant_types: ['implicit'] }, 'invalid_client_metadata'],
    ['an unknown auth method', { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    ['an unknown scope', { redirect_uris: ['https://a.example/cb'], scope: 'admin' }, 'invalid_client_metadata'],
    ['a non-object body', ['https://a.example/cb'], 'invalid_client_metadata'],
  ];
  for (const [what, body, error] of refusals) {
    it(`refuses ${what} with 400 ${error}`, async () => {
      const res = await request(await app()).post('/register').send(body as object).expect(400);
      assert.equal(res.body.error, error);
      assert.equal(typeof res.body.error_description, 'string');
    });
  }

  it('refuses a form body with 400 invalid_client_metadata', async () => {
    const res = await request(await app()).post('/register').type('form').send('redirect_uris=https://a.example/cb').expect(400);
    assert.equal(res.body.error, 'invalid_client_metadata');
  });

  it('refuses malformed JSON with 400 invalid_request, not 500', async () => {
    const res = await request(await app()).post('/register').set('content-type', 'application/json').send('{"redirect_uris":').expect(400);
    assert.equal(res.body.error, 'invalid_request');
  });

  it('refuses a body over 4096 bytes with 400 invalid_client_metadata naming the cap (issue 15.8)', async () => {
    const res = await request(await app()).post('/register').send({ redirect_uris: ['https://a.example/cb'], client_name: 'x'.repeat(20000) });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, { error: 'invalid_client_metadata', error_description: 'the registration metadata is larger than 4096 bytes of JSON' });
  });

  it('answers GET with 405 and Allow: POST', async () => {
    const res = await request(await app()).get('/register').expect(405);
    assert.match(res.headers.allow, /^POST\b/);
  });

  it('rate-limits registrations with 429 and RateLimit headers', async () => {
    const a = await app({ register: { limit: 2, windowMs: 60_000 } });
    await request(a).post('/register').send({ redirect_uris: ['https://a.example/cb'] }).expect(201);
    await request(a).post('/register').send({ redirect_uris: ['https://a.example/cb'] }).expect(201);
    const res = await request(a).post('/register').send({ redirect_uris: ['https://a.example/cb'] }).expect(429);
    assert.equal(res.body.error, 'too_many_requests');
    assert.ok(res.headers['ratelimit-policy'] || res.headers.ratelimit);
  });
});
