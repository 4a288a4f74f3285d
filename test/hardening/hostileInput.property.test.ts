/**
 * Hostile input, generated: at least 1,200 malformed requests per run across every endpoint (wrong methods and
 * content types, repeated and overlong parameters, non-UTF-8 bytes, header-injection attempts, JSON where a form
 * is expected and the reverse, absurd numbers, garbage credentials). For each: no 5xx, every JSON error
 * RFC-shaped, no `Location` anywhere but a registered redirect URI or the configured sign-in page; no unhandled
 * rejection; and afterwards the server still serves a full valid flow.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as oauth from 'oauth4webapi';
import { startHarness, type Harness } from '../support/harness.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const REDIRECT = 'http://127.0.0.1:41234/cb';
const RUNS = 1200;

/** Each endpoint with the methods it serves: most runs use those, so they reach the endpoint's own checks. */
const ENDPOINTS: Record<string, string[]> = {
  '/authorize': ['GET', 'POST'],
  '/token': ['POST'],
  '/register': ['POST'],
  '/revoke': ['POST'],
  '/userinfo': ['GET', 'POST'],
  '/mcp': ['POST'],
  '/.well-known/oauth-authorization-server': ['GET'],
  '/.well-known/openid-configuration': ['GET'],
  '/.well-known/oauth-protected-resource/mcp': ['GET'],
  '/.well-known/jwks.json': ['GET'],
};
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const request = fc.constantFrom(...Object.keys(ENDPOINTS)).chain((path) =>
  fc.tuple(fc.constant(path), fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ENDPOINTS[path]) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) })),
);
const PARAM_NAMES = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'resource', 'nonce', 'prompt', 'max_age', 'grant_type', 'code', 'code_verifier', 'refresh_token', 'token', 'token_type_hint', 'client_secret', 'request', 'response_mode', 'decision', 'csrf_token', 'redirect_uris', 'x'];

