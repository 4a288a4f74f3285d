/**
 * The certified peer, for `npm run bench`: panva's `oidc-provider` (an OpenID Certified provider) configured as
 * close to the kit as it allows, in its own process, so that code exchanges and refreshes can be measured against
 * both in one interleaved run on the same machine.
 *
 * Like the kit: one public client (`token_endpoint_auth_method: none`), PKCE S256 required, RS256 (2048-bit)
 * id_tokens, RFC 9068 JWT access tokens for one resource indicator (RFC 8707), refresh tokens rotated on every
 * use, the same lifetimes (code 600 s as in the bench's kit, access token and id_token 1 h, refresh 30 d), and
 * an unbounded in-memory adapter (like the kit's memory store; oidc-provider's own is a 1,000-entry LRU). A
 * refresh token is issued whenever the client may use the refresh grant, as the kit does (oidc-provider's default
 * asks for `offline_access` with `prompt=consent`).
 * The user's sign-in and consent are answered by this process at `/interaction/:uid` with no page: the bench
 * measures the token endpoint only.
 *
 * Ready message: `{ type: 'ready', origin, clientId, redirectUri, resource, scope, pid }`; `{ type: 'cpu' }` →
 * CPU µs so far; `{ type: 'stop' }` ends it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import { PeerMemoryAdapter } from './lib/peerAdapter.js';

export interface PeerReady {
  type: 'ready';
  origin: string;
  clientId: string;
  redirectUri: string;
  resource: string;
  scope: string;
  pid: number;
}

const CLIENT_ID = 'bench';
// The kit's bench client's redirect URI (bench/lib/oauth.ts); never followed: the code is read from Location.
const REDIRECT_URI = 'https://client.bench.example/callback';
const ACCOUNT = 'user_test_alice';
const RESOURCE_SCOPE = 'mcp:tools';
const OIDC_SCOPE = 'openid profile email offline_access';

async function main(): Promise<void> {
  // oidc-provider prints a one-line warning on Node 20 (it asks for 22 LTS); it runs on 20 all the same.
  const { default: Provider } = await import('oidc-provider');
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const resource = `${origin}/mcp`;

  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'bench' };

  const provider = new Provider(origin, {
    adapter: PeerMemoryAdapter,
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // The resource's own scope comes from getResourceServerInfo; these are the OIDC scopes.
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'picture'] },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, email: 'alice@example.com', email_verified: true, name: 'Alice Example', given_name: 'Alice', family_name: 'Example' }),
    }),
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: RESOURCE_SCOPE, audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    ttl: { AuthorizationCode: 600, AccessToken: 3600, IdToken: 3600, RefreshToken: 30 * 24 * 3600, Grant: 30 * 24 * 3600, Session: 24 * 3600, Interaction: 3600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  });
  // The server is where the loopback connection ends: there is no proxy in front.
  provider.proxy = false;
  // A connection autocannon drops mid-request (a batch of codes ran dry) is not worth a stack trace per socket.
  provider.silent = true;
  const oidc = provider.callback();

  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return oidc(req, res);
    // Sign-in and consent at once, for alice: login, then a grant of the requested OIDC scopes and the resource scope.
    void (async () => {
      await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: ACCOUNT, clientId: CLIENT_ID });
      grant.addOIDCScope(OIDC_SCOPE);
      grant.addResourceScope(resource, RESOURCE_SCOPE);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT }, consent: { grantId } }, { mergeWithLastSubmission: false });
    })().catch((error) => {
      res.statusCode = 500;
      res.end(String(error?.message ?? error));
    });
  });

  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') process.exit(0);
    if (message?.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ type: 'cpu', micros: user + system });
    }
  });
  process.on('disconnect', () => process.exit(0));

  const ready: PeerReady = { type: 'ready', origin, clientId: CLIENT_ID, redirectUri: REDIRECT_URI, resource, scope: `${OIDC_SCOPE} ${RESOURCE_SCOPE}`, pid: process.pid };
  process.send!(ready);
}

main().catch((error) => {
  process.stderr.write(`[bench peer] failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
