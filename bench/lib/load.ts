/**
 * autocannon, driven from this (the parent) process against a server child on loopback: one bounded run
 * (a duration or an amount of requests), latencies kept at full resolution (autocannon's own histogram rounds
 * to whole milliseconds), and the median of several runs.
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Called before each request; return the request with its body set (see autocannon `setupRequest`). */
  setupRequest?: (req: autocannon.Request, context: object) => autocannon.Request;
  onResponse?: (status: number, body: string, context: object) => void;
}

export interface LoadSpec {
  origin: string;
  request: LoadRequest;
  connections: number;
  /** Seconds; or `amount` requests. */
  seconds?: number;
  amount?: number;
  /** The server's CPU time so far (µs), read before and after the run. */
  serverCpu?: () => Promise<number>;
}

export interface Sample {
  /** Successful (2xx) responses per second. */
  rps: number;
  /** Latency percentiles of 2xx responses, ms. */
  p50: number;
  p99: number;
  ok: number;
  seconds: number;
  /** Server CPU time per successful response, µs (when `serverCpu` was given). */
  cpuPerRequest?: number;
}

export class LoadError extends Error {}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** One run. Throws a {@link LoadError} when any response was not 2xx or any connection failed. */
export async function load(spec: LoadSpec): Promise<Sample> {
  const { request } = spec;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const statuses = new Map<number, number>();
  let firstRefusal: string | undefined;
  const cpuBefore = await spec.serverCpu?.();
  let settle!: (error: Error | null, result: autocannon.Result) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    settle = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon({
    url: spec.origin,
    connections: spec.connections,
    pipelining: 1,
    ...(spec.amount !== undefined ? { amount: spec.amount } : { duration: spec.seconds ?? 3 }),
    timeout: 30,
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        ...(request.setupRequest ? { setupRequest: request.setupRequest } : {}),
        onResponse(status: number, body: string, context: object) {
          // The first refusal's body goes into the error: a run that fails says why.
          if ((status < 200 || status >= 300) && firstRefusal === undefined) firstRefusal = `${status} ${body.slice(0, 300)}`;
          request.onResponse?.(status, body, context);
        },
      },
    ],
  }, (error, result) => {
    settle(error, result);
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status < 200 || status >= 300) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = ms;
  });
  const result = await finished;
  const cpuAfter = await spec.serverCpu?.();
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new LoadError(
      `${request.method} ${request.path}: ${result.non2xx} non-2xx, ${result.errors} errors (${result.timeouts} timeouts); statuses ${JSON.stringify(Object.fromEntries(statuses))}; first: ${firstRefusal ?? '–'}`,
    );
  }
  const sorted = latencies.subarray(0, count).sort();
  const cpuPerRequest = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / count : undefined;
  return { rps: count / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), ok: count, seconds, cpuPerRequest };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU µs per request (median), when measured. */
  cpuPerRequest?: number;
  runs: Sample[];
}

/** Median of each figure over the runs (each figure on its own). */
export function summarise(runs: Sample[]): Summary {
  const cpu = runs.map((r) => r.cpuPerRequest).filter((c): c is number => c !== undefined);
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    ...(cpu.length > 0 ? { cpuPerRequest: median(cpu) } : {}),
    runs,
  };
}

/**
 * Runs several load specs interleaved — warm-up of each, then round 1 of each, round 2 of each, … — so that
 * drift (thermal, GC state, the other core's neighbours) hits every variant alike. Returns one summary per spec.
 */
export async function interleaved(specs: Array<() => LoadSpec>, rounds: number, warmupSeconds: number): Promise<Summary[]> {
  for (const make of specs) await load({ ...make(), seconds: warmupSeconds, amount: undefined });
  const runs: Sample[][] = specs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, make] of specs.entries()) runs[i].push(await load(make()));
  }
  return runs.map(summarise);
}
