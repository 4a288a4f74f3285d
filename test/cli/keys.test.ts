import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { runCli, type CliRun } from './runCli.js';

interface PrivateSet {
  keys: (JWK & { kid: string; alg: string })[];
}

/** Signs with the set's first key, as the middleware does. */
async function signWith(set: PrivateSet, sub = 'user_test_alice'): Promise<string> {
  const [signer] = set.keys;
  const key = await importJWK(signer, signer.alg);
  return new SignJWT({ sub }).setProtectedHeader({ alg: signer.alg, kid: signer.kid }).setIssuer('https://mcp.example.com').setIssuedAt().setExpirationTime('5m').sign(key);
}

async function publicOf(set: PrivateSet): Promise<JSONWebKeySet> {
  const run = await runCli(['keys', 'public', '--in', '-'], { input: JSON.stringify(set) });
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as JSONWebKeySet;
}

async function verifies(token: string, jwks: JSONWebKeySet): Promise<boolean> {
  try {
    await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'https://mcp.example.com' });
    return true;
  } catch {
    return false;
  }
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'];
/** Every private member value of every key seen in the tests, to look for on stderr. */
const secrets = new Set<string>();
const stderrs: string[] = [];

function remember(run: CliRun): CliRun {
  stderrs.push(run.stderr);
  for (const text of [run.stdout]) {
    try {
      for (const key of (JSON.parse(text) as PrivateSet).keys ?? []) {
        for (const member of PRIVATE_MEMBERS) if (typeof key[member as keyof JWK] === 'string') secrets.add(String(key[member as keyof JWK]));
      }
    } catch {
      // not a key set
    }
  }
  return run;
}

async function cli(args: string[], input?: string): Promise<CliRun> {
  return remember(await runCli(args, { input }));
}

