/**
 * The one door to the network for the walker. Every request has a timeout, never follows a redirect (strict
 * clients do not: oauth4webapi fetches with `redirect: 'manual'`), refuses plain http off loopback unless told
 * otherwise, and turns every failure into a value: a refused connection or a timeout is a finding, not a crash.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3 loopback redirection (why http is fine on loopback)
 */
import { isLoopbackHost } from '../../config/issuerUrls.js';

export interface HttpPolicy {
  /** Per-request timeout, body included. */
  timeoutMs: number;
  /** Allow http to hosts other than loopback (`--insecure`). */
  insecure: boolean;
}

export interface HttpResponse {
  kind: 'response';
  url: string;
  status: number;
  headers: Headers;
  /** The body as text, up to {@link MAX_BODY_BYTES}; empty when not read. */
  body: string;
  /** Set when the body parsed as JSON. */
  json?: unknown;
}

export interface HttpFailure {
  kind: 'error';
  url: string;
  reason: 'timeout' | 'network' | 'insecure' | 'invalid-url';
  message: string;
}

export type HttpResult = HttpResponse | HttpFailure;

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Whether to read the body for this status (default: always). A 200 event stream would never end. */
  readBody?: (status: number) => boolean;
}

/** Metadata documents are small; a larger answer is not one. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Whether http is acceptable for this URL: loopback hosts always, others only with `--insecure`. */
export function insecureAllowed(url: URL, policy: Pick<HttpPolicy, 'insecure'>): boolean {
  return url.protocol === 'https:' || isLoopbackHost(url.hostname) || policy.insecure;
}

export async function request(target: string | URL, init: HttpRequest, policy: HttpPolicy): Promise<HttpResult> {
  const href = String(target);
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { kind: 'error', url: href, reason: 'invalid-url', message: `${show(href)} is not an absolute URL` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { kind: 'error', url: href, reason: 'invalid-url', message: `${show(href)} is not an http(s) URL` };
  }
  if (!insecureAllowed(url, policy)) {
    // oauth4webapi's words for the same refusal.
    return { kind: 'error', url: href, reason: 'insecure', message: `only requests to HTTPS are allowed: ${href} (pass --insecure to read it anyway)` };
  }
  const signal = AbortSignal.timeout(policy.timeoutMs);
  try {
    const res = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, redirect: 'manual', signal });
    const read = init.readBody?.(res.status) ?? true;
    const body = read ? await readText(res) : (await res.body?.cancel(), '');
    return { kind: 'response', url: href, status: res.status, headers: res.headers, body, ...parseJson(body) };
  } catch (error) {
    return failure(href, error, policy);
  }
}

/** GET for a JSON document, with the headers MCP clients send during discovery. */
export function getJson(url: string | URL, policy: HttpPolicy, headers: Record<string, string> = {}): Promise<HttpResult> {
  return request(url, { headers: { accept: 'application/json', 'mcp-protocol-version': MCP_PROTOCOL_VERSION, ...headers } }, policy);
}

/** The protocol revision the walker announces (what current MCP SDK clients send). */
export const MCP_PROTOCOL_VERSION = '2025-11-25';

async function readText(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

function parseJson(body: string): { json?: unknown } {
  if (body.trim() === '') return {};
  try {
    return { json: JSON.parse(body) as unknown };
  } catch {
    return {};
  }
}

function failure(url: string, error: unknown, policy: HttpPolicy): HttpFailure {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') {
    return { kind: 'error', url, reason: 'timeout', message: `no answer from ${url} within ${policy.timeoutMs} ms` };
  }
  const cause = err?.cause;
  const detail = cause?.code ? `${cause.code}${cause.message && !cause.message.includes(cause.code) ? ` (${cause.message})` : ''}` : (cause?.message ?? err?.message ?? String(error));
  return { kind: 'error', url, reason: 'network', message: `cannot reach ${url}: ${detail}` };
}

function show(value: string): string {
  return JSON.stringify(value);
}

/** A one-line account of a result for messages: `HTTP 404`, `timeout …`. */
export function describeResult(result: HttpResult): string {
  return result.kind === 'error' ? result.message : `HTTP ${result.status}${result.headers.get('location') ? ` → ${result.headers.get('location')}` : ''}`;
}
