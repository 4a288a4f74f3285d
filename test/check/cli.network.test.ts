/**
 * `check` never crashes on the network: a refused connection, a server that never answers and http off loopback
 * are failed findings (exit 3), not stack traces. And the command line itself: usage errors exit 64, `--help`
 * documents the exit codes, the program lists the command.
 */
import assert from 'node:assert/strict';
import type { CheckReport } from '../../src/check/runCheck.js';
import { closedOrigin, startSilentServer } from '../fixtures/check/silentServer.js';
import { runCli } from './support/checkProcess.js';

describe('clerk-mcp-issuer check: network failures are findings', () => {
  it('an unreachable host: every location fails with the connection error, exit 3, no stack', async () => {
    const origin = await closedOrigin();
    const run = await runCli(['check', `${origin}/mcp`, '--json']);
    assert.equal(run.code, 3);
    const report = JSON.parse(run.stdout) as CheckReport;
    const challenge = report.findings.find((f) => f.id === 'mcp.challenge')!;
    assert.equal(challenge.status, 'fail');
    assert.equal(challenge.message, `cannot reach ${origin}/mcp: ECONNREFUSED`);
    assert.deepEqual(report.findings.filter((f) => f.status === 'fail').map((f) => f.id), ['mcp.challenge', 'prm.path', 'prm.root', 'as.rfc8414', 'as.oidc']);
    assert.doesNotMatch(run.stderr, /internal error|at .*\.ts:\d+/);
  });

  it('a server that never answers: --timeout bounds each request and the timeout is the finding', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const run = await runCli(['check', `${silent.origin}/mcp`, '--timeout', '300', '--json']);
      assert.equal(run.code, 3, run.stderr);
      const report = JSON.parse(run.stdout) as CheckReport;
      assert.equal(report.findings.find((f) => f.id === 'mcp.challenge')!.message, `no answer from ${silent.origin}/mcp within 300 ms`);
      assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    } finally {
      await silent.close();
    }
  });

  it('http off loopback: refused without --insecure (oauth4webapi: only requests to HTTPS are allowed), no request sent', async () => {
    const run = await runCli(['check', 'http://mcp.example.invalid/mcp', '--json']);
    assert.equal(run.code, 3);
    const challenge = (JSON.parse(run.stdout) as CheckReport).findings.find((f) => f.id === 'mcp.challenge')!;
    assert.equal(challenge.message, 'only requests to HTTPS are allowed: http://mcp.example.invalid/mcp (pass --insecure to read it anyway)');
  });
});

describe('clerk-mcp-issuer check: command line', () => {
  it('--help documents the options and the exit codes', async () => {
    const run = await runCli(['check', '--help']);
    assert.equal(run.code, 0);
    for (const option of ['--json', '--timeout <ms>', '--insecure', '--register', '--interactive', '--client-id <id>', '--id-token <jwt>', '--token-response <file>', '--nonce <nonce>', '--strict']) {
      assert.ok(run.stdout.includes(option), option);
    }
    assert.match(run.stdout, /Exit codes:\n {2}0 {3}every check passed .*\n {2}2 {3}invalid local input.*\n {2}3 {3}at least one check failed .*\n {2}64 {2}usage error.*\n {2}70 {2}internal error/);
    assert.match(run.stdout, /one line starting with "authorization URL: "/);
  });

  it('the program lists the check command', async () => {
    assert.match((await runCli(['--help'])).stdout, /^ {2}check \[options\] <url>/m);
  });

  it('usage errors exit 64: not a URL, --interactive without a client, --nonce without a token', async () => {
    for (const [args, message] of [
      [['check', 'mcp.example.com'], /is not an http\(s\) URL/],
      [['check', 'https://mcp.example.com/mcp', '--interactive'], /--interactive needs a client: add --register/],
      [['check', 'https://mcp.example.com/mcp', '--nonce', 'n'], /--nonce goes with --id-token or --token-response/],
      [['check', 'https://mcp.example.com/mcp', '--timeout', '0'], /positive integer/],
    ] as const) {
      const run = await runCli([...args]);
      assert.equal(run.code, 64, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});
