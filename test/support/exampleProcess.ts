/**
 * The example as a person runs it: a command in its own process group (a terminal's foreground job), so that
 * `interrupt()` is exactly what Ctrl-C does — SIGINT to every process of the group (npm, its shell, tsx, node).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

const ROOT = new URL('../../', import.meta.url).pathname;
const EXAMPLE_SETTINGS = ['NODE_ENV', 'PORT', 'PUBLIC_URL', 'HOST', 'MCP_SIGNING_KEYS', 'REDIS_URL', 'REDIS_CLUSTER_NODES', 'LOG_LEVEL', 'CIMD_ALLOW_LOOPBACK', 'TRUST_PROXY'];
/** A liveness bound, not a timing assertion: a stuck process fails the test instead of hanging the run. */
const WAIT_MS = 30_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ExampleProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the output once `text` has appeared on stdout; rejects if the process ends first. */
  waitForStdout(text: string): Promise<string>;
  /** Resolves when the process has exited (rejects after the liveness bound). */
  exited(): Promise<Exit>;
  /** Resolves when no process of the group is left (npm may exit before the server it started). */
  groupGone(): Promise<void>;
  /** Ctrl-C: SIGINT to the whole process group. */
  interrupt(): void;
  /** Cleanup for `after()`: SIGKILL to whatever of the group still runs. */
  kill(): void;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (the example binds it again right away). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `command args` in the repository root with `env` added to a Clerk-free copy of this environment. */
export function startExampleProcess(command: string, args: string[], env: Record<string, string>): ExampleProcess {
  const base = { ...process.env };
  // The example's own settings (README): unset, it runs as documented — the dev stand-in, memory store, dev key.
  for (const name of Object.keys(base)) if (name.startsWith('CLERK_') || EXAMPLE_SETTINGS.includes(name)) delete base[name];
  const child = spawn(command, args, { cwd: ROOT, env: { ...base, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const bounded = <T>(promise: Promise<T>, what: string) =>
    Promise.race([
      promise,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still waiting after ${WAIT_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`)), WAIT_MS).unref()),
    ]);

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStdout: (text) =>
      bounded(
        new Promise<string>((resolve, reject) => {
          const check = () => {
            if (!stdout.includes(text)) return;
            child.stdout!.off('data', check);
            resolve(stdout);
          };
          child.stdout!.on('data', check);
          check();
          void exit.then(({ code, signal }) => reject(new Error(`exited (${code ?? signal}) before printing "${text}"\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
        }),
        `"${text}" on stdout`,
      ),
    exited: () => bounded(exit, 'the process to exit'),
    groupGone: () =>
      bounded(
        (async () => {
          // Signal 0 probes without signalling; ESRCH once every member has exited.
          while (isAlive(-child.pid!)) await new Promise((resolve) => setTimeout(resolve, 20));
        })(),
        'the process group to end',
      ),
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
    kill: () => {
      // The group, not just `child`: tsx and node outlive npm if npm alone is killed.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
