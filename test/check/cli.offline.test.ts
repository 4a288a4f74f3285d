/**
 * `check --id-token` / `--token-response`: captured tokens checked against the server's metadata, offline — the
 * seed's manual reproduction (decode the id_token, compare iss with the metadata issuer, try its signature at
 * jwks_uri, check aud and nonce), automated. The forwarded Clerk id_token fails against the kit's metadata;
 * tokens a correct server issued pass.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { CheckReport } from '../../src/check/runCheck.js';
import { startForwardingFacade } from '../fixtures/forwardingFacade.js';
import { startOAuthSurface } from '../fixtures/check/oauthSurface.js';
import { startHarness, type Harness } from '../support/harness.js';
import { runCli } from './support/checkProcess.js';

const CLIENT_ID = 'smithery-client';

const status = (report: CheckReport, id: string) => report.findings.find((f) => f.id === id)?.status;

describe('clerk-mcp-issuer check with captured tokens (offline)', () => {
  let h: Harness;
  let dir: string;
  let forwarded: { access_token: string; token_type: string; expires_in: number; id_token: string };
  before(async () => {
    h = await startHarness();
    dir = await mkdtemp(path.join(tmpdir(), 'check-offline-'));
    // The facade's token endpoint, as in the wild: it forwards what Clerk minted for the session.
    const facade = await startForwardingFacade(h.double, h.double.createSession('user_test_alice').id, CLIENT_ID);
    try {
      const res = await fetch(`${facade.issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x' }) });
      forwarded = await res.json();
    } finally {
      await facade.close();
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await h.close();
  });

  it("--id-token: a forwarded Clerk id_token against the kit's metadata fails iss, signature at jwks_uri and nonce; aud is judged too", async () => {
    const run = await runCli(['check', h.mcpUrl, '--json', '--id-token', forwarded.id_token, '--client-id', CLIENT_ID, '--nonce', 'n-0S6_WzA2Mj']);
    assert.equal(run.code, 3, run.stderr);
    const report = JSON.parse(run.stdout) as CheckReport;
    const iss = report.findings.find((f) => f.id === 'id_token.iss')!;
    assert.equal(iss.status, 'fail');
    assert.equal(
      iss.message,
      `iss "${h.double.frontendApi}" is not the issuer "${h.issuerUrl}" — a Clerk-signed id_token forwarded to the client (Clerk sets iss to its Frontend API; a JWT template cannot change it). oauth4webapi / openid-client: unexpected JWT "iss" (issuer) claim value`,
    );
    const signature = report.findings.find((f) => f.id === 'id_token.signature')!;
    assert.equal(signature.status, 'fail');
    assert.match(signature.message, new RegExp(`^not verifiable at ${h.issuerUrl}/\\.well-known/jwks\\.json: no key there matches the token's kid`));
    assert.equal(status(report, 'id_token.aud'), 'pass');
    assert.equal(status(report, 'id_token.nonce'), 'fail');
    // The server itself is fine: only the token fails.
    assert.deepEqual(report.findings.filter((f) => f.status === 'fail').map((f) => f.id), ['id_token.iss', 'id_token.nonce', 'id_token.signature']);
  });

  it('--id-token with another client_id: aud fails with oauth4webapi\'s message', async () => {
    const run = await runCli(['check', h.mcpUrl, '--json', '--id-token', forwarded.id_token, '--client-id', 'another-client']);
    const aud = (JSON.parse(run.stdout) as CheckReport).findings.find((f) => f.id === 'id_token.aud')!;
    assert.equal(aud.status, 'fail');
    assert.match(aud.message, /unexpected JWT "aud" \(audience\) claim value/);
  });

  it("--token-response FILE: the facade's response fails oauth4webapi processAuthorizationCodeResponse with the seed's exact error", async () => {
    const file = path.join(dir, 'forwarded.json');
    await writeFile(file, JSON.stringify(forwarded));
    const run = await runCli(['check', h.mcpUrl, '--token-response', file, '--client-id', CLIENT_ID]);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stdout, /^ {2}FAIL {2}oauth4webapi\.processAuthorizationCodeResponse {2}rejected: unexpected JWT "iss" \(issuer\) claim value/m);
    assert.match(run.stdout, /^ {2}FAIL {2}id_token\.iss /m);
    assert.match(run.stdout, /^ {2}FAIL {2}id_token\.signature /m);
    assert.match(run.stderr, /^clerk-mcp-issuer: 3 checks failed: oauth4webapi\.processAuthorizationCodeResponse, id_token\.iss, id_token\.signature$/m);
  });

  it('--token-response -: tokens a correct server issued pass (stdin)', async () => {
    const surface = await startOAuthSurface();
    try {
      // The fixture's flow by hand: register, authorize (no sign-in), redeem.
      const redirectUri = 'http://127.0.0.1:1/callback';
      const client = await (await fetch(`${surface.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [redirectUri] }) })).json();
      const verifier = randomBytes(32).toString('base64url');
      const authorize = new URL(`${surface.issuer}/authorize`);
      authorize.search = new URLSearchParams({ client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid mcp:tools', nonce: 'n-1', state: 's', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' }).toString();
      const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
      const tokens = await (await fetch(`${surface.issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: client.client_id }) })).json();

      const run = await runCli(['check', surface.mcpUrl, '--json', '--token-response', '-', '--client-id', client.client_id, '--nonce', 'n-1'], { input: JSON.stringify(tokens) });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = JSON.parse(run.stdout) as CheckReport;
      for (const id of ['token.response', 'oauth4webapi.processAuthorizationCodeResponse', 'id_token.iss', 'id_token.aud', 'id_token.nonce', 'id_token.signature', 'access_token.iss', 'access_token.signature']) {
        assert.equal(status(report, id), 'pass', id);
      }
    } finally {
      await surface.close();
    }
  });

  it('an unreadable or non-JSON --token-response is invalid local input (exit 2)', async () => {
    const missing = await runCli(['check', h.mcpUrl, '--token-response', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read --token-response .*nope\.json: ENOENT/);
    const notJson = path.join(dir, 'not.json');
    await writeFile(notJson, 'access_token=x');
    assert.equal((await runCli(['check', h.mcpUrl, '--token-response', notJson])).code, 2);
  });
});
