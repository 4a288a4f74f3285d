import assert from 'node:assert/strict';
import {
  checkPrmAuthorizationServers,
  checkPrmConsistent,
  checkPrmLocations,
  checkPrmResource,
  checkPrmScopes,
  resourceVerdicts,
} from '../../src/check/checks/protectedResourceMetadata.js';
import { response } from './support/http.js';

const MCP = 'https://mcp.example.com/mcp';
const PATH = 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp';
const ROOT = 'https://mcp.example.com/.well-known/oauth-protected-resource';
const DOC = { resource: MCP, authorization_servers: ['https://mcp.example.com'], scopes_supported: ['mcp:tools'] };
const served = (document: Record<string, unknown>, urls = [PATH]) => ({ urls, document });

describe('check: protected resource metadata (RFC 9728)', () => {
  it('checkPrmLocations() - both locations served: pass each, one distinct document with both URLs', () => {
    const { findings, documents } = checkPrmLocations([
      { id: 'prm.path', url: PATH, result: response(200, DOC) },
      { id: 'prm.root', url: ROOT, result: response(200, DOC) },
    ]);
    assert.deepEqual(findings.map((f) => [f.id, f.status]), [['prm.path', 'pass'], ['prm.root', 'pass']]);
    assert.deepEqual(documents, [{ urls: [PATH, ROOT], document: DOC }]);
  });

  it('checkPrmLocations() - root missing while the path-aware one works: warn, not fail', () => {
    const { findings } = checkPrmLocations([
      { id: 'prm.path', url: PATH, result: response(200, DOC) },
      { id: 'prm.root', url: ROOT, result: response(404, 'Not Found') },
    ]);
    assert.deepEqual(findings.map((f) => f.status), ['pass', 'warn']);
  });

  it('checkPrmLocations() - nothing served anywhere: every location fails', () => {
    const { findings, documents } = checkPrmLocations([
      { id: 'prm.path', url: PATH, result: response(404, '') },
      { id: 'prm.root', url: ROOT, result: response(404, '') },
    ]);
    assert.deepEqual(findings.map((f) => f.status), ['fail', 'fail']);
    assert.equal(documents.length, 0);
  });

  it('checkPrmLocations() - the challenge URL not served: fail (the client fetches only that URL)', () => {
    const { findings } = checkPrmLocations([
      { id: 'prm.challenge', url: `${PATH}x`, result: response(404, '') },
      { id: 'prm.path', url: PATH, result: response(200, DOC) },
    ]);
    assert.equal(findings[0].status, 'fail');
  });

  it('checkPrmLocations() - a redirect is not a document (strict clients do not follow it)', () => {
    const { findings } = checkPrmLocations([{ id: 'prm.root', url: ROOT, result: response(301, '', { location: `${ROOT}/` }) }]);
    assert.equal(findings[0].status, 'fail');
    assert.match(findings[0].message, /redirect to .*strict clients do not follow/);
  });

  it('resourceVerdicts() - how VS Code, oauth4webapi and the MCP SDK compare resource with the MCP URL', () => {
    const verdict = (resource: string) => Object.fromEntries(resourceVerdicts(resource, MCP).map((v) => [v.client, v.accepts]));
    assert.deepEqual(verdict(MCP), { 'VS Code': true, oauth4webapi: true, 'MCP SDK': true });
    assert.deepEqual(verdict(`${MCP}/`), { 'VS Code': false, oauth4webapi: false, 'MCP SDK': false });
    assert.deepEqual(verdict('https://mcp.example.com'), { 'VS Code': false, oauth4webapi: false, 'MCP SDK': true });
    assert.deepEqual(verdict('https://MCP.example.com/mcp'), { 'VS Code': false, oauth4webapi: true, 'MCP SDK': true });
  });

  it('checkPrmResource() - a trailing slash fails with each client\'s error', () => {
    const finding = checkPrmResource(served({ ...DOC, resource: `${MCP}/` }), MCP);
    assert.equal(finding.status, 'fail');
    assert.equal(finding.rule, 'RFC 9728 §3.3');
    assert.match(finding.message, /\(trailing slash\)/);
    assert.match(finding.message, /VS Code: Protected Resource Metadata resource "https:\/\/mcp\.example\.com\/mcp\/" does not match MCP server resolved resource "https:\/\/mcp\.example\.com\/mcp"/);
    assert.match(finding.message, /oauth4webapi: "response" body "resource" property does not match the expected value/);
    assert.equal(finding.fix, `serve "resource": "${MCP}" exactly, and use that string as the access tokens' aud`);
  });

  it('checkPrmResource() - the origin instead of the MCP URL fails, noting the MCP SDK accepts it', () => {
    const finding = checkPrmResource(served({ ...DOC, resource: 'https://mcp.example.com' }), MCP);
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /the origin, not the MCP endpoint/);
    assert.match(finding.message, /\(MCP SDK accepts it\)/);
  });

  it('checkPrmAuthorizationServers() - the first entry is the issuer; empty, relative or with a query fails', () => {
    assert.equal(checkPrmAuthorizationServers(served(DOC)).issuer, 'https://mcp.example.com');
    for (const servers of [undefined, [], ['/as'], ['https://as.example.com?x=1']]) {
      const { finding, issuer } = checkPrmAuthorizationServers(served({ ...DOC, authorization_servers: servers }));
      assert.equal(finding.status, 'fail', JSON.stringify(servers));
      assert.equal(issuer, undefined);
    }
  });

  it('checkPrmScopes() - offline_access in the PRM scopes warns (MCP 2026-07-28)', () => {
    assert.equal(checkPrmScopes(served(DOC)).status, 'pass');
    assert.equal(checkPrmScopes(served({ ...DOC, scopes_supported: ['mcp:tools', 'offline_access'] })).status, 'warn');
  });

  it('checkPrmConsistent() - different documents at different locations warn', () => {
    assert.equal(checkPrmConsistent([served(DOC, [PATH, ROOT])])?.status, 'pass');
    assert.equal(checkPrmConsistent([served(DOC)]), undefined);
    const other = served({ ...DOC, resource: 'https://mcp.example.com' }, [ROOT]);
    assert.equal(checkPrmConsistent([served(DOC), other])?.status, 'warn');
  });
});
