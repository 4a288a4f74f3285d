/**
 * Runs the real CLI as a subprocess, as a user would (`node --import tsx src/cli/main.ts …`), and collects its
 * exit code, stdout and stderr.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx's loader, resolved from the repository so the subprocess works from any cwd. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Added to a clean environment (no inherited CLERK_* or MCP_* variables). */
  env?: Record<string, string | undefined>;
  /** Written to the CLI's stdin. */
  input?: string;
  cwd?: string;
}

export function runCli(args: string[], { env = {}, input, cwd = REPO_ROOT }: CliRunOptions = {}): Promise<CliRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CLERK_|MCP_)/.test(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd,
      env: { ...base, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
