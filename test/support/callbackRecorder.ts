/**
 * The loopback redirect URI a native MCP client listens on (RFC 8252 §7.3): it records every request to its
 * callback path exactly as it arrived, so a test can assert what the authorization server sent the browser
 * back with, each parameter counted, not parsed away.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startLoopbackServer } from '../../src/testing/index.js';

export interface CallbackRecorder {
  /** The redirect URI to register: `http://127.0.0.1:<port>/callback`. */
  redirectUri: string;
  /** Every request to `/callback`, as raw request targets (`/callback?code=…`), oldest first. */
  readonly hits: string[];
  close(): Promise<void>;
}

export async function startCallbackRecorder(): Promise<CallbackRecorder> {
  const server = await startLoopbackServer();
  const hits: string[] = [];
  server.serve((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', server.origin);
    if (url.pathname !== '/callback') return void res.writeHead(404).end();
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Done</title><p>Signed in. You can close this window.</p>');
  });
  return { redirectUri: `${server.origin}/callback`, hits, close: () => server.close() };
}
