import assert from 'node:assert/strict';
import { corsFinding, corsProblems, PROBE_ORIGIN } from '../../src/check/checks/cors.js';
import { checkHttps } from '../../src/check/checks/https.js';
import { documentOutcome } from '../../src/check/checks/jsonDocument.js';
import { insecureAllowed, request } from '../../src/check/walk/http.js';
import { networkError, response } from './support/http.js';

describe('check: transport (documents, https, CORS)', () => {
  it('documentOutcome() - 200 application/json object only; redirects, 404, HTML and arrays are not documents', () => {
    assert.deepEqual(documentOutcome(response(200, { a: 1 })), { ok: true, document: { a: 1 } });
    const redirect = documentOutcome(response(308, '', { location: 'https://h/x/' }));
    assert.equal(redirect.ok, false);
    assert.match(!redirect.ok ? redirect.problem : '', /HTTP 308 redirect to https:\/\/h\/x\/; strict clients do not follow redirects here/);
    assert.deepEqual(documentOutcome(response(404, 'no')), { ok: false, absent: true, problem: 'HTTP 404 (a document must be served with 200)' });
    assert.match(JSON.stringify(documentOutcome(response(200, '<html>', { 'content-type': 'text/html' }))), /content-type \\"text\/html\\", not application\/json/);
    assert.match(JSON.stringify(documentOutcome(response(200, [1]))), /not a JSON object/);
    assert.equal(documentOutcome(networkError()).ok, false);
  });

  it('checkHttps() - http passes on loopback only; off loopback it fails with oauth4webapi\'s words', () => {
    assert.equal(checkHttps([{ name: 'issuer', url: 'https://h' }]).status, 'pass');
    assert.equal(checkHttps([{ name: 'issuer', url: 'http://127.0.0.1:3000' }, { name: 'jwks_uri', url: 'http://localhost:3000/jwks' }]).status, 'pass');
    const plain = checkHttps([{ name: 'token_endpoint', url: 'http://mcp.example.com/token' }]);
    assert.equal(plain.status, 'fail');
    assert.match(plain.message, /token_endpoint http:\/\/mcp\.example\.com\/token; oauth4webapi: only requests to HTTPS are allowed/);
  });

  it('request() - refuses http off loopback without --insecure, as a value; a bad URL is a value too', async () => {
    assert.equal(insecureAllowed(new URL('http://[::1]:80/'), { insecure: false }), true);
    assert.equal(insecureAllowed(new URL('http://mcp.example.com/'), { insecure: true }), true);
    const refused = await request('http://mcp.example.com/mcp', {}, { timeoutMs: 1000, insecure: false });
    assert.deepEqual(refused, {
      kind: 'error',
      url: 'http://mcp.example.com/mcp',
      reason: 'insecure',
      message: 'only requests to HTTPS are allowed: http://mcp.example.com/mcp (pass --insecure to read it anyway)',
    });
    assert.equal((await request('not a url', {}, { timeoutMs: 1000, insecure: false })).kind, 'error');
  });

  it('corsProblems() - an auth-gated preflight, a missing allow-origin, an unexposed WWW-Authenticate', () => {
    const expect = { method: 'POST', requestHeaders: ['authorization', 'mcp-protocol-version'], exposeHeaders: ['www-authenticate'] };
    const goodPreflight = response(204, undefined, { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'Authorization, MCP-Protocol-Version', 'access-control-allow-methods': 'GET,POST' });
    const goodActual = response(401, {}, { 'access-control-allow-origin': PROBE_ORIGIN, 'access-control-expose-headers': 'WWW-Authenticate' });
    assert.deepEqual(corsProblems(goodPreflight, goodActual, expect), []);
    assert.equal(corsFinding('mcp.cors', 'https://h/mcp', []).status, 'pass');
    const problems = corsProblems(response(401, {}), response(401, {}), expect);
    assert.deepEqual(problems, [
      'preflight (OPTIONS) answered 401: it is auth-gated, browsers never send credentials on a preflight',
      'the 401 answer has no Access-Control-Allow-Origin',
      'www-authenticate is not in Access-Control-Expose-Headers, so a browser client cannot read it',
    ]);
    assert.equal(corsFinding('mcp.cors', 'https://h/mcp', problems).status, 'warn');
  });
});
