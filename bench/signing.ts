/**
 * The crypto floor of the token endpoint: raw RS256 (2048-bit RSA) signatures per second of the kit's own
 * signer (`TokenKeys.sign`, i.e. jose `SignJWT`), in-process, no HTTP, nothing else running. jose signs with
 * WebCrypto, whose jobs run on libuv's thread pool: one signature in flight keeps one core busy; several in
 * flight let every core the process may use sign. The parent pins this process to one core (`taskset`) before
 * it says go, so "8 in flight" is what one core (the server child's share of the machine) can sign.
 *
 * Answers the parent with `{ type: 'ready' }`, then one `{ type: 'result', sequential, concurrent }`.
 */
import { randomBytes } from 'node:crypto';
import { generateSigningKey, loadSigningKeys } from '../src/keys/jwkSet.js';
import { TokenKeys } from '../src/tokens/tokenKeys.js';
import { finish } from './lib/child.js';

const seconds = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  // The parent may pin this process to one core first (taskset): it says go once it has.
  const go = new Promise((resolve) => process.once('message', resolve));
  process.send!({ type: 'ready' });
  await go;
  const keys = new TokenKeys(await loadSigningKeys({ keys: [await generateSigningKey('RS256')] }));
  const now = Math.floor(Date.now() / 1000);
  // What an access token carries (the id_token is about the same size).
  const payload = () => ({
    iss: 'http://127.0.0.1:3000',
    sub: 'user_test_alice',
    aud: 'http://127.0.0.1:3000/mcp',
    client_id: randomBytes(16).toString('base64url'),
    scope: 'openid profile email offline_access mcp:tools',
    iat: now,
    exp: now + 3600,
    jti: randomBytes(16).toString('base64url'),
    auth_time: now,
    sid: 'sess_2abcdefghijklmnopqrstuvwxyz',
    gid: randomBytes(16).toString('base64url'),
  });

  const measure = async (inFlight: number, forSeconds: number) => {
    let done = 0;
    const until = performance.now() + forSeconds * 1000;
    const worker = async () => {
      while (performance.now() < until) {
        await keys.sign(payload(), 'at+jwt');
        done++;
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: inFlight }, worker));
    return done / ((performance.now() - start) / 1000);
  };

  await measure(1, 0.5);
  await measure(8, 0.5);
  const sequential: number[] = [];
  const concurrent: number[] = [];
  for (let i = 0; i < rounds; i++) {
    sequential.push(await measure(1, seconds));
    concurrent.push(await measure(8, seconds));
  }
  finish({ type: 'result', sequential: median(sequential), concurrent: median(concurrent) });
}

main().catch((error) => {
  process.stderr.write(`[bench signing] ${error?.stack ?? error}\n`);
  process.exit(1);
});
