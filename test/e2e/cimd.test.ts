/**
 * Client ID Metadata Documents end to end: the MCP SDK v1 client configured with a `clientMetadataUrl` (an
 * https document served on loopback, allowed by the dev/test allowance) gets from the 401 to a tool call with
 * no registration; then the refusals: mismatched `client_id`, missing fields, oversized document, a redirect,
 * a private address without the allowance.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startHarness, type Harness } from '../support/harness.js';
import { InMemoryOAuthProvider } from '../support/mcpOAuthProvider.js';

const REDIRECT = 'http://127.0.0.1:47319/oauth/callback';

interface DocumentServer {
  url: (path: string) => string;
  routes: Map<string, { status?: number; headers?: Record<string, string>; body: string }>;
  hits: string[];
  cert: string;
  close(): Promise<void>;
}

/** An https server on 127.0.0.1 with a self-signed certificate, serving documents by path. */
async function startDocumentServer(): Promise<DocumentServer> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const routes = new Map<string, { status?: number; headers?: Record<string, string>; body: string }>();
  const hits: string[] = [];
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    hits.push(req.url ?? '');
    const route = routes.get(req.url ?? '');
    if (!route) return void res.writeHead(404).end();
    res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `https://127.0.0.1:${port}${path}`,
    routes,
    hits,
    cert: pems.cert,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

class MetadataUrlProvider extends InMemoryOAuthProvider<OAuthClientInformationMixed, OAuthTokens, OAuthDiscoveryState> {
  constructor(readonly clientMetadataUrl: string) {
    super(REDIRECT, 'CIMD test client');
  }
}

describe('Client ID Metadata Documents', () => {
  let docs: DocumentServer;
  let h: Harness;
  before(async () => {
    docs = await startDocumentServer();
    h = await startHarness({ options: { clientIdMetadataDocuments: { allowLoopback: true, ca: docs.cert } } });
  });
  after(async () => {
    await h.close();
    await docs.close();
  });

  function publish(path: string, doc: Record<string, unknown> | string, extra: { status?: number; headers?: Record<string, string> } = {}) {
    docs.routes.set(path, { body: typeof doc === 'string' ? doc : JSON.stringify(doc), ...extra });
    return docs.url(path);
  }

  function validDocument(url: string) {
    return { client_id: url, client_name: 'CIMD Agent', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }

  it('advertises client_id_metadata_document_supported', () => assert.equal(h.issuer.metadata.client_id_metadata_document_supported, true));

  it('the MCP SDK client with a clientMetadataUrl goes from 401 to a tool call without registering', async () => {
    const url = docs.url('/clients/agent.json');
    publish('/clients/agent.json', validDocument(url), { headers: { 'cache-control': 'max-age=300' } });
    const provider = new MetadataUrlProvider(url);
    const transport = new StreamableHTTPClientTransport(new URL(h.mcpUrl), { authProvider: provider });
    await assert.rejects(new Client({ name: 'cimd', version: '1' }).connect(transport), (e: Error) => e instanceof UnauthorizedError);
    const authorizationUrl = provider.onlyAuthorizationUrl();
    assert.equal(authorizationUrl.searchParams.get('client_id'), url);
    assert.equal(provider.savedClientInformation.length <= 1, true);

    const { browser } = await h.signedInBrowser();
    assert.equal(await browser.authorize(authorizationUrl.href, 'stop'), undefined);
    assert.match(browser.lastPage!.html, /Allow <span id="client-name">CIMD Agent<\/span>/);
    assert.match(browser.lastPage!.html, /<strong id="client-host">127\.0\.0\.1:\d+<\/strong>/);
    const callback = (await browser.authorize(authorizationUrl.href, 'allow'))!;
    assert.equal(callback.searchParams.get('iss'), h.issuerUrl);
    await transport.finishAuth(callback.searchParams.get('code')!);

    const client = new Client({ name: 'cimd', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(h.mcpUrl), { authProvider: provider }));
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const who = JSON.parse((result.content as Array<{ text: string }>)[0].text);
    assert.equal(who.userId, 'user_test_alice');
    assert.equal(who.clientId, url);
    await client.close();
    // Cached per Cache-Control: the whole flow (authorize twice, token) fetched the document once.
    assert.equal(docs.hits.filter((p) => p === '/clients/agent.json').length, 1);
    const registrations = await fetch(`${h.issuerUrl}/register`, { method: 'GET' });
    assert.equal(registrations.status, 405, 'sanity: the flow above never needed /register');
  });

  async function authorizePage(clientId: string): Promise<{ status: number; location: string | null; html: string }> {
    const params = new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT,
      response_type: 'code',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      state: 's',
    });
    const res = await fetch(`${h.issuerUrl}/authorize?${params}`, { redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }

  const refusals: Array<[string, (url: string) => [Record<string, unknown> | string, { status?: number; headers?: Record<string, string> }?], RegExp]> = [
    ['a document whose client_id differs from its URL', (url) => [{ ...validDocument(url), client_id: `${url}?x` }], /does not equal its URL exactly/],
    ['a document without client_name', (url) => [{ ...validDocument(url), client_name: undefined }], /no client_name/],
    ['a document without redirect_uris', (url) => [{ ...validDocument(url), redirect_uris: undefined }], /redirect_uris must be a non-empty array/],
    ['an oversized document', (url) => [{ ...validDocument(url), padding: 'x'.repeat(10_000) }], /larger than 5120 bytes/],
    ['a redirect', () => ['', { status: 302, headers: { location: 'https://127.0.0.1/elsewhere.json' } }], /redirects are not followed/],
    ['a document that is not JSON', () => ['<html></html>', { headers: { 'content-type': 'text/html' } }], /application\/json/],
    ['a document that carries a client secret', (url) => [{ ...validDocument(url), client_secret: 'x' }], /must not carry a client secret/],
  ];
  refusals.forEach(([what, make, message], i) => {
    it(`refuses ${what}: an error page at /authorize, no redirect`, async () => {
      const path = `/refused/${i}.json`;
      const url = docs.url(path);
      const [doc, extra] = make(url);
      publish(path, doc, extra);
      const page = await authorizePage(url);
      assert.equal(page.status, 400);
      assert.equal(page.location, null);
      assert.match(page.html, message);
    });
  });

  it('refuses a loopback document without the allowance, before any request reaches it', async () => {
    const strict = await startHarness({ options: { clientIdMetadataDocuments: { ca: docs.cert } } });
    try {
      const url = publish('/private.json', validDocument(docs.url('/private.json')));
      const before = docs.hits.length;
      const params = new URLSearchParams({ client_id: url, redirect_uri: REDIRECT, response_type: 'code', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
      const res = await fetch(`${strict.issuerUrl}/authorize?${params}`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /resolves to a non-public address; refused/);
      assert.equal(docs.hits.length, before);
      // The token endpoint refuses the same client as invalid_client.
      const token = await fetch(`${strict.issuerUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: url, code: 'x', code_verifier: 'y'.repeat(43) }) });
      assert.equal(token.status, 401);
      assert.equal((await token.json()).error, 'invalid_client');
    } finally {
      await strict.close();
    }
  });

  it('refuses the loopback allowance with NODE_ENV=production', async () => {
    const saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await assert.rejects(startHarness({ options: { clientIdMetadataDocuments: { allowLoopback: true } } }), /refused with NODE_ENV=production/);
    } finally {
      process.env.NODE_ENV = saved;
    }
  });
});