describe('clerk-mcp-issuer keys', function () {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cmi-keys-'));
  });

  for (const alg of ['RS256', 'ES256', 'EdDSA']) {
    it(`keys generate --alg ${alg} - the first key signs tokens that verify against keys public`, async () => {
      const run = await cli(['keys', 'generate', '--alg', alg]);
      assert.equal(run.code, 0, run.stderr);
      const set = JSON.parse(run.stdout) as PrivateSet;
      assert.equal(set.keys.length, 1);
      assert.equal(set.keys[0].alg, alg);
      assert.equal(set.keys[0].use, 'sig');
      assert.equal(typeof set.keys[0].d, 'string');
      const jwks = await publicOf(set);
      for (const key of jwks.keys) for (const member of PRIVATE_MEMBERS) assert.equal(member in key, false, `public JWK has "${member}"`);
      const token = await signWith(set);
      assert.equal(decodeProtectedHeader(token).kid, set.keys[0].kid);
      assert.equal(await verifies(token, jwks), true);
    });
  }

  it('keys generate - RS256 by default, with a 2048-bit modulus', async () => {
    const run = await cli(['keys', 'generate']);
    assert.equal(run.code, 0, run.stderr);
    const [key] = (JSON.parse(run.stdout) as PrivateSet).keys;
    assert.equal(key.alg, 'RS256');
    assert.equal(Buffer.from(String(key.n), 'base64url').length * 8, 2048);
  });

  it('keys rotate - a new signer in front; tokens of the old key still verify, new tokens carry the new kid', async () => {
    const old = JSON.parse((await cli(['keys', 'generate'])).stdout) as PrivateSet;
    const oldToken = await signWith(old);
    const run = await cli(['keys', 'rotate', '--in', '-', '--alg', 'ES256'], JSON.stringify(old));
    assert.equal(run.code, 0, run.stderr);
    const rotated = JSON.parse(run.stdout) as PrivateSet;
    assert.equal(rotated.keys.length, 2);
    assert.equal(rotated.keys[0].alg, 'ES256');
    assert.notEqual(rotated.keys[0].kid, old.keys[0].kid);
    assert.equal(rotated.keys[1].kid, old.keys[0].kid);
    const jwks = await publicOf(rotated);
    assert.equal(await verifies(oldToken, jwks), true, 'a token of the old key still verifies');
    const newToken = await signWith(rotated);
    assert.equal(decodeProtectedHeader(newToken).kid, rotated.keys[0].kid);
    assert.equal(await verifies(newToken, jwks), true);
  });

  it('keys rotate --publish-only, then keys promote - several instances: the new key is published before it signs', async () => {
    const old = JSON.parse((await cli(['keys', 'generate'])).stdout) as PrivateSet;
    const oldToken = await signWith(old);
    const published = JSON.parse((await cli(['keys', 'rotate', '--in', '-', '--publish-only'], JSON.stringify(old))).stdout) as PrivateSet;
    assert.equal(published.keys[0].kid, old.keys[0].kid, 'the old key still signs');
    const newKid = published.keys[1].kid;
    assert.equal(decodeProtectedHeader(await signWith(published)).kid, old.keys[0].kid);

    const run = await cli(['keys', 'promote', '--in', '-', '--kid', newKid], JSON.stringify(published));
    assert.equal(run.code, 0, run.stderr);
    const promoted = JSON.parse(run.stdout) as PrivateSet;
    assert.deepEqual(promoted.keys.map((k) => k.kid), [newKid, old.keys[0].kid]);
    // An instance still on the published-only set verifies the promoted signer's tokens: no 401 mid-rollout.
    const newToken = await signWith(promoted);
    assert.equal(await verifies(newToken, await publicOf(published)), true);
    assert.equal(await verifies(oldToken, await publicOf(promoted)), true);

    const unknown = await cli(['keys', 'promote', '--in', '-', '--kid', 'nope'], JSON.stringify(published));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no key with kid nope/);
  });

  it('keys rotate - the new key takes the algorithm of the current signer unless --alg says otherwise', async () => {
    const old = JSON.parse((await cli(['keys', 'generate', '--alg', 'EdDSA'])).stdout) as PrivateSet;
    const run = await cli(['keys', 'rotate', '--in', '-'], JSON.stringify(old));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as PrivateSet).keys.map((k) => k.alg), ['EdDSA', 'EdDSA']);
  });

  it('keys retire - drops every key but the signer by default; old tokens stop verifying', async () => {
    const old = JSON.parse((await cli(['keys', 'generate'])).stdout) as PrivateSet;
    const oldToken = await signWith(old);
    const rotated = JSON.parse((await cli(['keys', 'rotate', '--in', '-'], JSON.stringify(old))).stdout) as PrivateSet;
    const run = await cli(['keys', 'retire', '--in', '-'], JSON.stringify(rotated));
    assert.equal(run.code, 0, run.stderr);
    const retired = JSON.parse(run.stdout) as PrivateSet;
    assert.deepEqual(retired.keys.map((k) => k.kid), [rotated.keys[0].kid]);
    const jwks = await publicOf(retired);
    assert.equal(await verifies(oldToken, jwks), false);
    assert.equal(await verifies(await signWith(retired), jwks), true);
  });

  it('keys retire --kid - drops exactly the named keys; the signer and unknown kids are refused (exit 2)', async () => {
    let set = JSON.parse((await cli(['keys', 'generate'])).stdout) as PrivateSet;
    for (let i = 0; i < 2; i++) set = JSON.parse((await cli(['keys', 'rotate', '--in', '-'], JSON.stringify(set))).stdout) as PrivateSet;
    const [signer, middle, oldest] = set.keys.map((k) => k.kid);
    const run = await cli(['keys', 'retire', '--in', '-', '--kid', oldest], JSON.stringify(set));
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as PrivateSet).keys.map((k) => k.kid), [signer, middle]);

    const signerRun = await cli(['keys', 'retire', '--in', '-', '--kid', signer], JSON.stringify(set));
    assert.equal(signerRun.code, 2);
    assert.match(signerRun.stderr, /rotate before retiring it/);
    assert.equal(signerRun.stdout, '');

    const unknownRun = await cli(['keys', 'retire', '--in', '-', '--kid', 'no-such-kid'], JSON.stringify(set));
    assert.equal(unknownRun.code, 2);
    assert.match(unknownRun.stderr, /no key with kid no-such-kid/);
  });

  it('--out - writes the private set with mode 0600 and nothing on stdout', async () => {
    const out = path.join(dir, 'generated.json');
    const run = await cli(['keys', 'generate', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    const set = JSON.parse(await readFile(out, 'utf8')) as PrivateSet;
    assert.equal(typeof set.keys[0].d, 'string');
    assert.match(run.stderr, new RegExp(set.keys[0].kid));
  });

  it('--out - rotate in place keeps mode 0600; another existing file needs --force (exit 64)', async () => {
    const file = path.join(dir, 'inplace.json');
    assert.equal((await cli(['keys', 'generate', '--out', file])).code, 0);
    const rotate = await cli(['keys', 'rotate', '--in', file, '--out', file]);
    assert.equal(rotate.code, 0, rotate.stderr);
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as PrivateSet).keys.length, 2);
    assert.equal((await stat(file)).mode & 0o777, 0o600);

    const other = path.join(dir, 'other.json');
    await writeFile(other, '{}', { mode: 0o644 });
    const refused = await cli(['keys', 'generate', '--out', other]);
    assert.equal(refused.code, 64);
    assert.match(refused.stderr, /refusing to overwrite/);
    assert.equal(await readFile(other, 'utf8'), '{}');
    const forced = await cli(['keys', 'generate', '--out', other, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal((await stat(other)).mode & 0o777, 0o600);
  });

  it('keys public --in FILE - prints the published set: every kid, no private member', async () => {
    const file = path.join(dir, 'public.json');
    await cli(['keys', 'generate', '--out', file]);
    await cli(['keys', 'rotate', '--in', file, '--out', file]);
    const set = JSON.parse(await readFile(file, 'utf8')) as PrivateSet;
    const run = await cli(['keys', 'public', '--in', file]);
    assert.equal(run.code, 0, run.stderr);
    const jwks = JSON.parse(run.stdout) as JSONWebKeySet;
    assert.deepEqual(jwks.keys.map((k) => k.kid), set.keys.map((k) => k.kid));
    for (const key of jwks.keys) {
      assert.equal(key.use, 'sig');
      for (const member of PRIVATE_MEMBERS) assert.equal(member in key, false);
    }
  });

  it('an invalid key set - exit 2 with the reason, without echoing key material', async () => {
    const set = JSON.parse((await cli(['keys', 'generate'])).stdout) as PrivateSet;
    const { d, ...publicOnly } = set.keys[0];
    const run = await cli(['keys', 'public', '--in', '-'], JSON.stringify({ keys: [publicOnly] }));
    assert.equal(run.code, 2);
    assert.match(run.stderr, /is a public key; the set must hold private keys/);
    const broken = await cli(['keys', 'public', '--in', '-'], `{"keys":[{"d":"${String(d)}"`);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not valid JSON/);
    assert.equal(broken.stderr.includes(String(d)), false);
    const missing = await cli(['keys', 'public', '--in', path.join(dir, 'absent.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /ENOENT/);
  });

  it('usage errors - exit 64: an unsupported --alg, a missing --in', async () => {
    const alg = await cli(['keys', 'generate', '--alg', 'HS256']);
    assert.equal(alg.code, 64);
    assert.match(alg.stderr, /Allowed choices are RS256, ES256, EdDSA/);
    const noIn = await cli(['keys', 'public']);
    assert.equal(noIn.code, 64);
    assert.match(noIn.stderr, /--in <file>/);
  });

  after('private key members never appear on stderr', () => {
    assert.ok(secrets.size > 10, 'the tests saw private keys');
    for (const stderr of stderrs) {
      for (const secret of secrets) assert.equal(stderr.includes(secret), false, 'private key material on stderr');
      assert.doesNotMatch(stderr, /"d"\s*:/);
    }
  });
});
