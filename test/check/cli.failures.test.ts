/**
 * `clerk-mcp-issuer check` against small servers that reproduce the failures seen in the wild (one fault each,
 * `test/fixtures/check/oauthSurface.ts`). Each is reported as a failure naming its rule, the exit code is 3, and
 * the fault-free fixture passes — so the failures mean something.
 */
import assert from 'node:assert/strict';
import { createClerkClient } from '@clerk/backend';
import type { Finding } from '../../src/check/finding.js';
import type { CheckReport } from '../../src/check/runCheck.js';
import { createClerkDouble } from '../../src/testing/clerk/double.js';
import type { ClerkDouble } from '../../src/testing/clerk/contract.js';
import { startOAuthSurface, type SurfaceFaults } from '../fixtures/check/oauthSurface.js';
import { runCli, spawnCheck } from './support/checkProcess.js';

/** Runs `check --json` (plus `args`) against a fixture with these faults. */
async function checkFixture(faults: SurfaceFaults, args: string[] = []) {
  const surface = await startOAuthSurface(faults);
  try {
    const run = await runCli(['check', surface.mcpUrl, '--json', ...args]);
    return { run, surface, report: JSON.parse(run.stdout) as CheckReport };
  } finally {
    await surface.close();
  }
}

/** Runs `check --register --interactive --json`; the fixture redirects at once, the test delivers the callback. */
async function checkFixtureInteractively(faults: SurfaceFaults) {
  const surface = await startOAuthSurface(faults);
  try {
    const check = spawnCheck([surface.mcpUrl, '--register', '--interactive', '--json', '--callback-timeout', '30']);
    const authorizationUrl = await check.authorizationUrl();
    const redirect = await fetch(authorizationUrl, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal((await fetch(redirect.headers.get('location')!)).status, 200);
    const run = await check.done;
    return { run, surface, report: JSON.parse(run.stdout) as CheckReport };
  } finally {
    await surface.close();
  }
}

function failed(report: CheckReport, id: string): Finding {
  const finding = report.findings.find((f) => f.id === id && f.status === 'fail');
  assert.ok(finding, `${id} failed; failures: ${report.findings.filter((f) => f.status === 'fail').map((f) => f.id).join(', ') || 'none'}`);
  return finding;
}

function assertExit3(run: { code: number | null; stderr: string }, ids: string[]) {
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, new RegExp(`^clerk-mcp-issuer: \\d+ checks? failed: ${ids.map((id) => id.replace(/\./g, '\\.')).join('.*')}`, 'm'));
}

