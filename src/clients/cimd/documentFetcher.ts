/**
 * Fetching a Client ID Metadata Document with SSRF guards: the host is resolved first and every address
 * checked; the connection goes to the checked address (no second lookup an attacker could rebind); no
 * redirects; a size and a time limit.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document#section-4
 */
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isLoopbackAddress, isPublicAddress } from './addressPolicy.js';

/** What a fetch returns: enough for validation and HTTP caching. */
export interface FetchedDocument {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Fetches a document URL; injectable for tests and custom egress. Rejects with a message fit for a user. */
export type DocumentFetcher = (url: URL) => Promise<FetchedDocument>;

export interface GuardedFetcherOptions {
  /** Largest body accepted. Default 5 KB (a metadata document is a few hundred bytes). */
  maxBytes?: number;
  /** Whole-request time limit. Default 5 s. */
  timeoutMs?: number;
  /** Dev only: allow loopback addresses, over `http://` too (local clients and tests). */
  allowLoopback?: boolean;
  /** Extra trusted CA certificates (PEM), e.g. a corporate TLS proxy or a test's self-signed certificate. */
  ca?: string | string[];
}

export class DocumentFetchError extends Error {}

/** The default fetcher, with every guard on. */
export function guardedDocumentFetcher(options: GuardedFetcherOptions = {}): DocumentFetcher {
  const maxBytes = options.maxBytes ?? 5 * 1024;
  const timeoutMs = options.timeoutMs ?? 5000;
  return async (url) => {
    const loopbackAllowed = options.allowLoopback === true;
    if (url.protocol !== 'https:' && !(loopbackAllowed && url.protocol === 'http:')) throw new DocumentFetchError('the client_id URL must use https');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const addresses = await lookup(host, { all: true, verbatim: true }).catch(() => {
      throw new DocumentFetchError(`the client_id host ${url.hostname} does not resolve`);
    });
    const allowed = (a: string) => isPublicAddress(a) || (loopbackAllowed && isLoopbackAddress(a));
    const refused = addresses.find((a) => !allowed(a.address));
    if (addresses.length === 0 || refused) {
      throw new DocumentFetchError(`the client_id host ${url.hostname} resolves to a non-public address; refused`);
    }
    const target = addresses[0];
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<FetchedDocument>((resolve, reject) => {
      const req = client.request(
        url,
        {
          method: 'GET',
          headers: { accept: 'application/json' },
          // Connect to the address that was checked, whatever DNS answers now; TLS still verifies the host name.
          lookup: (_hostname, opts, callback) => {
            if ((opts as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
            else callback(null, target.address, target.family);
          },
          timeout: timeoutMs,
          ...(options.ca ? { ca: options.ca } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              req.destroy();
              reject(new DocumentFetchError(`the client metadata document is larger than ${maxBytes} bytes`));
            } else chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => reject(new DocumentFetchError(`fetching the client metadata document failed: ${e.message}`)));
        },
      );
      const deadline = setTimeout(() => req.destroy(new DocumentFetchError(`fetching the client metadata document took longer than ${timeoutMs} ms`)), timeoutMs);
      req.on('timeout', () => req.destroy(new DocumentFetchError(`fetching the client metadata document took longer than ${timeoutMs} ms`)));
      req.on('error', (e) => reject(e instanceof DocumentFetchError ? e : new DocumentFetchError(`fetching the client metadata document failed: ${e.message}`)));
      req.on('close', () => clearTimeout(deadline));
      req.end();
    });
  };
}
