/**
 * Step 3 (`--register`, it creates a client): RFC 7591 registration as an MCP client does it — a native public
 * client with a loopback redirect URI — then the pure checks on the answer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.1 client registration request
 */
import { checkRegistrationResponse, type RegistrationRequest, type RegistrationResult } from '../checks/registration.js';
import { absoluteUrl, type JsonObject } from '../checks/jsonDocument.js';
import { fail } from '../finding.js';
import { request, type HttpPolicy } from './http.js';

export function registrationRequest(redirectUri: string, scope?: string): RegistrationRequest {
  return {
    redirect_uris: [redirectUri],
    client_name: 'clerk-mcp-issuer check',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    ...(scope ? { scope } : {}),
  };
}

export async function registerClient(metadata: JsonObject | undefined, sent: RegistrationRequest, policy: HttpPolicy): Promise<RegistrationResult> {
  const endpoint = absoluteUrl(metadata?.registration_endpoint)?.href;
  if (!metadata) return { findings: [fail('dcr.status', 'not attempted: no authorization server metadata was found', { fix: 'see the as.* findings' })] };
  if (!endpoint) return { findings: [fail('dcr.status', 'not attempted: the metadata has no registration_endpoint', { fix: 'advertise registration_endpoint (RFC 8414 §2)' })] };
  const result = await request(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(sent) }, policy);
  return checkRegistrationResponse(result, sent, endpoint);
}