describe('clerk-mcp-issuer check against known failures', () => {
  it('the fault-free fixture passes every check, --register --interactive included (exit 0)', async () => {
    const { run, report } = await checkFixtureInteractively({});
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(report.findings.filter((f) => f.status !== 'pass'), []);
  });

  it("Clerk's issuer in the metadata: as.issuer fails (RFC 8414 §3.3, MCP SDK v2 IssuerMismatchError)", async () => {
    const { run, report, surface } = await checkFixture({ metadataIssuer: 'https://clerk.double.test' });
    const finding = failed(report, 'as.issuer');
    assert.equal(finding.rule, 'RFC 8414 §3.3');
    assert.ok(finding.enforcedBy.includes('MCP SDK v2'));
    assert.match(finding.message, new RegExp(`Issuer mismatch in authorization server metadata \\(RFC 8414 §3\\.3\\): expected "${surface.issuer}", received "https://clerk\\.double\\.test"`));
    assertExit3(run, ['as.issuer']);
  });

  it("Clerk's iss on the callback: callback.iss and oauth4webapi validateAuthResponse fail (RFC 9207 §2.4); no code is redeemed", async () => {
    const { run, report } = await checkFixtureInteractively({ callbackIss: 'https://clerk.double.test' });
    const finding = failed(report, 'callback.iss');
    assert.equal(finding.rule, 'RFC 9207 §2.4');
    assert.match(finding.message, /^iss "https:\/\/clerk\.double\.test" is not the issuer/);
    assert.equal(failed(report, 'oauth4webapi.validateAuthResponse').message, 'rejected: unexpected "iss" (issuer) response parameter value');
    assert.equal(report.findings.some((f) => f.id.startsWith('token.')), false, 'a strict client stops before the token request');
    assertExit3(run, ['callback.iss', 'oauth4webapi.validateAuthResponse']);
  });

  describe('a forwarded Clerk id_token (kernel-mcp-server#101)', () => {
    let double: ClerkDouble;
    let clerkServer: { close(): Promise<void> };
    before(async () => {
      double = await createClerkDouble();
      clerkServer = await double.listen();
    });
    after(() => clerkServer.close());

    /** What Clerk's OAuth provider hands the facade: aud = the client, iss = Clerk's Frontend API, Clerk's key. */
    async function clerkIdToken({ clientId }: { clientId: string }): Promise<string> {
      const clerk = createClerkClient({ secretKey: double.secretKey, apiUrl: double.apiUrl });
      const name = `forwarded-${clientId}`;
      await clerk.jwtTemplates.create({ name, claims: { aud: clientId, email: '{{user.primary_email_address}}' } });
      return (await clerk.sessions.getToken(double.createSession('user_test_alice').id, name)).jwt;
    }

    it('from the token endpoint: id_token.iss, id_token.signature, id_token.nonce and oauth4webapi processAuthorizationCodeResponse fail', async () => {
      const { run, report } = await checkFixtureInteractively({ idToken: clerkIdToken });
      const iss = failed(report, 'id_token.iss');
      assert.equal(iss.rule, 'OpenID Connect Core 1.0 §3.1.3.7 (2)');
      assert.match(iss.message, new RegExp(`^iss "${double.frontendApi.replace(/\./g, '\\.')}" is not the issuer`));
      assert.match(iss.message, /unexpected JWT "iss" \(issuer\) claim value/);
      assert.match(failed(report, 'id_token.signature').message, /no key there matches the token's kid/);
      failed(report, 'id_token.nonce');
      // With expectedNonce, oauth4webapi checks the required claims first: Clerk's token has no nonce.
      assert.equal(failed(report, 'oauth4webapi.processAuthorizationCodeResponse').message, 'rejected: JWT "nonce" (nonce) claim missing');
      assert.equal(report.findings.find((f) => f.id === 'id_token.aud')?.status, 'pass', 'Clerk sets aud to the client: only iss, key and nonce give it away');
      assertExit3(run, ['oauth4webapi.processAuthorizationCodeResponse', 'id_token.iss']);
    });
  });

  it('DCR answering 200: dcr.status fails (RFC 7591 §3.2.1, oauth4webapi)', async () => {
    const { run, report } = await checkFixture({ registrationStatus: 200 }, ['--register']);
    const finding = failed(report, 'dcr.status');
    assert.equal(finding.rule, 'RFC 7591 §3.2.1');
    assert.equal(finding.message, 'HTTP 200, not 201; oauth4webapi: "response" is not a conform Dynamic Client Registration Endpoint response (unexpected HTTP status code)');
    assertExit3(run, ['dcr.status']);
  });

  it('metadata only at the root for a path issuer: as.rfc8414 fails (RFC 8414 §3.1)', async () => {
    const { run, report, surface } = await checkFixture({ issuerPath: '/tenant', metadataOnlyAtRoot: true });
    assert.equal(report.issuer, surface.issuer);
    const finding = failed(report, 'as.rfc8414');
    assert.equal(finding.rule, 'RFC 8414 §3.1');
    assert.match(finding.message, /the metadata is only at the root .*\/\.well-known\/oauth-authorization-server, but the issuer ".*\/tenant" has a path/);
    assert.equal(finding.fix, `serve the metadata at ${surface.origin}/.well-known/oauth-authorization-server/tenant (and OIDC discovery at the path-appended URL)`);
    assertExit3(run, ['as.rfc8414']);
  });

  it('PRM resource with a trailing slash: prm.resource fails (RFC 9728 §3.3, VS Code)', async () => {
    const { run, report, surface } = await checkFixture({ prmResource: (mcpUrl) => `${mcpUrl}/` });
    const finding = failed(report, 'prm.resource');
    assert.equal(finding.rule, 'RFC 9728 §3.3');
    assert.ok(finding.enforcedBy.includes('VS Code'));
    assert.match(finding.message, new RegExp(`^resource "${surface.mcpUrl}/" is not the MCP URL "${surface.mcpUrl}" \\(trailing slash\\)`));
    assertExit3(run, ['prm.resource']);
  });

  it('no S256: as.pkce fails (RFC 8414 §2, MCP Authorization)', async () => {
    const { run, report } = await checkFixture({ codeChallengeMethods: null });
    const finding = failed(report, 'as.pkce');
    assert.equal(finding.rule, 'RFC 8414 §2; MCP Authorization 2025-11-25, Authorization Code Protection');
    assertExit3(run, ['as.pkce']);
  });
});
