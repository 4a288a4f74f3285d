/**
 * Registered clients: dynamic registration writes them, every endpoint reads them here. (A later client
 * source, Client ID Metadata Documents, plugs in at {@link ClientRegistry.find}.)
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1 client information response
 */
import { constantTimeEqual, hashCredential, randomCredential } from '../crypto/secrets.js';
import { KEYS } from '../grants/grant.js';
import type { Store } from '../store/store.js';
import type { ClientMetadata, ClientRecord } from './clientMetadata.js';

/** The registration response: registered metadata echoed, plus credentials. */
export type ClientInformation = ClientMetadata & {
  client_id: string;
  client_id_issued_at: number;
  client_secret?: string;
  client_secret_expires_at?: number;
};

export class ClientRegistry {
  constructor(private readonly store: Store) {}

  /** Registers a client; a secret is issued only to confidential clients (auth method other than `none`). */
  async register(metadata: ClientMetadata, now: number): Promise<ClientInformation> {
    const clientId = randomCredential(18);
    const secret = metadata.token_endpoint_auth_method === 'none' ? undefined : randomCredential(32);
    const record: ClientRecord = {
      ...metadata,
      client_id: clientId,
      client_id_issued_at: now,
      ...(secret ? { client_secret_hash: hashCredential(secret) } : {}),
    };
    await this.store.put(KEYS.client(clientId), record);
    return {
      client_id: clientId,
      client_id_issued_at: now,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      ...metadata,
    };
  }

  /** The client, or `undefined` for an unknown (or malformed) id. */
  async find(clientId: unknown): Promise<ClientRecord | undefined> {
    if (typeof clientId !== 'string' || clientId === '' || clientId.length > 256) return undefined;
    return this.store.get<ClientRecord>(KEYS.client(clientId));
  }

  /** Constant-time check of a presented secret against the stored hash. */
  static secretMatches(client: ClientRecord, secret: string): boolean {
    return client.client_secret_hash !== undefined && constantTimeEqual(hashCredential(secret), client.client_secret_hash);
  }
}
