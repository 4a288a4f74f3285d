/**
 * Resident memory per active grant in the kit's MemoryStore, stored the way the token endpoint stores a grant:
 * the authorization code is issued and redeemed (leaving the used-code marker), the grant is indexed by Clerk
 * session and by user (one user and one session per grant, the most the indexes cost), then the refresh family
 * starts (family record with the kept identity claims + refresh-token record). Run with `--expose-gc`;
 * `global.gc()` before and after.
 *
 * argv: number of grants (default 100000). Answers `{ type: 'ready' }`, then `{ type: 'result', … }`.
 */
import { randomBytes } from 'node:crypto';
import { AuthorizationCodes } from '../src/grants/authorizationCode.js';
import { RefreshFamilies } from '../src/grants/refreshFamily.js';
import { GrantIndex } from '../src/grants/grantIndex.js';
import { Revocations } from '../src/grants/revocation.js';
import type { Grant } from '../src/grants/grant.js';
import { MemoryStore } from '../src/store/memory.js';
import { randomCredential } from '../src/crypto/secrets.js';
import { finish } from './lib/child.js';

const grants = Number(process.argv[2] ?? 100_000);

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) collect();
}

async function main() {
  process.send!({ type: 'ready' });
  // The kit's default lifetimes: code 60 s, access token 1 h (used-code marker), refresh 30 days.
  const store = new MemoryStore();
  const revocations = new Revocations(store, 3600);
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const codes = new AuthorizationCodes(store, revocations, 60, 3600, quiet);
  const families = new RefreshFamilies(store, revocations, 30 * 24 * 3600, 60, randomBytes(32));
  const index = new GrantIndex(store, revocations, { accessToken: 3600, refreshToken: 30 * 24 * 3600 });
  const clientId = randomCredential(16);
  const resource = 'https://mcp.example.com/mcp';
  const now = Math.floor(Date.now() / 1000);

  // The bench's own ids come from a counter (same lengths as Clerk's and PKCE's): random bytes here would only
  // slow the bench down; the kit's own credentials (grant id, code, refresh token) stay random as in production.
  let n = 0;
  const id = (length: number) => String(++n).padStart(length, '0');
  const store1 = async () => {
    // What /authorize binds a code to (authorizeEndpoint.issueCode), with Clerk-shaped ids.
    const grant: Grant = {
      grantId: randomCredential(16),
      clientId,
      userId: `user_${id(27)}`,
      sessionId: `sess_${id(27)}`,
      scopes: ['openid', 'profile', 'email', 'offline_access', 'mcp:tools'],
      resource,
      authTime: now,
      // The identity claims kept with the grant (SPEC §11), as the shipped mcp-id-token template mints them.
      claims: {
        name: 'Alexandra Example',
        given_name: 'Alexandra',
        family_name: 'Example',
        preferred_username: 'alexandra',
        picture: `https://img.clerk.com/${id(120)}`,
        email: 'alexandra.example@example.com',
        email_verified: true,
      },
    };
    const code = await codes.issue({
      ...grant,
      redirectUri: 'http://127.0.0.1:33418/callback',
      redirectUriSent: true,
      codeChallenge: id(43),
      nonce: id(22),
    });
    const record = await codes.redeem(code);
    if (!record) throw new Error('code not redeemed');
    // The code exchange indexes the grant by Clerk session and by user (webhooks, connected apps) as it starts it.
    await index.add(grant, { refreshable: true, now, client: { clientName: 'Example MCP Client', redirectHost: '127.0.0.1:33418' } });
    await families.start(grant, now);
  };

  // Warm the code paths and the Map's first growth steps, so the baseline is not the empty process.
  for (let i = 0; i < 1000; i++) await store1();
  gc();
  const before = process.memoryUsage();
  const entriesBefore = store.size;
  const started = performance.now();
  for (let i = 0; i < grants; i++) await store1();
  const elapsed = (performance.now() - started) / 1000;
  gc();
  const after = process.memoryUsage();
  const entries = store.size - entriesBefore;
  // Per grant: used-code marker, family, refresh-token record, the session's index, the user's index.
  if (entries !== grants * 5) throw new Error(`expected ${grants * 5} new records, found ${entries}`);
  finish({
    type: 'result',
    grants,
    records: entries,
    rssBytesPerGrant: (after.rss - before.rss) / grants,
    heapBytesPerGrant: (after.heapUsed - before.heapUsed) / grants,
    grantsPerSecond: grants / elapsed,
    rss: { before: before.rss, after: after.rss },
    heapUsed: { before: before.heapUsed, after: after.heapUsed },
  });
}

main().catch((error) => {
  process.stderr.write(`[bench memory] ${error?.stack ?? error}\n`);
  process.exit(1);
});
