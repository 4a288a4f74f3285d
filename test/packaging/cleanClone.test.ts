/**
 * The repository as a stranger gets it: the committed HEAD cloned into an empty scratch folder with nothing
 * beside it (no sibling folders, no node_modules), then the README's first commands as written: `npm install && npm
 * start` (the example answers /mcp with the 401 challenge; Ctrl-C stops it) and the test command with a reduced
 * suite (`npm test -- --grep …`, the README's third line).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { freePort } from '../support/exampleProcess.js';
import { documentedCommands, isCloneStep, REPO_ROOT } from './support/documented.js';
import { cleanEnv, explain, killGroup, scratchDir, sh } from './support/shell.js';

describe('packaging: a clean clone runs the README as written', function () {
  this.timeout(900_000);
  let scratch: { dir: string; remove(): Promise<void> };
  let clone: string;
  const steps = documentedCommands(['README.md']).filter(isCloneStep);

  before(async () => {
    scratch = await scratchDir('clone');
    clone = `${scratch.dir}/clerk-mcp-issuer`;
    const cloned = await sh(`git clone --quiet --no-hardlinks "${REPO_ROOT}" "${clone}"`, { cwd: scratch.dir });
    assert.equal(cloned.code, 0, explain(cloned));
  });
  after(() => scratch?.remove());

  it('the README starts with install & start, the whole suite, and a reduced suite', () => {
    assert.deepEqual(
      steps.map((s) => s.command),
      ['npm install && npm start', 'npm test', 'npm test -- --grep "^discovery endpoints"'],
    );
  });

  it('nothing in the clone reads a path beside it: the Clerk contracts are vendored with their license', async () => {
    const grep = await sh('git grep -n -e "\\.\\./shared" -e "shared/clerk[-]openapi" -- src test scripts examples bench', { cwd: clone });
    assert.equal(grep.stdout, '');
    const vendored = await sh('ls test/vendor/clerk-openapi', { cwd: clone });
    assert.deepEqual(vendored.stdout.trim().split('\n'), ['LICENSE', 'README.md', 'bapi-2026-05-12.yml', 'fapi-2026-05-12.yml']);
  });

  it('`npm install && npm start`: the example answers /mcp with 401 + WWW-Authenticate, and Ctrl-C stops it', async () => {
    const port = await freePort();
    const child = spawn('sh', ['-c', steps[0].command], { cwd: clone, env: cleanEnv({ PORT: String(port) }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      let answer: Response | undefined;
      const deadline = Date.now() + 600_000;
      while (!answer && Date.now() < deadline && child.exitCode === null) {
        answer = await fetch(`http://localhost:${port}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => undefined);
        if (!answer) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      assert.ok(answer, `the example never answered on port ${port}:\n${output}`);
      assert.equal(answer.status, 401, output);
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer resource_metadata="/);
      await answer.body?.cancel();
      killGroup(child.pid!, 'SIGINT');
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000, 'still running'))]);
      assert.notEqual(code, 'still running', output);
    } finally {
      killGroup(child.pid!);
    }
  });

  it('`npm test -- --grep "^discovery endpoints"` passes in the clone', async () => {
    const run = await sh(steps[2].command, { cwd: clone, timeoutMs: 300_000 });
    assert.equal(run.code, 0, explain(run));
    const passing = /(\d+) passing/.exec(run.stdout);
    assert.ok(passing && Number(passing[1]) > 0, run.stdout);
    assert.doesNotMatch(run.stdout, /failing/);
  });
});
