/**
 * Scopes at the MCP endpoint (SPEC §11, issue 15 item 3), with real access tokens from the token endpoint and
 * the official SDK's streamable HTTP transport behind the kit's bearer middleware: by default a token needs one
 * of the server's own scopes (a token with only OIDC scopes is not an MCP token), `scopes: []` opts out, and
 * `toolScopes` turns a `tools/call` of a tool the token is not scoped for into HTTP 403 `insufficient_scope`.
 */
import assert from 'node:assert/strict';
import express, { type Express } from 'express';
import request from 'supertest';
import express4 from 'express4';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ConfigurationError, clerkAuth, requireScopes, type McpIssuer } from '../../src/index.js';
import { startDevIssuerApp, type DevIssuerApp } from '../support/devIssuerApp.js';
import { statelessMcpHandler } from '../../examples/statelessMcp.js';

const MCP_HEADERS = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
const call = (name: string, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

/** whoami for every MCP token; my_profile checks `mcp:profile` itself. */
function server(): McpServer {
  const mcp = new McpServer({ name: 'scopes', version: '1.0.0' });
  mcp.registerTool('whoami', { description: 'The caller' }, async ({ authInfo }) => ({
    content: [{ type: 'text', text: JSON.stringify({ userId: clerkAuth(authInfo).userId, scopes: authInfo?.scopes }) }],
  }));
  mcp.registerTool('my_profile', { description: 'Needs mcp:profile' }, async ({ authInfo }) => {
    requireScopes(authInfo, 'mcp:profile');
    return { content: [{ type: 'text', text: 'profile' }] };
  });
  return mcp;
}

/** The one JSON-RPC message of a streamable HTTP answer. */
function rpc(res: request.Response): { result?: { content: Array<{ text: string }>; isError?: boolean }; error?: unknown } {
  assert.equal(res.status, 200, res.text);
  const data = res.text.split('\n').filter((line) => line.startsWith('data: '));
  assert.equal(data.length, 1, res.text);
  return JSON.parse(data[0].slice('data: '.length));
}

describe('scopes at the MCP endpoint (requireBearer)', () => {
  let running: DevIssuerApp;
  let issuer: McpIssuer;
  let app: Express;
  let prm: string;
  const token = (scopes: string[]) => running.token(scopes);

  before(async () => {
    running = await startDevIssuerApp({ 'mcp:tools': 'Use the tools', 'mcp:profile': 'Read your profile through the tools' });
    ({ issuer, app, prm } = running);
    // The documented setup: no scopes option; the per-tool table for the step-up.
    app.post('/mcp', issuer.requireBearer({ toolScopes: { my_profile: ['mcp:profile'] } }), express.json(), statelessMcpHandler(server));
    // Opted out explicitly; no per-tool table.
    app.post('/any-token', issuer.requireBearer({ scopes: [] }), express.json(), statelessMcpHandler(server));
    // The app's own body parser in front of the bearer middleware.
    app.post('/parsed-first', express.json(), issuer.requireBearer({ toolScopes: { my_profile: ['mcp:profile'] } }), statelessMcpHandler(server));
    // Express 4's body-parser 1.x sets req.body = {} even when it skips the body (another content type): the body
    // has not been read, and the per-tool check must not take that {} for the request.
    app.post('/other-parser-first', express4.urlencoded({ extended: false }), issuer.requireBearer({ toolScopes: { my_profile: ['mcp:profile'] } }), express4.json(), statelessMcpHandler(server));
    running.serve();
  });
  after(() => running.close());

  it('no token: 401, the challenge advertises the server scopes', async () => {
    const res = await request(app).post('/mcp').set(MCP_HEADERS).send(call('whoami'));
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], `Bearer resource_metadata="${prm}", scope="mcp:tools mcp:profile"`);
  });

  for (const scopes of [['email'], ['openid', 'profile', 'email', 'offline_access']]) {
    it(`a token with only "${scopes.join(' ')}": tools/call is 403 insufficient_scope with the server scopes in the challenge`, async () => {
      const res = await request(app).post('/mcp').set(MCP_HEADERS).set('authorization', `Bearer ${await token(scopes)}`).send(call('whoami'));
      assert.equal(res.status, 403);
      assert.equal(
        res.headers['www-authenticate'],
        `Bearer error="insufficient_scope", error_description="requires one of the scopes mcp:tools mcp:profile", resource_metadata="${prm}", scope="mcp:tools mcp:profile"`,
      );
      assert.deepEqual(res.body, { error: 'insufficient_scope', error_description: 'requires one of the scopes mcp:tools mcp:profile' });
    });
  }

  it('scopes: [] opts out: the email-only token calls whoami', async () => {
    const res = await request(app).post('/any-token').set(MCP_HEADERS).set('authorization', `Bearer ${await token(['email'])}`).send(call('whoami'));
    assert.deepEqual(JSON.parse(rpc(res).result!.content[0].text), { userId: 'user_test_alice', scopes: ['email'] });
  });

  it('a token with mcp:tools calls whoami; my_profile is 403 insufficient_scope naming mcp:profile (the step-up challenge)', async () => {
    const access = await token(['mcp:tools']);
    const ok = await request(app).post('/mcp').set(MCP_HEADERS).set('authorization', `Bearer ${access}`).send(call('whoami'));
    assert.deepEqual(JSON.parse(rpc(ok).result!.content[0].text), { userId: 'user_test_alice', scopes: ['mcp:tools'] });

    for (const path of ['/mcp', '/parsed-first', '/other-parser-first']) {
      const denied = await request(app).post(path).set(MCP_HEADERS).set('authorization', `Bearer ${access}`).send(call('my_profile'));
      assert.equal(denied.status, 403, path);
      assert.equal(denied.headers['www-authenticate'], `Bearer error="insufficient_scope", error_description="requires scope mcp:profile", resource_metadata="${prm}", scope="mcp:profile"`);
      assert.deepEqual(denied.body, { error: 'insufficient_scope', error_description: 'requires scope mcp:profile' });
    }
    // In a batch too.
    const batch = await request(app).post('/mcp').set(MCP_HEADERS).set('authorization', `Bearer ${access}`).send([call('whoami', 1), call('my_profile', 2)]);
    assert.equal(batch.status, 403);
    assert.match(batch.headers['www-authenticate'], /scope="mcp:profile"$/);
  });

  it('a token with mcp:profile calls my_profile', async () => {
    const res = await request(app).post('/mcp').set(MCP_HEADERS).set('authorization', `Bearer ${await token(['mcp:tools', 'mcp:profile'])}`).send(call('my_profile'));
    assert.deepEqual(rpc(res).result, { content: [{ type: 'text', text: 'profile' }] });
  });

  it('without toolScopes, requireScopes in the handler still refuses the call (a tool error naming the scope; no HTTP 403)', async () => {
    const res = await request(app).post('/any-token').set(MCP_HEADERS).set('authorization', `Bearer ${await token(['mcp:tools'])}`).send(call('my_profile'));
    const { result } = rpc(res);
    assert.equal(result!.isError, true);
    assert.match(result!.content[0].text, /requires scope mcp:profile/);
  });

  it('toolScopes naming a scope the issuer does not offer is a ConfigurationError at startup', () => {
    assert.throws(() => issuer.requireBearer({ toolScopes: { my_profile: ['mcp:admin'] } }), ConfigurationError);
    assert.throws(() => issuer.requireBearer({ toolScopes: { my_profile: [] } }), ConfigurationError);
  });
});
