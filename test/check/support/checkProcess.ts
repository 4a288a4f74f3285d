/**
 * Runs `clerk-mcp-issuer check …` as a subprocess (`node --import tsx src/cli/main.ts check …`) and lets the test
 * act while it runs: `authorizationUrl()` resolves with the URL the CLI prints for `--interactive`, so the test
 * can walk sign-in and consent and deliver the callback to the CLI's loopback server.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT, runCli, type CliRun } from '../../cli/runCli.js';

export { runCli };

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const PREFIX = 'authorization URL: ';

export interface CheckProcess {
  /** The authorization URL from stderr (rejects if the process ends first). */
  authorizationUrl(): Promise<URL>;
  done: Promise<CliRun>;
}

export function spawnCheck(args: string[]): CheckProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CLERK_|MCP_)/.test(name)));
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'check', ...args], { cwd: REPO_ROOT, env: base, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let announce: (url: URL) => void = () => {};
  let giveUp: (error: Error) => void = () => {};
  const url = new Promise<URL>((resolve, reject) => {
    announce = resolve;
    giveUp = reject;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const line = stderr.split('\n').find((l) => l.startsWith(PREFIX));
    if (line && stderr.includes(`${line}\n`)) announce(new URL(line.slice(PREFIX.length)));
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      giveUp(new Error(`check exited (${code}) before printing an authorization URL:\n${stderr}`));
      resolve({ code, stdout, stderr });
    });
  });
  return { authorizationUrl: () => url, done };
}
