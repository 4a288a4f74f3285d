/**
 * Client authentication at the token and revocation endpoints: `none`, `client_secret_basic`,
 * `client_secret_post`, exactly one method per request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1 client password
 */
import type { Request } from 'express';
import { OAuthError } from '../errors/oauthError.js';
import type { ClientRecord } from '../clients/clientMetadata.js';
import { ClientRegistry } from '../clients/clientRegistry.js';
import { ClientMetadataDocumentError } from '../clients/cimd/clientMetadataDocuments.js';

interface PresentedCredentials {
  method: 'none' | 'client_secret_basic' | 'client_secret_post';
  clientId: string;
  secret?: string;
}

/** `application/x-www-form-urlencoded` decoding of one Basic credential half (RFC 6749 §2.3.1). */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function invalidClient(description: string, basic: boolean): OAuthError {
  // RFC 6749 §5.2: a client that tried the Authorization header gets 401 with a matching challenge.
  return new OAuthError('invalid_client', { description, headers: basic ? { 'WWW-Authenticate': 'Basic realm="token"' } : {} });
}

/** Reads the credentials the request presents; refuses more than one method at once. */
export function presentedCredentials(req: Request, body: Record<string, string>): PresentedCredentials {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    if (!match) throw invalidClient('the Authorization header must be HTTP Basic client credentials', true);
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient('Basic credentials must be client_id:client_secret', true);
    let clientId: string;
    let secret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw invalidClient('Basic credentials are not form-url-encoded', true);
    }
    if (body.client_secret !== undefined) throw new OAuthError('invalid_request', { description: 'use one client authentication method, not two' });
    if (body.client_id !== undefined && body.client_id !== clientId) {
      throw invalidClient('client_id in the body differs from the Basic credentials', true);
    }
    return { method: 'client_secret_basic', clientId, secret };
  }
  if (typeof body.client_id !== 'string' || body.client_id === '') {
    throw invalidClient('client authentication required: send client_id (and client_secret if confidential)', false);
  }
  if (body.client_secret !== undefined) return { method: 'client_secret_post', clientId: body.client_id, secret: body.client_secret };
  return { method: 'none', clientId: body.client_id };
}

/**
 * Authenticates the client of a token or revocation request. A confidential client may use either secret
 * method (openid-client defaults to post, the MCP SDK to basic); a public client presents only its id.
 */
export async function authenticateClient(req: Request, body: Record<string, string>, registry: ClientRegistry): Promise<ClientRecord> {
  const presented = presentedCredentials(req, body);
  const basic = presented.method === 'client_secret_basic';
  const client = await registry.find(presented.clientId).catch((error) => {
    if (error instanceof ClientMetadataDocumentError) throw invalidClient(`the client metadata document cannot be used: ${error.message}`, basic);
    throw error;
  });
  if (!client) throw invalidClient('unknown client', basic);
  if (client.token_endpoint_auth_method === 'none') {
    if (presented.method !== 'none') throw invalidClient('this client is public and has no secret', basic);
    return client;
  }
  if (presented.secret === undefined) throw invalidClient('client authentication required: this client is confidential', basic);
  if (!ClientRegistry.secretMatches(client, presented.secret)) throw invalidClient('client authentication failed', basic);
  return client;
}
