import assert from 'node:assert/strict';
import { checkChallenge, parseBearerChallenge } from '../../src/check/checks/challenge.js';
import { networkError, response } from './support/http.js';

const MCP = 'https://mcp.example.com/mcp';
const PRM = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';

describe('check: the 401 challenge (RFC 9728 §5.1)', () => {
  it('parseBearerChallenge() - reads quoted and token parameters as the MCP SDK does', () => {
    assert.deepEqual(parseBearerChallenge(`Bearer error="invalid_token", resource_metadata="${PRM}", scope="a b"`), { resourceMetadata: PRM, scope: 'a b', error: 'invalid_token' });
    assert.deepEqual(parseBearerChallenge(`Basic realm="x", Bearer resource_metadata=${PRM}`), { resourceMetadata: PRM, scope: undefined, error: undefined });
    assert.equal(parseBearerChallenge('Bearer'), undefined, 'a Bearer scheme needs a parameter');
    assert.equal(parseBearerChallenge('Basic realm="x"'), undefined);
    assert.equal(parseBearerChallenge(null), undefined);
  });

  it('401 + Bearer resource_metadata - pass, and the PRM URL is handed on', () => {
    const { finding, resourceMetadataUrl } = checkChallenge(response(401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer resource_metadata="${PRM}", scope="mcp:tools"` }), MCP);
    assert.equal(finding.status, 'pass');
    assert.equal(finding.rule, 'RFC 9728 §5.1');
    assert.deepEqual(finding.enforcedBy, ['MCP SDK v1', 'MCP SDK v2', 'Claude Code']);
    assert.equal(resourceMetadataUrl, PRM);
  });

  it('401 + Bearer without resource_metadata - warn (clients guess the well-known locations)', () => {
    const { finding, resourceMetadataUrl } = checkChallenge(response(401, '', { 'www-authenticate': 'Bearer realm="OAuth", error="invalid_token"' }), MCP);
    assert.equal(finding.status, 'warn');
    assert.equal(resourceMetadataUrl, undefined);
  });

  it('401 without a Bearer challenge, a relative resource_metadata, 200, 403, 302 - fail with a fix', () => {
    for (const [result, pattern] of [
      [response(401, ''), /without a Bearer challenge/],
      [response(401, '', { 'www-authenticate': 'Bearer resource_metadata="/.well-known/oauth-protected-resource"' }), /not an absolute URL/],
      [response(200, ''), /without a token/],
      [response(403, ''), /must be 401/],
      [response(302, '', { location: 'https://login.example.com' }), /redirects/],
    ] as const) {
      const { finding } = checkChallenge(result, MCP);
      assert.equal(finding.status, 'fail', finding.message);
      assert.match(finding.message, pattern);
      assert.ok(finding.fix);
    }
  });

  it('an unreachable MCP URL - a failed finding, not an exception', () => {
    const { finding } = checkChallenge(networkError(MCP), MCP);
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /ECONNREFUSED/);
  });
});
