/**
 * CORS at the MCP endpoint (SPEC §5 Bearer middleware): a browser MCP client's preflight is answered and never
 * auth-gated, and its requests (which carry `Origin`) get `Access-Control-Allow-Origin` with `WWW-Authenticate`
 * exposed, so a 401's challenge is readable from script. A client outside a browser sends no `Origin` and gets no
 * CORS headers (none are needed; the check skips that work).
 */
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness.js';

describe('CORS at the MCP endpoint (requireBearer)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('a preflight from a browser page: 204 with the allowed methods and headers, no token needed', async () => {
    const res = await fetch(h.mcpUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, mcp-protocol-version' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
  });

  it('a browser request without a token: 401 with the challenge exposed to script', async () => {
    const res = await fetch(h.mcpUrl, { method: 'POST', headers: { origin: 'https://app.example.com', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer resource_metadata="/);
  });

  it('a request without Origin (not a browser): the same 401 and challenge, no CORS headers', async () => {
    const res = await fetch(h.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer resource_metadata="/);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });
});
