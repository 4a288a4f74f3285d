import assert from 'node:assert/strict';
import {
  checkAsConsistent,
  checkAsDocument,
  checkAsLocations,
  checkIdTokenAlgs,
  checkIssParameter,
  checkIssuer,
  checkNoNullOrEmpty,
  checkPkce,
  checkRegistration,
  checkRequiredMembers,
  looksLikeClerk,
} from '../../src/check/checks/authorizationServerMetadata.js';
import { response } from './support/http.js';

const ISSUER = 'https://mcp.example.com';
const RFC8414 = 'https://mcp.example.com/.well-known/oauth-authorization-server';
const OIDC = 'https://mcp.example.com/.well-known/openid-configuration';
const METADATA = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  registration_endpoint: `${ISSUER}/register`,
  jwks_uri: `${ISSUER}/.well-known/jwks.json`,
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
  authorization_response_iss_parameter_supported: true,
};
const doc = (document: Record<string, unknown>, oidc = false) => ({ urls: [RFC8414], document, oidc });

describe('check: authorization server metadata (RFC 8414, OIDC Discovery)', () => {
  it('checkAsDocument() - the kit-shaped document passes every check', () => {
    const findings = checkAsDocument(doc(METADATA, true), ISSUER);
    assert.deepEqual(
      findings.map((f) => [f.id, f.status]),
      [
        ['as.issuer', 'pass'],
        ['as.required', 'pass'],
        ['as.pkce', 'pass'],
        ['as.iss_parameter', 'pass'],
        ['as.registration', 'pass'],
        ['as.no_null_or_empty', 'pass'],
        ['as.id_token_alg', 'pass'],
      ],
    );
  });

  it('checkIssuer() - Clerk\'s issuer at our origin fails with the MCP SDK v2 and oauth4webapi errors (RFC 8414 §3.3)', () => {
    const finding = checkIssuer(doc({ ...METADATA, issuer: 'https://clerk.example.com' }), ISSUER);
    assert.equal(finding.status, 'fail');
    assert.equal(finding.rule, 'RFC 8414 §3.3');
    assert.deepEqual(finding.enforcedBy, ['MCP SDK v2', 'oauth4webapi', 'openid-client', 'Claude Code', 'Codex']);
    assert.match(finding.message, /Issuer mismatch in authorization server metadata \(RFC 8414 §3\.3\): expected "https:\/\/mcp\.example\.com", received "https:\/\/clerk\.example\.com"/);
    assert.match(finding.message, /"response" body "issuer" property does not match the expected value/);
    assert.match(finding.message, /Clerk Frontend API URL/);
  });

  it('checkIssuer() - a trailing slash the PRM entry lacks fails (byte identity), even where normalising clients accept it', () => {
    const finding = checkIssuer(doc({ ...METADATA, issuer: `${ISSUER}/` }), ISSUER);
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /MCP SDK v2: Issuer mismatch/);
    assert.doesNotMatch(finding.message, /oauth4webapi/, 'oauth4webapi compares normalised URLs: https://h/ equals https://h');
  });

  it('checkIssuer() - for a path issuer a trailing slash breaks every client', () => {
    const finding = checkIssuer(doc({ ...METADATA, issuer: `${ISSUER}/tenant/` }), `${ISSUER}/tenant`);
    assert.match(finding.message, /MCP SDK v2/);
    assert.match(finding.message, /oauth4webapi/);
  });

  it('checkRequiredMembers() - RFC 8414 §2 members, plus the OIDC ones when served as OIDC discovery', () => {
    assert.equal(checkRequiredMembers(doc(METADATA, true)).status, 'pass');
    const noCode = checkRequiredMembers(doc({ ...METADATA, response_types_supported: ['token'] }));
    assert.equal(noCode.status, 'fail');
    assert.match(noCode.message, /Incompatible auth server: does not support response type code/);
    const { jwks_uri: _jwks, subject_types_supported: _subjects, ...oauthOnly } = METADATA;
    assert.equal(checkRequiredMembers(doc(oauthOnly, false)).status, 'pass');
    const asOidc = checkRequiredMembers(doc(oauthOnly, true));
    assert.equal(asOidc.status, 'fail');
    assert.match(asOidc.message, /jwks_uri .*subject_types_supported missing/);
    assert.equal(checkRequiredMembers(doc({ ...METADATA, token_endpoint: '/token' })).status, 'fail');
  });

  it('checkPkce() - absent and without S256 fail; ["S256"] passes', () => {
    assert.equal(checkPkce(doc(METADATA)).status, 'pass');
    const { code_challenge_methods_supported: _m, ...none } = METADATA;
    const absent = checkPkce(doc(none));
    assert.equal(absent.status, 'fail');
    assert.match(absent.message, /absent: RFC 8414 reads that as "no PKCE"/);
    const plain = checkPkce(doc({ ...METADATA, code_challenge_methods_supported: ['plain'] }));
    assert.equal(plain.status, 'fail');
    assert.match(plain.message, /Incompatible auth server: does not support code challenge method S256/);
  });

  it('checkIssParameter() - not advertised warns (RFC 9207 §3)', () => {
    assert.equal(checkIssParameter(doc(METADATA)).status, 'pass');
    assert.equal(checkIssParameter(doc({ ...METADATA, authorization_response_iss_parameter_supported: false })).status, 'warn');
  });

  it('checkRegistration() - registration_endpoint or CIMD; neither warns', () => {
    const { registration_endpoint: _r, ...none } = METADATA;
    assert.equal(checkRegistration(doc(METADATA)).status, 'pass');
    assert.equal(checkRegistration(doc({ ...none, client_id_metadata_document_supported: true })).status, 'pass');
    assert.equal(checkRegistration(doc(none)).status, 'warn');
  });

  it('checkNoNullOrEmpty() - null fails, [] warns (RFC 8414 §3.2)', () => {
    assert.equal(checkNoNullOrEmpty(doc(METADATA)).status, 'pass');
    const nulls = checkNoNullOrEmpty(doc({ ...METADATA, revocation_endpoint: null, scopes_supported: [] }));
    assert.equal(nulls.status, 'fail');
    assert.equal(nulls.message, 'null members: revocation_endpoint; empty arrays: scopes_supported');
    assert.equal(checkNoNullOrEmpty(doc({ ...METADATA, scopes_supported: [] })).status, 'warn');
  });

  it('checkIdTokenAlgs() - RS256 must be listed when the list exists', () => {
    assert.equal(checkIdTokenAlgs(doc(METADATA))?.status, 'pass');
    assert.equal(checkIdTokenAlgs(doc({ ...METADATA, id_token_signing_alg_values_supported: ['ES256'] }))?.status, 'warn');
    const { id_token_signing_alg_values_supported: _a, ...none } = METADATA;
    assert.equal(checkIdTokenAlgs(doc(none)), undefined);
  });

  it('checkAsLocations() - metadata only at the root for a path issuer fails, naming the path-inserted URL', () => {
    const issuer = `${ISSUER}/tenant`;
    const { findings, documents } = checkAsLocations(issuer, [
      { kind: 'rfc8414', url: `${RFC8414}/tenant`, result: response(404, '') },
      { kind: 'oidc', url: `${ISSUER}/tenant/.well-known/openid-configuration`, result: response(404, '') },
      { kind: 'oidc-inserted', url: `${OIDC}/tenant`, result: response(404, '') },
      { kind: 'root', url: RFC8414, result: response(200, { ...METADATA, issuer }) },
    ]);
    const rfc8414 = findings.find((f) => f.id === 'as.rfc8414')!;
    assert.equal(rfc8414.status, 'fail');
    assert.match(rfc8414.message, /only at the root https:\/\/mcp\.example\.com\/\.well-known\/oauth-authorization-server, but the issuer "https:\/\/mcp\.example\.com\/tenant" has a path/);
    assert.equal(rfc8414.fix, `serve the metadata at ${RFC8414}/tenant (and OIDC discovery at the path-appended URL)`);
    assert.equal(findings.find((f) => f.id === 'as.oidc')!.status, 'fail');
    assert.equal(documents.length, 0, 'a document at a location clients never fetch is not used');
  });

  it('checkAsLocations() - only RFC 8414 served: OIDC discovery warns (openid-client default), one document', () => {
    const { findings, documents } = checkAsLocations(ISSUER, [
      { kind: 'rfc8414', url: RFC8414, result: response(200, METADATA) },
      { kind: 'oidc', url: OIDC, result: response(404, '') },
    ]);
    assert.deepEqual(findings.map((f) => [f.id, f.status]), [['as.rfc8414', 'pass'], ['as.oidc', 'warn']]);
    assert.deepEqual(documents, [{ urls: [RFC8414], document: METADATA, oidc: false }]);
  });

  it('checkAsLocations() - the same document at both locations is one document, served as OIDC too', () => {
    const { documents } = checkAsLocations(ISSUER, [
      { kind: 'rfc8414', url: RFC8414, result: response(200, METADATA) },
      { kind: 'oidc', url: OIDC, result: response(200, METADATA) },
    ]);
    assert.deepEqual(documents, [{ urls: [RFC8414, OIDC], document: METADATA, oidc: true }]);
    assert.equal(checkAsConsistent(documents)?.status, 'pass');
  });

  it('checkAsConsistent() - documents disagreeing on endpoints warn', () => {
    const finding = checkAsConsistent([doc(METADATA), { urls: [OIDC], document: { ...METADATA, jwks_uri: 'https://clerk.example.com/.well-known/jwks.json' }, oidc: true }]);
    assert.equal(finding?.status, 'warn');
    assert.match(finding!.message, /differ in jwks_uri/);
  });

  it('looksLikeClerk() - Clerk Frontend API hosts', () => {
    assert.equal(looksLikeClerk('https://clerk.onkernel.com'), true);
    assert.equal(looksLikeClerk('https://happy-cat-12.clerk.accounts.dev'), true);
    assert.equal(looksLikeClerk('https://higgsfield.ai/_clerk'), true);
    assert.equal(looksLikeClerk('https://mcp.onkernel.com'), false);
  });
});
