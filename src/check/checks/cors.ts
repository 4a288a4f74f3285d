/**
 * Can a browser-based MCP client (MCP Inspector, web IDEs) read this endpoint? A cross-origin request with the
 * `MCP-Protocol-Version` header is preflighted; the preflight must succeed without credentials and both answers
 * must allow the origin. A challenge is only readable if `WWW-Authenticate` is exposed.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol CORS protocol
 */
import type { CheckId } from '../catalogue.js';
import { pass, warn, type Finding } from '../finding.js';
import type { HttpResult } from '../walk/http.js';

/** The origin the walker claims in CORS probes. */
export const PROBE_ORIGIN = 'https://mcp-check.invalid';

export interface CorsExpectations {
  method: string;
  /** Request headers the browser client sends (lower case). */
  requestHeaders: readonly string[];
  /** Response headers the client must read (lower case). */
  exposeHeaders?: readonly string[];
}

/** The problems a browser would hit, one phrase each; empty when a browser client can read the answer. */
export function corsProblems(preflight: HttpResult, actual: HttpResult, expect: CorsExpectations): string[] {
  const problems: string[] = [];
  if (preflight.kind === 'error') {
    problems.push(`preflight failed: ${preflight.message}`);
  } else {
    if (preflight.status < 200 || preflight.status >= 300) {
      problems.push(`preflight (OPTIONS) answered ${preflight.status}${preflight.status === 401 ? ': it is auth-gated, browsers never send credentials on a preflight' : ''}`);
    } else {
      if (!allowsOrigin(preflight)) problems.push('preflight has no Access-Control-Allow-Origin for the page origin');
      const allowed = list(preflight.headers.get('access-control-allow-headers'));
      const missing = expect.requestHeaders.filter((h) => !allowed.includes(h) && !allowed.includes('*'));
      if (missing.length > 0) problems.push(`preflight does not allow the request header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
      const methods = list(preflight.headers.get('access-control-allow-methods'));
      if (methods.length > 0 && !methods.includes(expect.method.toLowerCase()) && !methods.includes('*')) problems.push(`preflight does not allow ${expect.method}`);
    }
  }
  if (actual.kind === 'error') {
    problems.push(`cross-origin request failed: ${actual.message}`);
  } else {
    if (!allowsOrigin(actual)) problems.push(`the ${actual.status} answer has no Access-Control-Allow-Origin`);
    const exposed = list(actual.headers.get('access-control-expose-headers'));
    const hidden = (expect.exposeHeaders ?? []).filter((h) => !exposed.includes(h) && !exposed.includes('*'));
    if (hidden.length > 0) problems.push(`${hidden.join(', ')} is not in Access-Control-Expose-Headers, so a browser client cannot read it`);
  }
  return problems;
}

/** One finding from the problems: CORS only matters to browser clients, so a problem is a warning. */
export function corsFinding(id: CheckId, url: string, problems: string[]): Finding {
  return problems.length === 0
    ? pass(id, 'a browser client can read it (preflight and Access-Control-Allow-Origin)', { url })
    : warn(id, problems.join('; '), {
        url,
        fix: 'answer OPTIONS without auth and send Access-Control-Allow-Origin: * (allow MCP-Protocol-Version, Authorization, Content-Type; expose WWW-Authenticate) — e.g. the cors package',
      });
}

function allowsOrigin(result: Extract<HttpResult, { kind: 'response' }>): boolean {
  const value = result.headers.get('access-control-allow-origin');
  return value === '*' || value === PROBE_ORIGIN;
}

function list(header: string | null): string[] {
  return (header ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}
