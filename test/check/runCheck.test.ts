/**
 * `runCheck()` in-process: the injectable authorization-URL hook (what the CLI prints on stderr), and the flow's
 * edges — nobody signs in, an error comes back instead of a code.
 */
import assert from 'node:assert/strict';
import { defaultScope, runCheck } from '../../src/check/runCheck.js';
import { startOAuthSurface, type OAuthSurface } from '../fixtures/check/oauthSurface.js';

describe('check: runCheck()', () => {
  let surface: OAuthSurface;
  before(async () => {
    surface = await startOAuthSurface();
  });
  after(() => surface.close());

  it('onAuthorizationUrl - the hook receives the URL; nobody signs in: callback.received fails after callbackTimeoutMs', async () => {
    let seen: URL | undefined;
    const report = await runCheck({ url: surface.mcpUrl, register: true, interactive: true, callbackTimeoutMs: 200, onAuthorizationUrl: (url) => void (seen = url) });
    assert.equal(seen?.origin + seen!.pathname, `${surface.issuer}/authorize`);
    assert.equal(seen!.searchParams.get('scope'), 'openid mcp:tools');
    const received = report.findings.find((f) => f.id === 'callback.received')!;
    assert.equal(received.status, 'fail');
    assert.match(received.message, /^no authorization response at http:\/\/127\.0\.0\.1:\d+\/callback within 200 ms$/);
    assert.equal(report.ok, false);
  });

  it('an error on the callback (consent denied): callback.error and validateAuthResponse fail, no token request', async () => {
    const report = await runCheck({
      url: surface.mcpUrl,
      register: true,
      interactive: true,
      callbackTimeoutMs: 5000,
      onAuthorizationUrl: async (url) => {
        const callback = new URL(url.searchParams.get('redirect_uri')!);
        callback.search = new URLSearchParams({ error: 'access_denied', state: url.searchParams.get('state')!, iss: surface.issuer }).toString();
        await fetch(callback);
      },
    });
    const byId = Object.fromEntries(report.findings.map((f) => [f.id, f]));
    assert.equal(byId['callback.error'].message, 'error=access_denied');
    assert.equal(byId['oauth4webapi.validateAuthResponse'].message, 'rejected: authorization response from the server is an error: access_denied');
    assert.equal(byId['token.response'], undefined);
  });

  it('read-only by default: no registration, no flow', async () => {
    const report = await runCheck({ url: surface.mcpUrl });
    assert.equal(report.ok, true);
    assert.equal(report.findings.some((f) => f.id.startsWith('dcr.') || f.id.startsWith('callback.')), false);
  });

  it('defaultScope() - openid when offered, plus the PRM scopes without offline_access', () => {
    assert.equal(defaultScope({ scopes_supported: ['mcp:tools', 'offline_access'] }, { scopes_supported: ['openid', 'mcp:tools'] }), 'openid mcp:tools');
    assert.equal(defaultScope({ scopes_supported: ['mcp:tools'] }, { scopes_supported: ['mcp:tools'] }), 'mcp:tools');
    assert.equal(defaultScope(undefined, undefined), 'openid');
  });
});
