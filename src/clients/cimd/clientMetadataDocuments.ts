/**
 * Client ID Metadata Documents (CIMD): a `client_id` that is an https URL names the client's own metadata
 * document. The kit fetches it (SSRF-guarded), checks it, caches it per HTTP caching headers, and treats the
 * client as public (`none`): the MCP authorization spec's successor to dynamic registration.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#client-id-metadata-documents
 */
import CachePolicy from 'http-cache-semantics';
import { OAuthError } from '../../errors/oauthError.js';
import { checkClientMetadata, type ClientRecord } from '../clientMetadata.js';
import { isLoopbackHost } from '../../config/issuerUrls.js';
import { DocumentFetchError, type DocumentFetcher } from './documentFetcher.js';

/** The longest a document is cached, whatever its headers say: a client's redirect URIs may change. */
const MAX_TTL_MS = 24 * 3600 * 1000;
const MAX_ENTRIES = 1000;
/**
 * How long a document that could not be used is remembered: an anonymous `/authorize` with a failing
 * `client_id` must not make the server fetch it again every time (its fetches are also rate limited per IP).
 */
const FAILURE_TTL_MS = 60 * 1000;
const MAX_FAILURES = 1000;

/** A document could not be used; the message says why (shown on the error page, or as `invalid_client`). */
export class ClientMetadataDocumentError extends Error {}

/**
 * True when `clientId` names a metadata document: an `https:` URL with a path and no fragment, credentials or
 * dot segments (draft §3); `http:` on loopback only with the dev allowance.
 */
export function isMetadataDocumentUrl(clientId: string, allowLoopback = false): boolean {
  if (!/^https?:\/\//i.test(clientId)) return false;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  if (url.href !== clientId || url.hash || url.username || url.password || url.pathname === '/') return false;
  if (/\/\.\.?(\/|$)/.test(clientId.slice(url.origin.length))) return false;
  return url.protocol === 'https:' || (allowLoopback && url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

interface CacheEntry {
  record: ClientRecord;
  expiresAt: number;
}

export class ClientMetadataDocuments {
  readonly #cache = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<ClientRecord>>();
  readonly #failures = new Map<string, { error: ClientMetadataDocumentError; expiresAt: number }>();

  constructor(
    private readonly fetcher: DocumentFetcher,
    private readonly supportedScopes: ReadonlyMap<string, unknown>,
    readonly allowLoopback: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** The client a document URL describes, from cache or a fresh fetch. Throws {@link ClientMetadataDocumentError}. */
  async resolve(clientId: string): Promise<ClientRecord> {
    const cached = this.#cache.get(clientId);
    if (cached && cached.expiresAt > this.now()) return cached.record;
    const failed = this.#failures.get(clientId);
    if (failed && failed.expiresAt > this.now()) throw failed.error;
    // Concurrent requests for one client share one fetch.
    let pending = this.#inFlight.get(clientId);
    if (!pending) {
      pending = this.#fetchAndCheck(clientId)
        .catch((error: unknown) => {
          if (error instanceof ClientMetadataDocumentError) this.#rememberFailure(clientId, error);
          throw error;
        })
        .finally(() => this.#inFlight.delete(clientId));
      this.#inFlight.set(clientId, pending);
    }
    return pending;
  }

  /** Negative cache, bounded: the oldest failure goes first. */
  #rememberFailure(clientId: string, error: ClientMetadataDocumentError): void {
    this.#failures.delete(clientId);
    if (this.#failures.size >= MAX_FAILURES) this.#failures.delete(this.#failures.keys().next().value as string);
    this.#failures.set(clientId, { error, expiresAt: this.now() + FAILURE_TTL_MS });
  }

  async #fetchAndCheck(clientId: string): Promise<ClientRecord> {
    const url = new URL(clientId);
    let fetched;
    try {
      fetched = await this.fetcher(url);
    } catch (error) {
      throw new ClientMetadataDocumentError(error instanceof DocumentFetchError ? error.message : 'the client metadata document could not be fetched');
    }
    if (fetched.status >= 300 && fetched.status < 400) throw new ClientMetadataDocumentError('the client metadata document URL redirects; redirects are not followed');
    if (fetched.status !== 200) throw new ClientMetadataDocumentError(`the client metadata document answered HTTP ${fetched.status}`);
    const contentType = String(fetched.headers['content-type'] ?? '');
    if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType)) throw new ClientMetadataDocumentError('the client metadata document must be served as application/json');
    let doc: unknown;
    try {
      doc = JSON.parse(fetched.body);
    } catch {
      throw new ClientMetadataDocumentError('the client metadata document is not valid JSON');
    }
    const record = this.#check(clientId, doc);

    const policy = new CachePolicy({ url: url.pathname + url.search, method: 'GET', headers: { host: url.host } }, { status: fetched.status, headers: fetched.headers });
    const ttl = policy.storable() ? Math.min(policy.timeToLive(), MAX_TTL_MS) : 0;
    if (ttl > 0) {
      if (this.#cache.size >= MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(clientId, { record, expiresAt: this.now() + ttl });
    } else {
      this.#cache.delete(clientId);
    }
    return record;
  }

  /** The document's checks (draft §4.1): `client_id` equals the URL exactly; a name; redirect URIs; public. */
  #check(clientId: string, doc: unknown): ClientRecord {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ClientMetadataDocumentError('the client metadata document must be a JSON object');
    const m = doc as Record<string, unknown>;
    if (m.client_id !== clientId) throw new ClientMetadataDocumentError('the document\'s client_id does not equal its URL exactly');
    if (typeof m.client_name !== 'string' || m.client_name.trim() === '') throw new ClientMetadataDocumentError('the document has no client_name');
    if (m.client_secret !== undefined || m.client_secret_expires_at !== undefined) {
      throw new ClientMetadataDocumentError('a client metadata document must not carry a client secret');
    }
    if (m.token_endpoint_auth_method !== undefined && m.token_endpoint_auth_method !== 'none') {
      throw new ClientMetadataDocumentError('only public clients (token_endpoint_auth_method "none") are supported for metadata documents');
    }
    try {
      const metadata = checkClientMetadata({ ...m, token_endpoint_auth_method: 'none' }, this.supportedScopes);
      return { ...metadata, client_id: clientId, client_id_issued_at: 0, metadata_document: true };
    } catch (error) {
      throw new ClientMetadataDocumentError(error instanceof OAuthError ? `the document is invalid: ${error.description}` : 'the document is invalid');
    }
  }
}
