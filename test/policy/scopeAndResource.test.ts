/**
 * Scope and resource policies (pure).
 */
import assert from 'node:assert/strict';
import { decideScopes, isSubset, parseScope } from '../../src/policy/scope.js';
import { isConfiguredResource, normalizeResource } from '../../src/policy/resource.js';
import { claimsForScopes } from '../../src/policy/claims.js';

const supported = new Set(['openid', 'profile', 'email', 'mcp:tools']);

describe('scope policy', () => {
  it('parses space-separated scope tokens, dropping repeats', () => assert.deepEqual(parseScope('openid  mcp:tools openid'), ['openid', 'mcp:tools']));
  it('refuses characters outside scope-token (RFC 6749 §3.3)', () => assert.equal(parseScope('openid "x"'), undefined));
  it('grants the defaults when none are requested', () => assert.deepEqual(decideScopes([], supported, ['openid', 'mcp:tools']), { scopes: ['openid', 'mcp:tools'] }));
  it('names the first unsupported scope', () => assert.deepEqual(decideScopes(['openid', 'admin'], supported, []), { unsupported: 'admin' }));
  it('a registered scope sets the default, never a ceiling: a step-up request asks beyond it (MCP scope challenge)', () => {
    assert.deepEqual(decideScopes(undefined, supported, ['openid', 'mcp:tools'], ['openid']), { scopes: ['openid'] });
    assert.deepEqual(decideScopes(['openid', 'mcp:tools'], supported, [], ['openid']), { scopes: ['openid', 'mcp:tools'] });
    assert.deepEqual(decideScopes(['openid', 'admin'], supported, [], ['openid']), { unsupported: 'admin' });
  });
  it('lets a refresh narrow but not widen', () => {
    assert.equal(isSubset(['openid'], ['openid', 'mcp:tools']), true);
    assert.equal(isSubset(['openid', 'admin'], ['openid']), false);
  });
});

describe('resource policy', () => {
  it('treats an origin with and without its trailing slash alike', () => assert.equal(isConfiguredResource('https://mcp.example.com/', 'https://mcp.example.com'), true));
  it('lowercases scheme and host and drops the default port', () => assert.equal(isConfiguredResource('HTTPS://MCP.example.com:443/mcp', 'https://mcp.example.com/mcp'), true));
  it('keeps a path trailing slash significant', () => assert.equal(isConfiguredResource('https://mcp.example.com/mcp/', 'https://mcp.example.com/mcp'), false));
  it('refuses a fragment or a relative reference', () => {
    assert.equal(normalizeResource('https://mcp.example.com/mcp#x'), undefined);
    assert.equal(normalizeResource('/mcp'), undefined);
  });
});

describe('claims released per scope', () => {
  const claims = { name: 'Alice', email: 'a@example.com', email_verified: true, org_id: 'org_1', picture: null };
  it('releases profile and email claims only with their scopes, custom claims always, nulls never', () => {
    assert.deepEqual(claimsForScopes(claims, ['openid']), { org_id: 'org_1' });
    assert.deepEqual(claimsForScopes(claims, ['openid', 'email']), { email: 'a@example.com', email_verified: true, org_id: 'org_1' });
    assert.deepEqual(claimsForScopes(claims, ['openid', 'profile', 'email']), { name: 'Alice', email: 'a@example.com', email_verified: true, org_id: 'org_1' });
  });
});
