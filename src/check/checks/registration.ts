/**
 * The dynamic client registration response as oauth4webapi and the MCP SDK read it: 201 (oauth4webapi accepts
 * nothing else), a `client_id`, the registered metadata echoed (the MCP SDK's schema requires `redirect_uris`),
 * `client_secret_expires_at` whenever a secret is issued, and credentials that survive both Basic encodings.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1 client information response
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 client_secret_basic form-encodes both halves
 */
import { fail, pass, show, warn, type Finding } from '../finding.js';
import type { HttpResult } from '../walk/http.js';
import type { JsonObject } from './jsonDocument.js';

/** What the walker registers: a native public client with a loopback redirect URI. */
export interface RegistrationRequest {
  redirect_uris: string[];
  client_name: string;
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: string;
  application_type: string;
  scope?: string;
}

export interface RegistrationResult {
  findings: Finding[];
  /** The client information, when the body has a client_id (even if the status was wrong). */
  client?: JsonObject & { client_id: string };
}

/** Characters that encode identically under oauth4webapi's form-urlencoding and the MCP SDK's raw Basic. */
const CREDENTIAL_ALPHABET = /^[A-Za-z0-9_-]+$/;

export function checkRegistrationResponse(result: HttpResult, sent: RegistrationRequest, endpoint: string): RegistrationResult {
  const url = endpoint;
  if (result.kind === 'error') return { findings: [fail('dcr.status', result.message, { url, fix: 'make the registration endpoint reachable' })] };
  const findings: Finding[] = [];
  const { status, headers, json } = result;
  const body = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as JsonObject) : undefined;
  if (status === 201) findings.push(pass('dcr.status', '201 Created', { url }));
  else if (status >= 200 && status < 300) {
    findings.push(
      fail('dcr.status', `HTTP ${status}, not 201; oauth4webapi: "response" is not a conform Dynamic Client Registration Endpoint response (unexpected HTTP status code)`, {
        url,
        fix: 'answer a successful registration with 201 Created',
      }),
    );
  } else {
    const error = body && typeof body.error === 'string' ? `: ${body.error}${typeof body.error_description === 'string' ? ` (${body.error_description})` : ''}` : '';
    findings.push(fail('dcr.status', `HTTP ${status}${error} to ${show(sent)}`, { url, fix: 'accept a native public client with a loopback redirect URI (RFC 8252), as MCP clients register' }));
    return { findings };
  }
  const cacheControl = headers.get('cache-control') ?? '';
  findings.push(
    /\bno-store\b/i.test(cacheControl)
      ? pass('dcr.no_store', `Cache-Control: ${cacheControl}`, { url })
      : warn('dcr.no_store', `Cache-Control is ${show(headers.get('cache-control') ?? undefined)}; the response carries credentials`, { url, fix: 'send Cache-Control: no-store' }),
  );
  if (!body || typeof body.client_id !== 'string' || body.client_id === '') {
    findings.push(fail('dcr.client_id', `client_id is ${show(body?.client_id)}${body ? '' : ' (the body is not a JSON object)'}`, { url, fix: 'return the new client_id as a non-empty string' }));
    return { findings };
  }
  const client = body as JsonObject & { client_id: string };
  findings.push(pass('dcr.client_id', `client_id ${show(client.client_id)}`, { url }));
  findings.push(checkEcho(client, sent, url));
  findings.push(checkCredentials(client, url));
  findings.push(checkSecretExpiry(client, url));
  return { findings, client };
}

/** RFC 7591 §3.2.1: the response MUST contain all registered metadata, including values the server changed. */
function checkEcho(client: JsonObject, sent: RegistrationRequest, url: string): Finding {
  const echoed = client.redirect_uris;
  if (!Array.isArray(echoed)) {
    return fail('dcr.echo', `redirect_uris is ${show(echoed)}; the MCP SDK's client information schema requires it`, { url, fix: 'echo every registered member, redirect_uris included' });
  }
  if (!sent.redirect_uris.every((u) => echoed.includes(u))) {
    return fail('dcr.echo', `redirect_uris ${show(echoed)} does not contain the registered ${show(sent.redirect_uris)}`, { url, fix: 'register and echo the redirect URIs exactly as sent' });
  }
  const differences: string[] = [];
  if (echoed.length !== sent.redirect_uris.length) differences.push(`redirect_uris ${show(echoed)} (registered ${show(sent.redirect_uris)})`);
  for (const member of ['grant_types', 'response_types', 'token_endpoint_auth_method', 'client_name', 'application_type', 'scope'] as const) {
    const want = sent[member];
    if (want === undefined) continue;
    const got = client[member];
    if (got === undefined) differences.push(`${member} not echoed`);
    else if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`${member} ${show(got)} (registered ${show(want)})`);
  }
  if (typeof client.client_secret === 'string' && sent.token_endpoint_auth_method === 'none') {
    differences.push('a client_secret was issued to a client that registered token_endpoint_auth_method "none" (Claude Code then switches to client_secret_basic)');
  }
  if (differences.length > 0) return warn('dcr.echo', differences.join('; '), { url, fix: 'echo the registered metadata as registered (RFC 7591 §3.2.1)' });
  return pass('dcr.echo', 'redirect_uris, grant_types, response_types, token_endpoint_auth_method, client_name, application_type echoed as registered', { url });
}

function checkCredentials(client: JsonObject, url: string): Finding {
  const odd = (['client_id', 'client_secret'] as const).filter((m) => typeof client[m] === 'string' && !CREDENTIAL_ALPHABET.test(client[m] as string));
  if (odd.length === 0) return pass('dcr.credentials', `${typeof client.client_secret === 'string' ? 'client_id and client_secret use' : 'client_id uses'} only [A-Za-z0-9_-]`, { url });
  const message = `${odd.join(' and ')} ${odd.length > 1 ? 'contain' : 'contains'} characters outside [A-Za-z0-9_-]; oauth4webapi form-urlencodes Basic credentials, the MCP SDK does not, so one of them fails with invalid_client`;
  const fix = 'generate credentials from [A-Za-z0-9_-] (e.g. base64url of random bytes)';
  // Only Basic authentication differs between the clients; a public client sends client_id in the form body.
  return typeof client.client_secret === 'string' ? fail('dcr.credentials', message, { url, fix }) : warn('dcr.credentials', message, { url, fix });
}

function checkSecretExpiry(client: JsonObject, url: string): Finding {
  if (!client.client_secret) return pass('dcr.client_secret_expires_at', 'no client_secret issued (public client)', { url });
  const expires = client.client_secret_expires_at;
  if (typeof expires === 'number' && Number.isFinite(expires) && expires >= 0) {
    return pass('dcr.client_secret_expires_at', `client_secret_expires_at ${expires}${expires === 0 ? ' (never)' : ''}`, { url });
  }
  return fail('dcr.client_secret_expires_at', `client_secret issued with client_secret_expires_at ${show(expires)}; oauth4webapi: "response" body "client_secret_expires_at" property must be a number`, {
    url,
    fix: 'send client_secret_expires_at (0 = never expires) with every client_secret',
  });
}
