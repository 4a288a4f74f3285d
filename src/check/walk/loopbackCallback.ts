/**
 * The redirect URI of a native client: an ephemeral HTTP server on 127.0.0.1 with a `/callback` path, as MCP
 * clients register it. It waits for the first authorization response and hands back its full URL.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3 loopback interface redirection
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackCallback {
  /** `http://127.0.0.1:<port>/callback`. */
  redirectUri: string;
  /** Resolves with the callback URL, or undefined after `timeoutMs`. */
  wait(timeoutMs: number): Promise<URL | undefined>;
  close(): Promise<void>;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>clerk-mcp-issuer check</title>
<p>The authorization response reached <code>clerk-mcp-issuer check</code>. You can close this tab; the report is in your terminal.</p>`;

export async function startLoopbackCallback(port = 0): Promise<LoopbackCallback> {
  let deliver: (url: URL) => void = () => {};
  const received = new Promise<URL>((resolve) => (deliver = resolve));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE);
    deliver(url);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  return {
    redirectUri,
    wait(timeoutMs) {
      let expire: (value: undefined) => void = () => {};
      const timeout = new Promise<undefined>((resolve) => (expire = resolve));
      const timer = setTimeout(() => expire(undefined), timeoutMs);
      return Promise.race([received, timeout]).finally(() => clearTimeout(timer));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
