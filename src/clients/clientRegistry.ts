/**
 * Clients: registered ones (dynamic registration writes them) and metadata-document ones (fetched by URL);
 * every endpoint reads them here.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1 client information response
 */
import { constantTimeEqual, hashCredential, randomCredential } from '../crypto/secrets.js';
import { KEYS } from '../grants/grant.js';
import type { Store } from '../store/store.js';
import type { ClientMetadata, ClientRecord } from './clientMetadata.js';
import { isMetadataDocumentUrl, type ClientMetadataDocuments } from './cimd/clientMetadataDocuments.js';

/** The registration response: registered metadata echoed, plus credentials. */
export type ClientInformation = ClientMetadata & {
  client_id: string;
  client_id_issued_at: number;
  client_secret?: string;
  client_secret_expires_at?: number;
};

export class ClientRegistry {
  constructor(
    private readonly store: Store,
    /** Seconds a registered client is kept after registration or its last code exchange. */
    private readonly lifetime: number,
    /** Client ID Metadata Documents, when enabled. */
    private readonly documents?: ClientMetadataDocuments,
  ) {}

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
    await this.store.put(KEYS.client(clientId), record, this.lifetime);
    return {
      client_id: clientId,
      client_id_issued_at: now,
      ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
      ...metadata,
    };
  }

  /**
   * The client, or `undefined` for an unknown (or malformed) id. A URL client id is resolved as a metadata
   * document; a document that cannot be used throws {@link ClientMetadataDocumentError} with the reason.
   */
  async find(clientId: unknown): Promise<ClientRecord | undefined> {
    if (typeof clientId !== 'string' || clientId === '' || clientId.length > 2048) return undefined;
    if (this.documents && isMetadataDocumentUrl(clientId, this.documents.allowLoopback)) return this.documents.resolve(clientId);
    if (clientId.length > 256) return undefined;
    return this.store.get<ClientRecord>(KEYS.client(clientId));
  }

  /** Keeps a registered client for another lifetime: called when it starts a new grant. */
  async keepAlive(client: ClientRecord): Promise<void> {
    if (!client.metadata_document) await this.store.put(KEYS.client(client.client_id), client, this.lifetime);
  }

  /** Constant-time check of a presented secret against the stored hash. */
  static secretMatches(client: ClientRecord, secret: string): boolean {
    return client.client_secret_hash !== undefined && constantTimeEqual(hashCredential(secret), client.client_secret_hash);
  }
}
