/**
 * The checkout form of the command line: every `npm run cli|check|keys|provision …` line of the README and
 * docs/, run as written in this repository (no `clerk-mcp-issuer` on the PATH here), against a kit and a Clerk
 * double the test starts.
 */
import assert from 'node:assert/strict';
import { documentedCommands, isCheckoutCli, REPO_ROOT } from './support/documented.js';
import { assertRan, startDocumentedWorld, type DocumentedWorld } from './support/documentedRun.js';
import { sh } from './support/shell.js';

describe('packaging: the npm scripts a checkout documents', function () {
  this.timeout(180_000);
  let world: DocumentedWorld;
  before(async () => {
    world = await startDocumentedWorld();
  });
  after(() => world?.close());

  const commands = documentedCommands().filter(isCheckoutCli);

  it('the README documents one npm script per CLI command', () => {
    const scripts = new Set(commands.map((c) => /^npm run (\S+)/.exec(c.command)![1]));
    assert.deepEqual([...scripts].sort(), ['check', 'cli', 'keys', 'provision']);
  });

  for (const documented of commands) {
    it(`${documented.file}:${documented.line} \`${documented.command}\` exits 0`, async () => {
      const run = await world.run(documented, REPO_ROOT);
      assertRan(documented, run);
      if (/ check /.test(documented.command)) assert.match(run.stdout, /\n\d+ checks: \d+ pass, 0 warn, 0 fail\n$/);
      if (/keys -- generate/.test(documented.command)) assert.equal(JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))).keys.length, 1);
      if (/provision -- --dry-run/.test(documented.command)) assert.match(run.stdout, /mcp-id-token/);
    });
  }

  it('`npm run provision` is scripts/provision.ts, the one-time provisioning script', async () => {
    const run = await sh('npm run provision -- --dry-run', { cwd: REPO_ROOT, env: world.env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /> tsx scripts\/provision\.ts --dry-run/);
  });
});
