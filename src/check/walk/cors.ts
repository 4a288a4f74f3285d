/**
 * The two requests a browser makes for a cross-origin call with custom headers — the preflight and the call
 * itself, both with an `Origin` — sent so the pure CORS check can judge them. Separate from the main requests:
 * a server may treat an `Origin` differently (DNS-rebinding protection), and that is what browsers see.
 *
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
import type { CheckId } from '../catalogue.js';
import { corsFinding, corsProblems, PROBE_ORIGIN, type CorsExpectations } from '../checks/cors.js';
import type { Finding } from '../finding.js';
import { getJson, request, type HttpPolicy, type HttpResult } from './http.js';

export interface AccessProbe extends CorsExpectations {
  /** The cross-origin call itself (default: a GET for JSON), given the headers that carry the origin. */
  actual?: (originHeaders: Record<string, string>) => Promise<HttpResult>;
}

export async function checkAccessible(id: CheckId, url: string, policy: HttpPolicy, probe: AccessProbe): Promise<Finding> {
  const origin = { origin: PROBE_ORIGIN };
  const [preflight, actual] = await Promise.all([
    request(
      url,
      {
        method: 'OPTIONS',
        headers: { ...origin, 'access-control-request-method': probe.method, 'access-control-request-headers': probe.requestHeaders.join(', ') },
      },
      policy,
    ),
    probe.actual ? probe.actual(origin) : getJson(url, policy, origin),
  ]);
  return corsFinding(id, url, corsProblems(preflight, actual, probe));
}
