/**
 * Is this HTTP answer a usable JSON metadata document, as a strict client reads one? 200, no redirect (clients
 * fetch with `redirect: 'manual'`), `application/json`, a top-level object. Used for PRM, AS metadata and JWKS.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.2 200 + application/json
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.2 same for protected resource metadata
 */
import type { HttpResult } from '../walk/http.js';

export type JsonObject = Record<string, unknown>;

export type DocumentOutcome =
  | { ok: true; document: JsonObject }
  | {
      ok: false;
      /** What is wrong, in one phrase. */
      problem: string;
      /** The server answered, but not with a document (404, 401, …): a location that is simply not served. */
      absent: boolean;
      fix?: string;
    };

/** Media types accepted besides `application/json` (JWK Set, RFC 7517 §8.5). */
export interface DocumentExpectations {
  mediaTypes?: readonly string[];
}

export function documentOutcome(result: HttpResult, { mediaTypes = ['application/json'] }: DocumentExpectations = {}): DocumentOutcome {
  if (result.kind === 'error') {
    const fix = result.reason === 'insecure' ? 'serve it over https (or pass --insecure to read it anyway)' : 'make the host reachable from here (DNS, firewall, TLS) and answer within the timeout';
    return { ok: false, problem: result.message, absent: false, fix };
  }
  const { status, headers } = result;
  if (status >= 300 && status < 400) {
    const location = headers.get('location');
    return {
      ok: false,
      absent: false,
      problem: `HTTP ${status} redirect${location ? ` to ${location}` : ''}; strict clients do not follow redirects here (oauth4webapi fetches with redirect: "manual")`,
      fix: 'answer 200 at this exact URL: no trailing-slash, http→https or canonical-host redirect on well-known paths',
    };
  }
  if (status !== 200) {
    return { ok: false, absent: status >= 400 && status < 500, problem: `HTTP ${status} (a document must be served with 200)` };
  }
  const type = (headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!mediaTypes.includes(type)) {
    return {
      ok: false,
      absent: false,
      problem: `content-type ${JSON.stringify(type || '(none)')}, not ${mediaTypes.join(' or ')}`,
      fix: `serve it with Content-Type: ${mediaTypes[0]}`,
    };
  }
  if (result.json === undefined) return { ok: false, absent: false, problem: 'the body is not JSON', fix: 'serve a JSON object' };
  if (typeof result.json !== 'object' || result.json === null || Array.isArray(result.json)) {
    return { ok: false, absent: false, problem: 'the body is not a JSON object ("response" body must be a top level object)', fix: 'serve a JSON object' };
  }
  return { ok: true, document: result.json as JsonObject };
}

/** An absolute URL, or undefined. */
export function absoluteUrl(value: unknown): URL | undefined {
  return typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
}
