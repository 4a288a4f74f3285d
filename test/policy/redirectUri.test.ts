/**
 * Redirect URI policy (pure): registration rules and exact matching with the RFC 8252 loopback port rule.
 */
import assert from 'node:assert/strict';
import { matchRedirectUri, redirectUriRegistrationProblem } from '../../src/policy/redirectUri.js';

describe('redirectUriRegistrationProblem()', () => {
  for (const ok of ['https://app.example.com/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'http://localhost:3000/cb', 'vscode://vscode.github-authentication/did-authenticate', 'cursor://anysphere.cursor-mcp/oauth/callback']) {
    it(`accepts ${ok}`, () => assert.equal(redirectUriRegistrationProblem(ok), undefined));
  }
  const bad: Array<[string, RegExp]> = [
    ['http://app.example.com/cb', /non-loopback/],
    ['https://app.example.com/cb#frag', /fragment/],
    ['https://user:pw@app.example.com/cb', /credentials/],
    ['javascript:alert(1)', /not allowed/],
    ['data:text/html,hi', /not allowed/],
    ['/relative/cb', /absolute/],
    ['https://app.example.com/cb\r\nSet-Cookie: x=1', /control characters/],
  ];
  for (const [uri, problem] of bad) {
    it(`refuses ${JSON.stringify(uri)}`, () => assert.match(redirectUriRegistrationProblem(uri) ?? '', problem));
  }
});

describe('matchRedirectUri()', () => {
  const registered = ['https://app.example.com/cb', 'http://127.0.0.1:5000/callback', 'http://localhost/cb'];
  it('matches an exact string', () => assert.equal(matchRedirectUri(registered, 'https://app.example.com/cb'), 'https://app.example.com/cb'));
  it('refuses a different path, a suffix, a trailing slash or another case', () => {
    for (const uri of ['https://app.example.com/cb/', 'https://app.example.com/cb2', 'https://app.example.com/CB', 'https://app.example.com/cb?x=1']) {
      assert.equal(matchRedirectUri(registered, uri), undefined, uri);
    }
  });
  it('lets a loopback redirect use any port (RFC 8252 §7.3)', () => {
    assert.equal(matchRedirectUri(registered, 'http://127.0.0.1:61234/callback'), 'http://127.0.0.1:5000/callback');
    assert.equal(matchRedirectUri(registered, 'http://localhost:4242/cb'), 'http://localhost/cb');
  });
  it('does not let a loopback port rule change the host or path', () => {
    assert.equal(matchRedirectUri(registered, 'http://localhost:5000/callback'), undefined);
    assert.equal(matchRedirectUri(registered, 'http://127.0.0.1:5000/other'), undefined);
  });
  it('never matches an https redirect on another port', () => assert.equal(matchRedirectUri(registered, 'https://app.example.com:444/cb'), undefined));
});
