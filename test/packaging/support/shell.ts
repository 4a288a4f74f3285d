/**
 * Commands run the way a person runs them in a terminal: `sh -c "<command>"` in its own process group, so a
 * timeout or the test's cleanup ends npm and everything it started, and no child outlives the test.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ShellRun {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ShellOptions {
  cwd: string;
  /** Added to this process's environment minus its CLERK_*, MCP_* and npm_* variables. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called with every complete stderr line while the command runs (e.g. to act on a printed URL). */
  onStderrLine?(line: string): void;
}

/** This environment without what would change a command's meaning (Clerk keys, npm's per-script variables). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(CLERK_|MCP_|npm_|NODE_ENV$|PORT$|INIT_CWD$)/.test(name)) env[name] = value;
  }
  // The npm cache is shared; installs take what it holds (the packages of this repository's lockfile).
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

/** Runs `command` with sh; resolves when it ends (a timeout kills its whole process group and says so). */
export function sh(command: string, { cwd, env = {}, timeoutMs = 120_000, onStderrLine }: ShellOptions): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env: cleanEnv(env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) onStderrLine?.(line);
    });
    const timer = setTimeout(() => {
      killGroup(child.pid!);
      stderr += `\n[test] killed after ${timeoutMs} ms`;
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid!); // anything it left behind
      resolve({ command, code, signal, stdout, stderr });
    });
  });
}

export function killGroup(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A fresh directory under the OS temp dir, with nothing beside it; `remove()` deletes it. */
export async function scratchDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `cmi-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A failed run's whole story, for assertion messages. */
export const explain = (run: ShellRun) => `$ ${run.command}\nexit ${run.code ?? run.signal}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
