/**
 * `clerk-mcp-issuer check` against this package's own server (the harness: the kit mounted on Express, the Clerk
 * double behind it), run as a subprocess the way a user runs it. Every check passes — read-only, and with
 * `--register --interactive` while the test signs in and consents through the kit's pages.
 */
import assert from 'node:assert/strict';
import { CHECKS } from '../../src/check/catalogue.js';
import type { CheckReport } from '../../src/check/runCheck.js';
import { startHarness, type Harness } from '../support/harness.js';
import { runCli, spawnCheck } from './support/checkProcess.js';

describe('clerk-mcp-issuer check against the kit', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('read-only: every check passes, one line each, exit 0', async () => {
    const run = await runCli(['check', h.mcpUrl]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^clerk-mcp-issuer check ${h.mcpUrl}\n`));
    assert.match(run.stdout, /\n\d+ checks: (\d+) pass, 0 warn, 0 fail\n$/);
    const lines = run.stdout.split('\n').filter((l) => /^ {2}(pass|WARN|FAIL) /.test(l));
    assert.ok(lines.length >= 20, `${lines.length} findings`);
    assert.ok(lines.every((l) => l.startsWith('  pass ')), lines.filter((l) => !l.startsWith('  pass ')).join('\n'));
    assert.equal(run.stderr, '');
  });

  it('--json: parses, ok, and holds every read-only check with its rule and enforcing clients', async () => {
    const run = await runCli(['check', h.mcpUrl, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as CheckReport;
    assert.equal(report.ok, true);
    assert.equal(report.url, h.mcpUrl);
    assert.equal(report.issuer, h.issuerUrl);
    assert.deepEqual(report.summary, { pass: report.findings.length, warn: 0, fail: 0 });
    const ids = new Set(report.findings.map((f) => f.id));
    for (const id of Object.keys(CHECKS).filter((id) => ['resource', 'server'].includes(CHECKS[id as keyof typeof CHECKS].section))) {
      assert.ok(ids.has(id as keyof typeof CHECKS), `${id} reported`);
    }
    const issuer = report.findings.find((f) => f.id === 'as.issuer')!;
    assert.deepEqual(issuer, {
      id: 'as.issuer',
      status: 'pass',
      rule: 'RFC 8414 §3.3',
      enforcedBy: ['MCP SDK v2', 'oauth4webapi', 'openid-client', 'Claude Code', 'Codex'],
      message: `issuer "${h.issuerUrl}" is identical to authorization_servers[0]`,
      url: `${h.issuerUrl}/.well-known/oauth-authorization-server`,
    });
  });

  it('--register --interactive: DCR 201, sign-in and consent by the test, callback iss, oauth4webapi with expectedNonce, id_token signature — all pass', async () => {
    const check = spawnCheck([h.mcpUrl, '--register', '--interactive', '--json', '--callback-timeout', '60']);
    const authorizationUrl = await check.authorizationUrl();
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizationUrl.searchParams.get('resource'), h.mcpUrl);
    assert.ok(authorizationUrl.searchParams.get('nonce'));
    const redirectUri = new URL(authorizationUrl.searchParams.get('redirect_uri')!);
    assert.equal(redirectUri.hostname, '127.0.0.1');
    assert.equal(redirectUri.pathname, '/callback');

    const { browser } = await h.signedInBrowser();
    const callback = await browser.authorize(authorizationUrl.href);
    assert.ok(callback, `the kit redirected to the CLI's callback (last page: ${browser.lastPage?.status})`);
    assert.equal(callback.origin, redirectUri.origin);
    const delivered = await fetch(callback);
    assert.equal(delivered.status, 200);

    const run = await check.done;
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as CheckReport;
    assert.deepEqual(report.findings.filter((f) => f.status !== 'pass'), []);
    const ids = report.findings.map((f) => f.id);
    for (const id of [
      'dcr.status',
      'dcr.echo',
      'callback.iss',
      'callback.state',
      'oauth4webapi.validateAuthResponse',
      'token.no_store',
      'oauth4webapi.processAuthorizationCodeResponse',
      'id_token.iss',
      'id_token.aud',
      'id_token.nonce',
      'id_token.signature',
      'access_token.iss',
      'access_token.aud',
      'access_token.signature',
    ]) {
      assert.ok(ids.includes(id as never), `${id} ran`);
    }
  });
});
