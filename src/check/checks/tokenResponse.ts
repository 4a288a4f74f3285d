/**
 * The token endpoint's answer as oauth4webapi's `processGenericAccessTokenResponse` and the MCP SDK's
 * `OAuthTokensSchema` read it: 200 JSON, a string `access_token`, `token_type` Bearer, `expires_in` a number,
 * optional members omitted (never `null`), and not cacheable.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1 successful response, Cache-Control: no-store
 */
import { fail, pass, show, type Finding } from '../finding.js';
import type { JsonObject } from './jsonDocument.js';

export interface TokenEndpointAnswer {
  /** Undefined for a captured response (a file): only the body is known. */
  status?: number;
  headers?: Headers;
  json: unknown;
}

export interface TokenResponseResult {
  findings: Finding[];
  body?: JsonObject;
}

export function checkTokenResponse(answer: TokenEndpointAnswer, url?: string): TokenResponseResult {
  const findings: Finding[] = [];
  const where = url ? { url } : {};
  const body = typeof answer.json === 'object' && answer.json !== null && !Array.isArray(answer.json) ? (answer.json as JsonObject) : undefined;
  if (answer.status !== undefined && answer.status !== 200) {
    const error = body && typeof body.error === 'string' ? `: ${body.error}${typeof body.error_description === 'string' ? ` (${body.error_description})` : ''}` : '';
    findings.push(fail('token.response', `HTTP ${answer.status}${error}`, { ...where, fix: 'see the error; a valid code, verifier, redirect_uri and resource must get 200' }));
    return { findings };
  }
  if (!body) {
    findings.push(fail('token.response', 'the body is not a JSON object', { ...where, fix: 'answer with a JSON object (application/json)' }));
    return { findings };
  }
  const problems: string[] = [];
  if (typeof body.access_token !== 'string' || body.access_token === '') problems.push(`access_token is ${describe(body.access_token)}`);
  if (typeof body.token_type !== 'string' || !['bearer', 'dpop'].includes(body.token_type.toLowerCase())) {
    problems.push(`token_type is ${show(body.token_type)} (oauth4webapi: unsupported \`token_type\` value)`);
  }
  if (body.expires_in !== undefined && !(typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) && body.expires_in >= 0)) {
    problems.push(`expires_in is ${show(body.expires_in)}, not a non-negative number`);
  }
  for (const member of ['refresh_token', 'id_token'] as const) {
    if (member in body && (typeof body[member] !== 'string' || body[member] === '')) problems.push(`${member} is ${describe(body[member])}; omit it when not issued`);
  }
  if ('scope' in body && typeof body.scope !== 'string') problems.push(`scope is ${show(body.scope)}, not a string`);
  const nulls = Object.entries(body).filter(([, v]) => v === null).map(([k]) => k);
  if (nulls.length > 0 && problems.length === 0) problems.push(`null members: ${nulls.join(', ')}`);
  findings.push(
    problems.length === 0
      ? pass('token.response', `${answer.status ?? 'captured'}: access_token, token_type ${show(body.token_type)}${body.expires_in !== undefined ? `, expires_in ${body.expires_in}` : ''}${body.refresh_token ? ', refresh_token' : ''}${body.id_token ? ', id_token' : ''}`, where)
      : fail('token.response', problems.join('; '), { ...where, fix: 'send access_token, token_type "Bearer", expires_in as a number; omit absent members instead of null' }),
  );
  if (answer.headers) {
    const cacheControl = answer.headers.get('cache-control');
    findings.push(
      cacheControl && /\bno-store\b/i.test(cacheControl)
        ? pass('token.no_store', `Cache-Control: ${cacheControl}`, where)
        : fail('token.no_store', `Cache-Control is ${show(cacheControl ?? undefined)}; a response with tokens must not be stored`, { ...where, fix: 'send Cache-Control: no-store and Pragma: no-cache' }),
    );
  }
  return { findings, body };
}

/** `null` is shown as null; a token value is never printed. */
function describe(value: unknown): string {
  return typeof value === 'string' ? (value === '' ? 'an empty string' : 'present') : show(value);
}
