import assert from 'node:assert/strict';
import { checkRegistrationResponse } from '../../src/check/checks/registration.js';
import { registrationRequest } from '../../src/check/walk/register.js';
import { networkError, response } from './support/http.js';

const ENDPOINT = 'https://mcp.example.com/register';
const SENT = registrationRequest('http://127.0.0.1:53682/callback', 'openid mcp:tools');
const ECHO = { ...SENT, client_id: 'abc_DEF-123', client_id_issued_at: 1_700_000_000 };
const NO_STORE = { 'cache-control': 'no-store' };

const statuses = (findings: { id: string; status: string }[]) => Object.fromEntries(findings.map((f) => [f.id, f.status]));

describe('check: dynamic client registration response (RFC 7591 §3.2.1)', () => {
  it('201 with the metadata echoed, no-store, [A-Za-z0-9_-] client_id: every check passes', () => {
    const { findings, client } = checkRegistrationResponse(response(201, ECHO, NO_STORE), SENT, ENDPOINT);
    assert.deepEqual(statuses(findings), {
      'dcr.status': 'pass',
      'dcr.no_store': 'pass',
      'dcr.client_id': 'pass',
      'dcr.echo': 'pass',
      'dcr.credentials': 'pass',
      'dcr.client_secret_expires_at': 'pass',
    });
    assert.equal(client?.client_id, 'abc_DEF-123');
  });

  it('200 fails with oauth4webapi\'s message, and the client is still read for the rest of the walk', () => {
    const { findings, client } = checkRegistrationResponse(response(200, ECHO, NO_STORE), SENT, ENDPOINT);
    const status = findings.find((f) => f.id === 'dcr.status')!;
    assert.equal(status.status, 'fail');
    assert.equal(status.message, 'HTTP 200, not 201; oauth4webapi: "response" is not a conform Dynamic Client Registration Endpoint response (unexpected HTTP status code)');
    assert.deepEqual(status.enforcedBy, ['oauth4webapi', 'openid-client', 'Smithery']);
    assert.equal(client?.client_id, 'abc_DEF-123');
  });

  it('400 invalid_redirect_uri fails with the server\'s error and stops', () => {
    const { findings, client } = checkRegistrationResponse(response(400, { error: 'invalid_redirect_uri', error_description: 'loopback only with https' }), SENT, ENDPOINT);
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^HTTP 400: invalid_redirect_uri \(loopback only with https\)/);
    assert.equal(client, undefined);
  });

  it('redirect_uris not echoed fails (the MCP SDK schema requires it); other members not echoed warn', () => {
    const { redirect_uris: _r, ...noRedirects } = ECHO;
    assert.equal(statuses(checkRegistrationResponse(response(201, noRedirects, NO_STORE), SENT, ENDPOINT).findings)['dcr.echo'], 'fail');
    const { grant_types: _g, ...noGrants } = ECHO;
    const partial = checkRegistrationResponse(response(201, noGrants, NO_STORE), SENT, ENDPOINT).findings.find((f) => f.id === 'dcr.echo')!;
    assert.equal(partial.status, 'warn');
    assert.equal(partial.message, 'grant_types not echoed');
  });

  it('a client_secret without client_secret_expires_at fails; credentials outside [A-Za-z0-9_-] with a secret fail', () => {
    const secret = checkRegistrationResponse(response(201, { ...ECHO, client_secret: 's3cr3t' }, NO_STORE), SENT, ENDPOINT).findings;
    assert.equal(statuses(secret)['dcr.client_secret_expires_at'], 'fail');
    assert.match(secret.find((f) => f.id === 'dcr.client_secret_expires_at')!.message, /"client_secret_expires_at" property must be a number/);
    assert.match(secret.find((f) => f.id === 'dcr.echo')!.message, /client_secret was issued to a client that registered token_endpoint_auth_method "none"/);
    const odd = checkRegistrationResponse(response(201, { ...ECHO, client_secret: 'a+b/c=', client_secret_expires_at: 0 }, NO_STORE), SENT, ENDPOINT).findings;
    assert.equal(statuses(odd)['dcr.credentials'], 'fail');
    const publicOdd = checkRegistrationResponse(response(201, { ...ECHO, client_id: 'app:1' }, NO_STORE), SENT, ENDPOINT).findings;
    assert.equal(statuses(publicOdd)['dcr.credentials'], 'warn');
  });

  it('no Cache-Control: no-store warns; an unreachable endpoint is a failed finding', () => {
    assert.equal(statuses(checkRegistrationResponse(response(201, ECHO), SENT, ENDPOINT).findings)['dcr.no_store'], 'warn');
    assert.equal(checkRegistrationResponse(networkError(ENDPOINT), SENT, ENDPOINT).findings[0].status, 'fail');
  });
});
