import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT, runCli } from './runCli.js';

describe('clerk-mcp-issuer (the program)', () => {
  it('src/cli/main.ts - starts with the node shebang, so the compiled bin runs as an executable', async () => {
    const main = await readFile(path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'utf8');
    assert.equal(main.split('\n')[0], '#!/usr/bin/env node');
  });

  it('--help - lists the subcommands and the exit-code table; exit 0', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^ {2}provision \[options\]/m);
    assert.match(run.stdout, /^ {2}keys/m);
    assert.match(run.stdout, /Exit codes:\n {2}0 {3}ok, or nothing to change\n {2}1 {3}Clerk API error .*\n {2}2 {3}invalid local input .*\n {2}3 {3}check: at least one check failed\n {2}64 {2}usage or configuration error/);
  });

  it('--version - the package version; exit 0', async () => {
    const { version } = JSON.parse(await readFile(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    const run = await runCli(['--version']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), version);
  });

  it('an unknown command or a command group without subcommand - exit 64 (usage)', async () => {
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.equal((await runCli(['keys'])).code, 64);
  });

  it('a reader that closes the pipe early (`keys generate | head -c0`) - exit 0, no EPIPE crash', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', tsx, main, 'keys', 'generate'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the CLI writes
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
    assert.equal(code, 0);
  });
});
