import assert from 'node:assert/strict';
import { checkAuthorizationResponse } from '../../src/check/checks/authorizationResponse.js';

const ISSUER = 'https://mcp.example.com';
const expect = { issuer: ISSUER, state: 'st-1', issParameterSupported: true };
const check = (query: string, e = expect) => Object.fromEntries(checkAuthorizationResponse(new URLSearchParams(query), e).map((f) => [f.id, f]));

describe('check: the authorization response at the redirect URI (RFC 9207, RFC 6749 §4.1.2)', () => {
  it('code, state and our iss, once each: pass', () => {
    const findings = check(`code=c&state=st-1&iss=${encodeURIComponent(ISSUER)}`);
    assert.deepEqual(Object.values(findings).map((f) => [f.id, f.status]), [
      ['callback.single', 'pass'],
      ['callback.iss', 'pass'],
      ['callback.state', 'pass'],
      ['callback.error', 'pass'],
    ]);
  });

  it('Clerk\'s iss on the callback fails with the RFC 9207 errors of oauth4webapi and the MCP SDK v2', () => {
    const iss = check(`code=c&state=st-1&iss=${encodeURIComponent('https://clerk.example.com')}`)['callback.iss'];
    assert.equal(iss.status, 'fail');
    assert.equal(iss.rule, 'RFC 9207 §2.4');
    assert.match(iss.message, /unexpected "iss" \(issuer\) response parameter value/);
    assert.match(iss.message, /Issuer mismatch in authorization response \(RFC 9207\)/);
    assert.match(iss.message, /Clerk answered the callback/);
  });

  it('iss missing fails when advertised, passes when not (RFC 9207 §2.4)', () => {
    assert.equal(check('code=c&state=st-1')['callback.iss'].status, 'fail');
    assert.equal(check('code=c&state=st-1', { ...expect, issParameterSupported: false })['callback.iss'].status, 'pass');
  });

  it('iss with a trailing slash is not the issuer: simple string comparison', () => {
    assert.equal(check(`code=c&state=st-1&iss=${encodeURIComponent(`${ISSUER}/`)}`)['callback.iss'].status, 'fail');
  });

  it('state missing or altered, a repeated parameter, an error response: fail', () => {
    const iss = `iss=${encodeURIComponent(ISSUER)}`;
    assert.match(check(`code=c&${iss}`)['callback.state'].message, /response parameter "state" missing/);
    assert.match(check(`code=c&state=other&${iss}`)['callback.state'].message, /unexpected "state" response parameter value/);
    assert.match(check(`code=c&code=d&state=st-1&${iss}`)['callback.single'].message, /"code" parameter must be provided only once/);
    const denied = check(`error=access_denied&error_description=no&state=st-1&${iss}`)['callback.error'];
    assert.equal(denied.status, 'fail');
    assert.equal(denied.message, 'error=access_denied (no)');
  });
});
