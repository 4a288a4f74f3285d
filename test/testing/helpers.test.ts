/**
 * `clerk-mcp-issuer/testing` as a user's supertest suite uses it: the user's own small Express MCP server
 * (kit + dev stand-in + an MCP tool behind `requireBearer`), a real access token from `getAccessToken`, and
 * supertest calls of the protected MCP endpoint over streamable HTTP (JSON-RPC `initialize`, `tools/call`).
 * In a user's repository the imports read `clerk-mcp-issuer` and `clerk-mcp-issuer/testing`.
 */
import assert from 'node:assert/strict';
import express, { type Express } from 'express';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpIssuer, consoleLogger } from '../../src/index.js';
import { createDevClerk, getAccessToken, GetAccessTokenError, startLoopbackServer, type DevClerk, type LoopbackServer } from '../../src/testing/index.js';

/** The user's MCP server: one tool that says who called it. */
function notesServer(): McpServer {
  const server = new McpServer({ name: 'notes', version: '1.0.0' });
  server.registerTool('whoami', { description: 'The caller' }, async ({ authInfo }) => ({
    content: [{ type: 'text', text: JSON.stringify({ userId: authInfo?.extra?.userId, scopes: authInfo?.scopes }) }],
  }));
  return server;
}

const MCP_HEADERS = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'supertest', version: '1.0.0' } },
};
const CALL_WHOAMI = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } };

/** The one JSON-RPC message of a streamable HTTP answer (a `text/event-stream` with one `data:` line). */
function rpcResult(res: request.Response): Record<string, unknown> {
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^text\/event-stream/);
  const data = res.text.split('\n').filter((line) => line.startsWith('data: '));
  assert.equal(data.length, 1, res.text);
  const message = JSON.parse(data[0].slice('data: '.length));
  assert.equal(message.error, undefined, JSON.stringify(message.error));
  return message.result;
}

describe('clerk-mcp-issuer/testing: getAccessToken in a supertest suite', () => {
  let server: LoopbackServer;
  let devClerk: DevClerk;
  let app: Express;
  let origin: string;

  before(async () => {
    // The app must listen at the origin it is configured with: the kit calls the stand-in's API there.
    server = await startLoopbackServer();
    origin = server.origin;
    devClerk = await createDevClerk({ origin });
    const issuer = await createMcpIssuer({
      issuer: origin,
      resource: `${origin}/mcp`,
      dev: true,
      clerk: devClerk.clerkOptions,
      scopes: { 'mcp:tools': 'Use the notes tools' },
      logger: consoleLogger('error'),
    });
    app = express();
    app.use(devClerk.router, issuer.router);
    app.post('/mcp', issuer.requireBearer({ scopes: ['mcp:tools'] }), express.json(), async (req, res) => {
      const mcp = notesServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close());
      await mcp.connect(transport);
      await transport.handleRequest(req, res, req.body);
    });
    server.serve(app);
  });
  after(() => server.close());

  it('a token for mcp:tools initializes the MCP session and calls the tool as alice', async () => {
    const { accessToken, clientId, scope } = await getAccessToken({ app, devClerk, scopes: ['mcp:tools'] });
    assert.equal(scope, 'mcp:tools');
    const claims = decodeJwt(accessToken);
    assert.equal(claims.iss, origin);
    assert.equal(claims.aud, `${origin}/mcp`);
    assert.equal(claims.client_id, clientId);

    const init = rpcResult(await request(app).post('/mcp').set(MCP_HEADERS).set('authorization', `Bearer ${accessToken}`).send(INITIALIZE));
    assert.deepEqual(init.serverInfo, { name: 'notes', version: '1.0.0' });

    const call = rpcResult(await request(app).post('/mcp').set(MCP_HEADERS).set('authorization', `Bearer ${accessToken}`).send(CALL_WHOAMI));
    assert.deepEqual(call.content, [{ type: 'text', text: JSON.stringify({ userId: 'user_test_alice', scopes: ['mcp:tools'] }) }]);
  });

  it('userId picks the user; baseUrl targets an app that already listens', async () => {
    const { accessToken } = await getAccessToken({ baseUrl: origin, devClerk, userId: 'user_test_bob', scopes: ['mcp:tools'] });
    const call = rpcResult(await request(app).post('/mcp').set(MCP_HEADERS).set('authorization', `Bearer ${accessToken}`).send(CALL_WHOAMI));
    assert.deepEqual(call.content, [{ type: 'text', text: JSON.stringify({ userId: 'user_test_bob', scopes: ['mcp:tools'] }) }]);
  });

  it('with openid the id_token is ours: iss = the issuer, aud = the registered client, sub = the Clerk user', async () => {
    const tokens = await getAccessToken({ app, devClerk, scopes: ['openid', 'email', 'mcp:tools'], clientName: 'my suite' });
    assert.equal(typeof tokens.refreshToken, 'string');
    const idToken = decodeJwt(tokens.idToken!);
    assert.equal(idToken.iss, origin);
    assert.equal(idToken.aud, tokens.clientId);
    assert.equal(idToken.sub, 'user_test_alice');
    assert.equal(idToken.email, 'alice@example.com');
  });

  it('no token: 401 invalid_token with the challenge that points a client at the PRM', async () => {
    const res = await request(app).post('/mcp').set(MCP_HEADERS).send(INITIALIZE);
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`);
    assert.deepEqual(res.body, { error: 'invalid_token', error_description: 'an access token is required' });
  });

  it('a token without mcp:tools: 403 insufficient_scope', async () => {
    const { accessToken, scope } = await getAccessToken({ app, devClerk, scopes: ['openid', 'email'] });
    assert.equal(scope, 'openid email');
    const res = await request(app).post('/mcp').set(MCP_HEADERS).set('authorization', `Bearer ${accessToken}`).send(INITIALIZE);
    assert.equal(res.status, 403);
    assert.equal(
      res.headers['www-authenticate'],
      `Bearer error="insufficient_scope", error_description="requires scope mcp:tools", resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"`,
    );
    assert.deepEqual(res.body, { error: 'insufficient_scope', error_description: 'requires scope mcp:tools' });
  });

  it('a scope the server does not offer: getAccessToken rejects with invalid_scope, as the client would see it', async () => {
    await assert.rejects(getAccessToken({ app, devClerk, scopes: ['notes:admin'] }), (error: unknown) => {
      assert.ok(error instanceof GetAccessTokenError);
      assert.equal(error.error, 'invalid_scope');
      assert.equal(error.message, '/authorize refused: invalid_scope: scope "notes:admin" is not offered by this server');
      return true;
    });
  });

  it('a user the stand-in does not know: rejects before any token is issued', async () => {
    await assert.rejects(getAccessToken({ app, devClerk, userId: 'user_nobody', scopes: ['mcp:tools'] }), { message: 'clerk double: no user user_nobody' });
  });
});
