/**
 * Child processes of the bench: every measured server and in-process micro-benchmark runs in its own Node
 * process (TypeScript through tsx), started here and always stopped here — on success, on failure and on
 * Ctrl-C — so `npm run bench` never leaves anything running.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const live = new Set<ChildProcess>();

/** Stops `child` with the bench (whatever way the bench ends). */
export function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

function stopAll(): void {
  for (const child of live) child.kill('SIGTERM');
}
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

export interface Child<Ready> {
  process: ChildProcess;
  ready: Ready;
  /** Messages after the first, in order. */
  next<T>(timeoutMs?: number): Promise<T>;
  /** Sends `message` and returns the child's next message. */
  ask<T>(message: object): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Forks `bench/<script>` under tsx with an IPC channel and waits for its first message (the child's "ready").
 * `nodeOptions` go before the script (e.g. `--expose-gc`, `--cpu-prof`).
 */
export async function startChild<Ready>(
  script: string,
  args: string[] = [],
  options: { nodeOptions?: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Child<Ready>> {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const child = fork(path, args, {
    execArgv: ['--import', 'tsx', ...(options.nodeOptions ?? [])],
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  live.add(child);
  // A child that already left (one-shot children exit after their result) makes a late send fail with EPIPE.
  child.on('error', () => {});
  const queue: unknown[] = [];
  const waiters: Array<(m: unknown) => void> = [];
  child.on('message', (m) => {
    const waiter = waiters.shift();
    if (waiter) waiter(m);
    else queue.push(m);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      reject(new Error(`bench child ${script} exited (${signal ?? code}) before answering`));
    }),
  );
  exited.catch(() => {});
  const next = <T>(timeoutMs = options.timeoutMs ?? 120_000): Promise<T> => {
    if (queue.length > 0) return Promise.resolve(queue.shift() as T);
    let timer: NodeJS.Timeout;
    return Promise.race([
      new Promise<T>((resolve) => waiters.push((m) => resolve(m as T))),
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`bench child ${script}: no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  const ready = await next<Ready>();
  return {
    process: child,
    ready,
    next,
    ask<T>(message: object) {
      child.send(message);
      return next<T>(10_000);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.connected) child.send({ type: 'stop' }, () => {});
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** In a one-shot child: sends the result to the parent, then leaves. */
export function finish(result: object): void {
  process.send!(result, () => process.exit(0));
}
