/**
 * A loopback HTTP server that knows its origin before the app it serves exists.
 *
 * Why: the issuer string, the dev stand-in's Backend API URL and the sign-in URL are all built from the app's
 * origin, and the kit calls that Backend API over HTTP while it authorizes. So an app under test must really
 * listen at the origin it was configured with; with an ephemeral port, that origin is known only once the
 * socket is bound. Bind first, build the app with {@link LoopbackServer.origin}, then {@link LoopbackServer.serve} it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 the issuer is the origin the server is reached at
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`: use it as the issuer and as `createDevClerk({ origin })`. */
  readonly origin: string;
  /** Starts answering with `app` (an Express app is a request listener). Until then every request gets 503. */
  serve(app: RequestListener): void;
  /** Stops listening and drops keep-alive connections, so a test run can exit. */
  close(): Promise<void>;
}

/**
 * Binds an ephemeral port on 127.0.0.1 and returns its origin; give it the app with `serve(app)` once built.
 *
 * @example
 * const server = await startLoopbackServer();
 * const devClerk = await createDevClerk({ origin: server.origin });
 * const issuer = await createMcpIssuer({ issuer: server.origin, resource: `${server.origin}/mcp`, dev: true, clerk: devClerk.clerkOptions });
 * const app = express().use(devClerk.router, issuer.router);
 * server.serve(app);
 *
 * @see getAccessToken for the token such an app hands out
 */
export async function startLoopbackServer(): Promise<LoopbackServer> {
  let handler: RequestListener | undefined;
  const server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('the app is not served yet: call serve(app)\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    serve(app) {
      handler = app;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // fetch() keeps connections alive; without this, close() waits for them to idle out.
        server.closeAllConnections();
      }),
  };
}
