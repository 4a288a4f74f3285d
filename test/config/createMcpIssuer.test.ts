/**
 * A misconfiguration fails at creation with a message that says what to fix (issue #2, item 2; issue #11, items
 * 6, 8 and 11: the ephemeral key in production, every missing Clerk setting at once, plain-JavaScript shapes).
 */
import assert from 'node:assert/strict';
import { createMcpIssuer, ConfigurationError, MemoryStore, type McpIssuerOptions } from '../../src/index.js';
import { testSigningKeys } from '../support/harness.js';

const clerk = { secretKey: 'sk_test_x', publishableKey: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k', signInUrl: 'https://accounts.example.com/sign-in' };

async function options(overrides: Partial<McpIssuerOptions>): Promise<McpIssuerOptions> {
  return { issuer: 'https://mcp.example.com', resource: 'https://mcp.example.com/mcp', signingKeys: await testSigningKeys(), clerk, ...overrides };
}

async function rejectsWith(overrides: Partial<McpIssuerOptions>, message: RegExp, env?: NodeJS.ProcessEnv) {
  const saved = { ...process.env };
  if (env) {
    for (const k of ['CLERK_SECRET_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_SIGN_IN_URL', 'NODE_ENV']) delete process.env[k];
    Object.assign(process.env, env);
  }
  try {
    await assert.rejects(createMcpIssuer(await options(overrides)), (error: Error) => {
      assert.ok(error instanceof ConfigurationError, `a ConfigurationError, got ${error}`);
      assert.match(error.message, message);
      return true;
    });
  } finally {
    process.env = saved;
  }
}

describe('createMcpIssuer() configuration checks', () => {
  it('accepts a correct configuration and derives every URL from the issuer string', async () => {
    const issuer = await createMcpIssuer(await options({}));
    assert.equal(issuer.metadata.issuer, 'https://mcp.example.com');
    assert.equal(issuer.metadata.token_endpoint, 'https://mcp.example.com/token');
    assert.equal(issuer.config.urls.protectedResourceMetadataUrl, 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp');
  });

  it('refuses an issuer with a trailing slash, naming the fixed value', () =>
    rejectsWith({ issuer: 'https://mcp.example.com/' }, /must not end with "\/".*use "https:\/\/mcp\.example\.com"/));

  it('refuses an issuer with a query or fragment', async () => {
    await rejectsWith({ issuer: 'https://mcp.example.com?x=1' }, /query or fragment/);
    await rejectsWith({ issuer: 'https://mcp.example.com#a' }, /query or fragment/);
  });

  it('refuses a plain-http issuer that is not loopback', () => rejectsWith({ issuer: 'http://mcp.example.com' }, /must use https/));

  it('refuses an issuer that is not in canonical form', () => rejectsWith({ issuer: 'https://MCP.example.com' }, /canonical form; use "https:\/\/mcp\.example\.com"/));

  it('refuses a resource outside the issuer origin', () =>
    rejectsWith({ resource: 'https://other.example.com/mcp' }, /not under the issuer's origin https:\/\/mcp\.example\.com/));

  it('refuses to run without signing keys outside dev mode, naming the command that makes them', () =>
    rejectsWith({ signingKeys: undefined }, /missing signing keys.*keys generate.*dev: true/));

  it('generates an ephemeral key in dev mode and says so', async () => {
    const lines: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => lines.push(m) };
    const issuer = await createMcpIssuer(await options({ signingKeys: undefined, dev: true, logger }));
    assert.equal(issuer.metadata.id_token_signing_alg_values_supported instanceof Array, true);
    assert.match(lines.join('\n'), /ephemeral key/);
  });

  it('refuses a missing Clerk secret key, naming the variable', () =>
    rejectsWith({ clerk: { ...clerk, secretKey: undefined } }, /missing Clerk setting: the secret key: set clerk\.secretKey or CLERK_SECRET_KEY/, {}));

  it('names every missing Clerk setting in one error, not one per restart', async () => {
    await rejectsWith(
      { clerk: {} },
      /^clerk-mcp-issuer: missing Clerk settings: the secret key: set clerk\.secretKey or CLERK_SECRET_KEY .*; the publishable key: set clerk\.publishableKey or CLERK_PUBLISHABLE_KEY .*; the sign-in URL: set clerk\.signInUrl or CLERK_SIGN_IN_URL /,
      {},
    );
  });

  it('refuses the ephemeral dev signing key with NODE_ENV=production, even with dev: true, naming the fix', () =>
    rejectsWith({ signingKeys: undefined, dev: true }, /ephemeral dev signing key is refused with NODE_ENV=production: set signingKeys .*keys generate/, {
      NODE_ENV: 'production',
      CLERK_SECRET_KEY: 'sk_live_x',
    }));

  it('reads Clerk settings from the environment as Clerk SDKs do', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { CLERK_SECRET_KEY: 'sk_test_env', CLERK_PUBLISHABLE_KEY: clerk.publishableKey, CLERK_SIGN_IN_URL: clerk.signInUrl });
    try {
      const issuer = await createMcpIssuer(await options({ clerk: {} }));
      assert.equal(issuer.config.clerk.secretKey, 'sk_test_env');
    } finally {
      process.env = saved;
    }
  });

  it('refuses a private JWK set that holds a public key only, as a ConfigurationError', async () => {
    const set = await testSigningKeys();
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = set.keys[0];
    await rejectsWith({ signingKeys: { keys: [pub as never] } }, /^clerk-mcp-issuer: signing keys: key #0 \(kid "[^"]+"\) is a public key/);
    await rejectsWith({ signingKeys: '{not json' }, /^clerk-mcp-issuer: signing keys: not valid JSON; expected a private JWK set/);
  });

  it('a store that cannot work (RedisStore without ioredis) fails creation instead of answering 503 forever; the store in use is logged', async () => {
    const missing = new ConfigurationError('RedisStore needs the ioredis package (an optional peer dependency): npm install ioredis');
    const broken = Object.assign(new MemoryStore(), { ready: () => Promise.reject(missing) });
    await assert.rejects(createMcpIssuer(await options({ store: broken })), (error) => error === missing);
    const lines: string[] = [];
    const logger = { debug() {}, warn() {}, error() {}, info: (m: string) => lines.push(m) };
    await createMcpIssuer(await options({ logger }));
    assert.deepEqual(lines, ['grant store: in memory (this process only; several instances need a shared store such as RedisStore)']);
  });

  describe('option shapes, checked at runtime for plain JavaScript', () => {
    // `as never`: these are exactly the mistakes TypeScript would catch and JavaScript does not.
    it('scopes as an array (which would publish a scope named "0") is refused', () =>
      rejectsWith({ scopes: ['mcp:tools'] as never }, /invalid options: scopes must be an object such as \{ "mcp:tools": "Use the tools" \} \(scope → description\), got an array$/));

    it('a misspelled option is named, with the option it resembles', async () => {
      await rejectsWith({ scope: { 'mcp:tools': 'x' } } as never, /invalid options: unknown option scope \(did you mean scopes\?\)$/);
      await rejectsWith({ lifetimes: { accesToken: 60 } } as never, /unknown option lifetimes\.accesToken \(did you mean lifetimes\.accessToken\?\)/);
      await rejectsWith({ clerk: { ...clerk, signinUrl: 'x' } } as never, /unknown option clerk\.signinUrl \(did you mean clerk\.signInUrl\?\)/);
      await rejectsWith({ frobnicate: true } as never, /unknown option frobnicate$/);
    });

    it('every shape problem in one error', () =>
      rejectsWith(
        { dev: 'yes', lifetimes: { accessToken: '3600' }, rateLimit: { token: { limit: -1 } }, clientIdMetadataDocuments: true } as never,
        /^clerk-mcp-issuer: invalid options: dev must be true or false, got the string "yes"; lifetimes\.accessToken must be a positive integer, got the string "3600"; rateLimit\.token\.limit must be a positive integer or a function, got a number; clientIdMetadataDocuments must be false or \{ fetch, allowLoopback, maxBytes, timeoutMs, ca \}, got a boolean$/,
      ));

    it('accepts every documented option, rateLimit.authorize included, and undefined as absent', async () => {
      const issuer = await createMcpIssuer(
        await options({
          dev: false,
          store: undefined,
          scopes: { 'mcp:tools': 'Use the tools' },
          defaultScopes: ['mcp:tools'],
          lifetimes: { accessToken: 600 },
          resourceName: 'x',
          clientIdMetadataDocuments: { allowLoopback: false, maxBytes: 1000, timeoutMs: 1000 },
          rateLimit: { register: false, token: { limit: 5, windowMs: 1000 }, authorize: { limit: 10 } } as never,
          logger: { debug() {}, info() {}, warn() {}, error() {} },
        }),
      );
      assert.equal(issuer.config.lifetimes.accessToken, 600);
    });
  });

  it('refuses an authorization code lifetime over 10 minutes (SPEC §5)', () =>
    rejectsWith({ lifetimes: { authorizationCode: 601 } }, /at most 600 seconds/));
});
