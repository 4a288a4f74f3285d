/**
 * HTTP results as the walker hands them to the pure checks, built by hand so unit tests need no server.
 */
import type { HttpFailure, HttpResponse } from '../../../src/check/walk/http.js';

export function response(status: number, body?: unknown, headers: Record<string, string> = {}, url = 'https://mcp.example.com/x'): HttpResponse {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const all = new Headers(headers);
  if (body !== undefined && typeof body !== 'string' && !all.has('content-type')) all.set('content-type', 'application/json; charset=utf-8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { kind: 'response', url, status, headers: all, body: text, ...(json === undefined ? {} : { json }) };
}

export function networkError(url = 'https://mcp.example.com/x', reason: HttpFailure['reason'] = 'network'): HttpFailure {
  return { kind: 'error', url, reason, message: reason === 'timeout' ? `no answer from ${url} within 10000 ms` : `cannot reach ${url}: ECONNREFUSED` };
}