describe('hostile input (property-based)', function () {
  this.timeout(180_000);
  let h: Harness;
  let clientId: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async () => {
    h = await startHarness();
    process.on('unhandledRejection', onUnhandled);
    const res = await fetch(`${h.issuerUrl}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }) });
    clientId = (await res.json()).client_id;
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await h.close();
  });

  /** Strings that attack parsers and headers, mixed with plausible values. */
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('code', 'S256', 'plain', 'openid mcp:tools', 'none', 'login consent', '-1', '1e309', '99999999999999999999', 'NaN', '', ' '),
    fc.constantFrom('authorization_code', 'refresh_token', 'access_token', 'allow', 'deny', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'a.b.c'),
    fc.constantFrom(`${REDIRECT}\r\nLocation: https://evil.example`, 'https://evil.example/cb', 'javascript:alert(1)', '%E0%A4%A', '%ff%fe', '\u0000', '<script>x</script>', '"quoted"', '../../etc/passwd'),
    fc.constant('x'.repeat(5000)),
  );
  const param = fc.tuple(fc.constantFrom(...PARAM_NAMES), value);
  // grant_type first and valid half the time, so the token endpoint's grant code runs, not only its guards.
  const grantType = fc.option(fc.constantFrom('authorization_code', 'refresh_token'), { nil: undefined });
  const params = fc.tuple(grantType, fc.array(param, { maxLength: 12 })).map(([g, list]) => (g ? [['grant_type', g] as [string, string], ...list] : list));
  // Well-formed forms half the time: malformed requests that pass the parsers are the ones that reach grant code.
  const bodyKind = fc.oneof({ weight: 8, arbitrary: fc.constant('form') }, { weight: 8, arbitrary: fc.constantFrom('none', 'json', 'json-as-form', 'form-as-json', 'text', 'latin1', 'bytes', 'huge') });
  const authorization = fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    fc.oneof(fc.constantFrom('Basic', 'Basic !!!', 'Bearer', 'Bearer a.b.c', 'Basic Og==', 'Basic JQ==:JQ=='), fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`), fc.string({ maxLength: 60 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`)),
  );
  const useRealClient = fc.boolean();

  function build(method: string, path: string, list: Array<[string, string]>, kind: string, auth: string | undefined, real: boolean) {
    const entries = real ? [['client_id', clientId] as [string, string], ['redirect_uri', REDIRECT] as [string, string], ...list] : list;
    const search = new URLSearchParams(entries);
    const headers: Record<string, string> = {};
    if (auth !== undefined && /^[\x20-\x7e]*$/.test(auth)) headers.authorization = auth;
    let body: string | Buffer | undefined;
    const canHaveBody = method !== 'GET' && method !== 'HEAD';
    if (canHaveBody && kind !== 'none') {
      const form = search.toString();
      const json = JSON.stringify(Object.fromEntries(entries));
      switch (kind) {
        case 'form': headers['content-type'] = 'application/x-www-form-urlencoded'; body = form; break;
        case 'json': headers['content-type'] = 'application/json'; body = json; break;
        case 'json-as-form': headers['content-type'] = 'application/x-www-form-urlencoded'; body = json; break;
        case 'form-as-json': headers['content-type'] = 'application/json'; body = form; break;
        case 'text': headers['content-type'] = 'text/plain'; body = form; break;
        case 'latin1': headers['content-type'] = 'application/x-www-form-urlencoded; charset=latin1'; body = form; break;
        case 'bytes': headers['content-type'] = 'application/x-www-form-urlencoded'; body = Buffer.from([0xff, 0xfe, 0x3d, 0xc3, 0x28, 0x26, 0x80]); break;
        case 'huge': headers['content-type'] = 'application/x-www-form-urlencoded'; body = `a=${'z'.repeat(200_000)}`; break;
      }
    }
    const query = method === 'GET' || method === 'HEAD' || kind === 'none' ? `?${search}` : '';
    return { url: `${h.origin}${path}${query}`, init: { method, headers, body: body as BodyInit | undefined, redirect: 'manual' as const } };
  }

  it(`answers ${RUNS} generated malformed requests without a 5xx, with RFC-shaped errors and safe redirects`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, params, bodyKind, authorization, useRealClient, async ([path, method], list, kind, auth, real) => {
        const { url, init } = build(method, path, list, kind, auth, real);
        const res = await fetch(url, init);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        assert.ok(res.status < 500, `${method} ${path} (${kind}) → ${res.status} ${text.slice(0, 200)}`);
        const location = res.headers.get('location');
        if (location !== null) {
          const target = new URL(location, h.origin);
          const allowed = [REDIRECT, `${h.origin}/sign-in`].includes(`${target.origin}${target.pathname}`);
          assert.ok(allowed, `${method} ${path} redirected to ${location}`);
        }
        if (res.status >= 400 && /^application\/json/.test(res.headers.get('content-type') ?? '') && method !== 'HEAD') {
          const body = JSON.parse(text);
          assert.equal(typeof body.error, 'string', text);
          assert.ok(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(body.error), `error code charset (RFC 6749 §5.2): ${body.error}`);
          for (const key of Object.keys(body)) assert.ok(key === 'error' || key === 'error_description' || key === 'error_uri', `unexpected member ${key}`);
          if (body.error_description !== undefined) assert.equal(typeof body.error_description, 'string');
        }
      }),
      { numRuns: RUNS },
    );
    assert.equal(unhandled.length, 0, `unhandled rejections: ${unhandled.map(String).join('; ')}`);
    if (process.env.DEBUG_FUZZ) console.log(JSON.stringify([...statuses]));
    // The runs really reached the endpoints' own checks, not only the method guard.
    for (const status of [200, 302, 400, 401, 405]) assert.ok((statuses.get(status) ?? 0) > 10, `saw ${status}: ${JSON.stringify([...statuses])}`);
  });

  it('still serves a full valid flow afterwards', async () => {
    const issuer = new URL(h.issuerUrl);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    const client: oauth.Client = { client_id: clientId, token_endpoint_auth_method: 'none' };
    const verifier = oauth.generateRandomCodeVerifier();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid mcp:tools', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, state: 'after' }).toString();
    const { browser } = await h.signedInBrowser();
    const params = oauth.validateAuthResponse(as, client, (await browser.authorize(url.href))!, 'after');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, insecure), { expectedNonce: nonce });
    const mcp = await fetch(h.mcpUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    assert.equal(mcp.status, 200);
  });
});
