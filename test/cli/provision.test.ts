import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClerkClient } from '@clerk/backend';
import { createClerkDouble } from '../../src/testing/clerk/double.js';
import type { ClerkDouble } from '../../src/testing/clerk/contract.js';
import { freePort } from '../support/exampleProcess.js';
import { REPO_ROOT, runCli, type CliRun } from './runCli.js';

const DEFAULT_TEMPLATE = path.join(REPO_ROOT, 'clerk-templates', 'mcp-id-token.json');
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

describe('clerk-mcp-issuer provision (against the Clerk double)', function () {
  let clerk: ClerkDouble;
  let server: { url: string; close(): Promise<void> };
  let dir: string;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cmi-provision-'));
  });
  beforeEach(async () => {
    clerk = await createClerkDouble();
    server = await clerk.listen();
  });
  afterEach(async () => {
    await server.close();
  });

  const env = (extra: Record<string, string> = {}) => ({ CLERK_SECRET_KEY: clerk.secretKey, CLERK_API_URL: server.url, ...extra });
  const provision = (args: string[] = [], extra?: Record<string, string>): Promise<CliRun> => runCli(['provision', ...args], { env: env(extra) });
  const writesSince = (index: number) => clerk.requests.slice(index).filter((r) => WRITES.has(r.method));

  /** The default template with some claims replaced (or removed with `undefined`), as a temp file. */
  async function variant(name: string, claims: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
    const base = JSON.parse(await readFile(DEFAULT_TEMPLATE, 'utf8'));
    const file = path.join(dir, `${name}.json`);
    await writeFile(file, JSON.stringify({ ...base, $schema: path.join(REPO_ROOT, 'clerk-templates', 'template.schema.json'), claims: { ...base.claims, ...claims }, ...extra }));
    return file;
  }

  it('first run creates the template; a second run changes nothing and says so', async () => {
    const first = await provision();
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^\+ mcp-id-token {2}create jtmp_\S+/m);
    assert.match(first.stdout, /\+ claims\.email: "\{\{user\.primary_email_address\}\}"/);
    assert.match(first.stdout, /Done: created 1, updated 0, 0 unchanged\./);
    const posts = writesSince(0);
    assert.equal(posts.length, 1);
    assert.equal(posts[0].method, 'POST');
    assert.equal(posts[0].path, '/v1/jwt_templates');
    const expected = JSON.parse(await readFile(DEFAULT_TEMPLATE, 'utf8'));
    assert.deepEqual(posts[0].body, { name: 'mcp-id-token', claims: expected.claims, lifetime: 60, allowed_clock_skew: 5 });

    const mark = clerk.requests.length;
    const second = await provision();
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^= mcp-id-token {2}unchanged/m);
    assert.match(second.stdout, /Nothing to change: 1 template already matches the Clerk instance\./);
    assert.deepEqual(writesSince(mark), []);
    assert.deepEqual(clerk.requests.slice(mark).map((r) => `${r.method} ${r.path}`), ['GET /v1/jwt_templates']);
  });

  it('a changed claim - exactly one PATCH, whose body has name and claims', async () => {
    assert.equal((await provision()).code, 0);
    const [template] = [...(await listTemplates())];
    const file = await variant('changed', { email: '{{user.primary_email_address || \'none\'}}' });
    const mark = clerk.requests.length;
    const run = await provision(['--template', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^~ mcp-id-token {2}update ${template.id}`, 'm'));
    assert.match(run.stdout, /~ claims\.email: "\{\{user\.primary_email_address\}\}" → "\{\{user\.primary_email_address \|\| 'none'\}\}"/);
    assert.match(run.stdout, /Done: created 0, updated 1, 0 unchanged\./);
    const writes = writesSince(mark);
    assert.equal(writes.length, 1);
    assert.equal(writes[0].method, 'PATCH');
    assert.equal(writes[0].path, `/v1/jwt_templates/${template.id}`);
    const body = writes[0].body as Record<string, unknown>;
    assert.equal(body.name, 'mcp-id-token');
    assert.deepEqual(body.claims, JSON.parse(await readFile(file, 'utf8')).claims);
    assert.equal((await provision(['--template', file])).stdout.includes('Nothing to change'), true);
  });

  it('a changed lifetime - one PATCH; a removed claim is removed', async () => {
    assert.equal((await provision()).code, 0);
    const base = JSON.parse(await readFile(DEFAULT_TEMPLATE, 'utf8'));
    const { picture: _dropped, ...claims } = base.claims;
    const file = path.join(dir, 'lifetime.json');
    await writeFile(file, JSON.stringify({ ...base, $schema: undefined, claims, lifetime: 120 }));
    const mark = clerk.requests.length;
    const run = await provision(['-t', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /- claims\.picture: "\{\{user\.image_url\}\}"/);
    assert.match(run.stdout, /~ lifetime: 60 → 120/);
    assert.equal(writesSince(mark).length, 1);
    const [template] = await listTemplates();
    assert.equal(template.lifetime, 120);
    assert.equal('picture' in (template.claims as object), false);
  });

  it('--dry-run - prints the diff and sends no write request', async () => {
    const run = await provision(['--dry-run']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^\+ mcp-id-token {2}create/m);
    assert.match(run.stdout, /Dry run: would create 1, update 0, leave 0 unchanged\. Nothing was sent to Clerk\./);
    assert.deepEqual(writesSince(0), []);
    assert.equal(clerk.requests.length, 1);

    assert.equal((await provision()).code, 0);
    const mark = clerk.requests.length;
    const changed = await provision(['--dry-run', '--template', await variant('dry', { name: '{{user.first_name}}' })]);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /~ claims\.name: "\{\{user\.full_name\}\}" → "\{\{user\.first_name\}\}"/);
    assert.match(changed.stdout, /would create 0, update 1/);
    assert.deepEqual(writesSince(mark), []);
  });

  it('a reserved claim - exit 2 before any request, explaining why the middleware sets iss', async () => {
    const run = await provision(['--template', await variant('reserved', { iss: 'https://mcp.example.com' })]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /\/claims\/iss: "iss" is reserved by Clerk/);
    assert.match(run.stderr, /Frontend API URL/);
    assert.match(run.stderr, /middleware .* sets "iss" to your MCP issuer itself/);
    assert.match(run.stderr, /nothing was sent to Clerk/);
    assert.deepEqual(clerk.requests, []);
  });

  it('a session-only claim and a schema error - exit 2 with every issue, no request', async () => {
    const run = await provision(['--template', await variant('several', { sid: '{{session.id}}' }, { lifetime: 1 })]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /\/claims\/sid: "sid" is a Clerk session-token claim/);
    assert.match(run.stderr, /\/lifetime .*must be >= 30/);
    assert.deepEqual(clerk.requests, []);
  });

  it('a wrong secret key - exit 1 with Clerk\'s 401 code and message, said once', async () => {
    const run = await provision([], { CLERK_SECRET_KEY: 'sk_test_not_this_instance' });
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(
        `^clerk-mcp-issuer: Clerk API error at ${server.url.replace(/[.]/g, '\\.')} while listing JWT templates: 401 clerk_key_invalid: ` +
          'The provided Clerk Secret Key is invalid\\. Make sure that your Clerk Secret Key is correct\\. \\[clerk trace \\w+\\]\\n$',
      ),
    );
    assert.deepEqual(writesSince(0), []);
  });

  it('a plan limit - exit 1 with Clerk\'s 402 code and message, also as --json', async function () {
    if (!clerk.failNextRequest) this.skip();
    clerk.failNextRequest({ status: 402, code: 'unsupported_subscription_plan_features', message: 'Unsupported plan features', longMessage: 'Your plan does not include custom JWT templates.' });
    const run = await provision();
    assert.equal(run.code, 1);
    assert.match(run.stderr, /402 unsupported_subscription_plan_features: Unsupported plan features: Your plan does not include custom JWT templates\./);
    assert.match(run.stderr, /Clerk plan/);

    clerk.failNextRequest({ status: 402, code: 'unsupported_subscription_plan_features', message: 'Unsupported plan features' });
    const json = await provision(['--json']);
    assert.equal(json.code, 1);
    const result = JSON.parse(json.stdout);
    assert.equal(result.ok, false);
    assert.equal(result.exitCode, 1);
    assert.equal(result.error.code, 'ERR_CLERK_API');
    assert.match(result.error.message, /402 unsupported_subscription_plan_features/);
    assert.equal(result.error.clerk.status, 402);
    assert.equal(result.error.clerk.code, 'unsupported_subscription_plan_features');
    assert.equal(result.error.clerk.message, 'Unsupported plan features');
    assert.match(result.error.clerk.clerkTraceId, /\S/);
  });

  it('a validation error on PATCH - exit 1 with Clerk\'s 422 code and message', async function () {
    if (!clerk.failNextRequest) this.skip();
    assert.equal((await provision()).code, 0);
    clerk.failNextRequest({ status: 422, code: 'form_param_value_invalid', message: 'is invalid', longMessage: 'claims is invalid', meta: { param_name: 'claims' } });
    const run = await provision(['--template', await variant('rejected', { email: '{{user.primary_email_address}} ' })]);
    assert.equal(run.code, 1);
    // Clerk's message ("is invalid") is part of its long message: said once.
    assert.match(run.stderr, /writing JWT templates \(nothing was written\): 422 form_param_value_invalid: claims is invalid \(Clerk rejected the template/);
    assert.equal(clerk.requests.at(-1)?.method, 'PATCH');
    assert.equal(clerk.requests.at(-1)?.status, 422);
  });

  it('--json - a parseable result for a create and for a no-op', async () => {
    const run = await provision(['--json']);
    assert.equal(run.code, 0, run.stderr);
    const created = JSON.parse(run.stdout);
    assert.equal(created.ok, true);
    assert.equal(created.dryRun, false);
    assert.equal(created.changed, true);
    assert.equal(created.apiUrl, server.url);
    assert.equal(created.templates.length, 1);
    assert.equal(created.templates[0].name, 'mcp-id-token');
    assert.equal(created.templates[0].action, 'create');
    assert.match(created.templates[0].id, /^jtmp_/);
    assert.ok(created.templates[0].changes.some((c: { path: string }) => c.path === 'claims.email'));

    const again = JSON.parse((await provision(['--json'])).stdout);
    assert.equal(again.changed, false);
    assert.deepEqual(again.templates.map((t: { action: string; id: string }) => [t.action, t.id]), [['unchanged', created.templates[0].id]]);
  });

  it('--json - a local validation failure lists the issues', async () => {
    const run = await provision(['--json', '--template', await variant('json-invalid', { azp: 'x' })]);
    assert.equal(run.code, 2);
    const result = JSON.parse(run.stdout);
    assert.equal(result.ok, false);
    assert.equal(result.error.code, 'ERR_INVALID_TEMPLATE');
    assert.deepEqual(result.error.issues.map((i: { pointer: string; code: string }) => [i.pointer, i.code]), [['/claims/azp', 'forbidden_claim']]);
  });

  it('every page of templates is read: a template on page two is found, not created again', async () => {
    const api = createClerkClient({ secretKey: clerk.secretKey, apiUrl: server.url });
    await Promise.all(Array.from({ length: 120 }, (_, i) => api.jwtTemplates.create({ name: `other-${String(i).padStart(3, '0')}`, claims: { i } })));
    assert.equal((await provision()).code, 0);
    const mark = clerk.requests.length;
    const run = await provision();
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Nothing to change/);
    assert.match(run.stdout, /\(121 templates on it\)/);
    // `@clerk/backend` leaves `offset=0` out of the query.
    const lists = clerk.requests.slice(mark).map((r) => [r.method, r.path, r.query.limit, r.query.offset ?? '0', r.query.paginated]);
    assert.deepEqual(lists, [
      ['GET', '/v1/jwt_templates', '100', '0', 'true'],
      ['GET', '/v1/jwt_templates', '100', '100', 'true'],
    ]);
  });

  it('no CLERK_SECRET_KEY - exit 64 with what to set, no request', async () => {
    const run = await runCli(['provision'], { env: { CLERK_API_URL: server.url } });
    assert.equal(run.code, 64);
    assert.match(run.stderr, /CLERK_SECRET_KEY is not set/);
    assert.deepEqual(clerk.requests, []);
  });

  it('Clerk unreachable - exit 1, one line naming the API URL and the cause (refused, DNS, TLS)', async () => {
    const closed = await freePort();
    const refused = await provision([], { CLERK_API_URL: `http://127.0.0.1:${closed}` });
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      `clerk-mcp-issuer: cannot reach Clerk at http://127.0.0.1:${closed} while listing JWT templates: connection refused (ECONNREFUSED): nothing listens at 127.0.0.1:${closed}\n`,
    );
    // The issue's own example: port 9 is one fetch never connects to; "fetch failed" alone hid that.
    const badPort = await provision([], { CLERK_API_URL: 'http://127.0.0.1:9' });
    assert.equal(badPort.stderr, 'clerk-mcp-issuer: cannot reach Clerk at http://127.0.0.1:9 while listing JWT templates: port 9 is blocked by fetch (a "bad port" of the Fetch standard); use another port\n');
    const dns = await provision([], { CLERK_API_URL: 'http://nonexistent.invalid' });
    assert.equal(dns.code, 1);
    assert.match(dns.stderr, /^clerk-mcp-issuer: cannot reach Clerk at http:\/\/nonexistent\.invalid while listing JWT templates: DNS lookup of nonexistent\.invalid failed \((ENOTFOUND|EAI_AGAIN)\): check the host name\n$/);
    // https to a plain-http server: the TLS handshake fails.
    const tlsUrl = server.url.replace('http:', 'https:');
    const tls = await provision([], { CLERK_API_URL: tlsUrl });
    assert.equal(tls.code, 1);
    assert.match(tls.stderr, new RegExp(`^clerk-mcp-issuer: cannot reach Clerk at ${tlsUrl.replace(/[.]/g, '\\.')} while listing JWT templates: TLS failure \\(ERR_SSL_\\w+: [^)]+\\) talking https to 127\\.0\\.0\\.1:\\d+\\n$`));
  });

  it('a malformed CLERK_API_URL - exit 64 with one line, no stack, nothing sent', async () => {
    const run = await provision([], { CLERK_API_URL: '127.0.0.1:9' });
    assert.equal(run.code, 64);
    assert.equal(run.stderr, 'clerk-mcp-issuer: CLERK_API_URL "127.0.0.1:9" is not an http(s) URL; use the Backend API origin, e.g. https://api.clerk.com (or unset it)\n');
  });

  it('a CLERK_SECRET_KEY not in Clerk\'s sk_test_/sk_live_ form - exit 64 before any request, the value never echoed', async () => {
    for (const key of ['foo', 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k', 'sk_prod_abc', `${clerk.secretKey} `]) {
      const run = await provision([], { CLERK_SECRET_KEY: key });
      assert.equal(run.code, 64, run.stderr);
      assert.match(run.stderr, /^clerk-mcp-issuer: CLERK_SECRET_KEY is not a Clerk secret key \(sk_test_… or sk_live_…\)(; it holds a publishable key \(pk_…\))?; copy the secret key from the Clerk Dashboard → API keys\n$/);
      assert.ok(!run.stderr.includes(key.trim()), 'the key is not echoed');
    }
    assert.deepEqual(clerk.requests, []);
  });

  it('usage errors - exit 64: unknown flag, --verify without --session or issuer, --verify with --dry-run', async () => {
    for (const args of [['--bogus'], ['--verify'], ['--verify', '--session', 'sess_1'], ['--verify', '--session', 'sess_1', '--issuer', 'https://mcp.example.com', '--dry-run'], ['--session', 'sess_1']]) {
      const run = await provision(args);
      assert.equal(run.code, 64, `${args.join(' ')}: ${run.stderr}`);
    }
    assert.deepEqual(clerk.requests, []);
  });

  it('--help - documents the exit codes and the environment', async () => {
    const run = await runCli(['provision', '--help']);
    assert.equal(run.code, 0);
    for (const line of [/0 +ok, or nothing to change/, /1 +Clerk API error/, /2 +invalid local input/, /64 +usage or configuration error/, /CLERK_SECRET_KEY/, /CLERK_API_URL +Backend API origin \(default https:\/\/api\.clerk\.com\)/]) {
      assert.match(run.stdout, line);
    }
  });

  it('without --template/--dir outside the repository - provisions the templates shipped with the package', async () => {
    const run = await runCli(['provision', '--dry-run'], { env: env(), cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\+ mcp-id-token {2}create {2}\(.*clerk-templates[/\\]mcp-id-token\.json\)/);
  });

  it('--verify --session - prints the id_token claims the middleware would issue: our iss, sub, the template claims', async () => {
    const session = clerk.createSession('user_test_alice');
    const run = await provision(['--verify', '--session', session.id, '--issuer', 'https://mcp.example.com']);
    assert.equal(run.code, 0, run.stderr);
    const json = /\{\n[\s\S]*?\n\}/.exec(run.stdout.slice(run.stdout.indexOf('id_token claims')))?.[0];
    const claims = JSON.parse(json ?? 'null');
    assert.equal(claims.iss, 'https://mcp.example.com');
    assert.equal(claims.sub, 'user_test_alice');
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(claims.given_name, 'Alice');
    for (const dropped of ['azp', 'exp', 'iat', 'nbf', 'jti']) assert.equal(dropped in claims, false, dropped);
    assert.match(run.stdout, new RegExp(`Clerk's own "iss" \\(${clerk.frontendApi.replaceAll('.', '\\.')}\\) was dropped`));
    const mints = clerk.requests.filter((r) => r.path === `/v1/sessions/${session.id}/tokens/mcp-id-token`);
    assert.equal(mints.length, 1);
  });

  it('--verify --json with MCP_ISSUER - the preview in the machine-readable result; an ended session is Clerk\'s 404', async () => {
    const session = clerk.createSession('user_test_bob');
    const run = await provision(['--verify', '--session', session.id, '--json'], { MCP_ISSUER: 'https://mcp.example.com' });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.verify[0].template, 'mcp-id-token');
    assert.equal(result.verify[0].claims.iss, 'https://mcp.example.com');
    assert.equal(result.verify[0].claims.sub, 'user_test_bob');
    assert.equal(result.verify[0].claims.family_name, 'Example');

    clerk.endSession(session.id);
    const ended = await provision(['--verify', '--session', session.id], { MCP_ISSUER: 'https://mcp.example.com' });
    assert.equal(ended.code, 1);
    assert.match(ended.stderr, /minting a token from template "mcp-id-token" for session sess_\S+: 404 resource_not_found/);
  });

  async function listTemplates() {
    const api = createClerkClient({ secretKey: clerk.secretKey, apiUrl: server.url });
    return (await api.jwtTemplates.list({ limit: 500 })).data;
  }
});
