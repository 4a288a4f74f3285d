/**
 * Discovery documents, per SPEC §4: exact JSON, every well-known location (path insertion for a path issuer),
 * CORS, caching, never a redirect.
 */
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createMcpIssuer, type McpIssuer } from '../../src/index.js';
import { testSigningKeys } from '../support/harness.js';

const clerk = { secretKey: 'sk_test_x', publishableKey: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k', signInUrl: 'https://accounts.example.com/sign-in' };

async function appFor(issuer: string, resource: string): Promise<{ app: express.Express; kit: McpIssuer }> {
  const kit = await createMcpIssuer({ issuer, resource, signingKeys: await testSigningKeys(), clerk, scopes: { 'mcp:tools': 'Use the tools' }, resourceName: 'Example MCP' });
  const app = express();
  app.use(kit.router);
  return { app, kit };
}

describe('discovery endpoints', () => {
  it('serves the exact RFC 8414 document at /.well-known/oauth-authorization-server', async () => {
    const { app, kit } = await appFor('https://mcp.example.com', 'https://mcp.example.com/mcp');
    const res = await request(app).get('/.well-known/oauth-authorization-server').expect(200);
    assert.match(res.headers['content-type'], /^application\/json/);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(res.headers['cache-control'], /max-age=\d+/);
    assert.deepEqual(res.body, {
      issuer: 'https://mcp.example.com',
      authorization_endpoint: 'https://mcp.example.com/authorize',
      token_endpoint: 'https://mcp.example.com/token',
      registration_endpoint: 'https://mcp.example.com/register',
      revocation_endpoint: 'https://mcp.example.com/revoke',
      userinfo_endpoint: 'https://mcp.example.com/userinfo',
      jwks_uri: 'https://mcp.example.com/.well-known/jwks.json',
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      scopes_supported: ['mcp:tools', 'openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'given_name', 'family_name', 'preferred_username', 'picture', 'email', 'email_verified'],
      prompt_values_supported: ['none', 'login', 'consent'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
    });
    assert.deepEqual(res.body, kit.metadata);
  });

  it('serves the same document at /.well-known/openid-configuration', async () => {
    const { app } = await appFor('https://mcp.example.com', 'https://mcp.example.com/mcp');
    const a = await request(app).get('/.well-known/oauth-authorization-server').expect(200);
    const b = await request(app).get('/.well-known/openid-configuration').expect(200);
    assert.deepEqual(a.body, b.body);
  });

  it('answers a CORS preflight on discovery with 204 and no auth', async () => {
    const { app } = await appFor('https://mcp.example.com', 'https://mcp.example.com/mcp');
    const res = await request(app)
      .options('/.well-known/oauth-authorization-server')
      .set('Origin', 'https://inspector.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'mcp-protocol-version');
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(res.headers['access-control-allow-headers'], /MCP-Protocol-Version/i);
  });

  it('answers POST on a metadata document with 405 and Allow', async () => {
    const { app } = await appFor('https://mcp.example.com', 'https://mcp.example.com/mcp');
    const res = await request(app).post('/.well-known/oauth-authorization-server').expect(405);
    assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS');
    assert.equal(res.body.error, 'method_not_allowed');
  });

  it('a path issuer is served at the RFC 8414 path-inserted and both OIDC locations, not only at the root', async () => {
    const { app } = await appFor('https://mcp.example.com/tenant-a', 'https://mcp.example.com/tenant-a/mcp');
    for (const path of [
      '/.well-known/oauth-authorization-server/tenant-a',
      '/.well-known/openid-configuration/tenant-a',
      '/tenant-a/.well-known/openid-configuration',
    ]) {
      const res = await request(app).get(path).expect(200);
      assert.equal(res.body.issuer, 'https://mcp.example.com/tenant-a', path);
      assert.equal(res.body.token_endpoint, 'https://mcp.example.com/tenant-a/token');
    }
    await request(app).get('/.well-known/oauth-authorization-server').expect(404);
  });

  it('serves protected resource metadata path-aware and at the root', async () => {
    const { app } = await appFor('https://mcp.example.com', 'https://mcp.example.com/mcp');
    const expected = {
      resource: 'https://mcp.example.com/mcp',
      authorization_servers: ['https://mcp.example.com'],
      scopes_supported: ['mcp:tools', 'openid', 'profile', 'email'],
      bearer_methods_supported: ['header'],
      resource_name: 'Example MCP',
    };
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await request(app).get(path).expect(200);
      assert.deepEqual(res.body, expected, path);
      assert.equal(res.headers['access-control-allow-origin'], '*');
    }
  });

  it('publishes public keys only, with kid, use and alg', async () => {
    const { app } = await appFor('https://mcp.example.com', 'https://mcp.example.com/mcp');
    const res = await request(app).get('/.well-known/jwks.json').expect(200);
    const [key] = res.body.keys;
    assert.equal(res.body.keys.length, 1);
    assert.equal(key.kid, (await testSigningKeys()).keys[0].kid);
    assert.equal(key.use, 'sig');
    assert.equal(key.alg, 'RS256');
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[member], undefined, `no private member ${member}`);
  });

  it('never redirects a well-known path with a trailing slash', async () => {
    const { app } = await appFor('https://mcp.example.com', 'https://mcp.example.com/mcp');
    const res = await request(app).get('/.well-known/oauth-authorization-server/');
    assert.equal(res.headers.location, undefined);
    assert.notEqual(Math.floor(res.status / 100), 3);
  });
});
