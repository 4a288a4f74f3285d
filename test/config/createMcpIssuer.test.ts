/**
 * A misconfiguration fails at creation with a message that says what to fix (issue #2, item 2).
 */
import assert from 'node:assert/strict';
import { createMcpIssuer, ConfigurationError, type McpIssuerOptions } from '../../src/index.js';
import { testSigningKeys } from '../support/harness.js';

const clerk = { secretKey: 'sk_test_x', publishableKey: 'pk_live_Y2xlcmsuZXhhbXBsZS5jb20k', signInUrl: 'https://accounts.example.com/sign-in' };

async function options(overrides: Partial<McpIssuerOptions>): Promise<McpIssuerOptions> {
  return { issuer: 'https://mcp.example.com', resource: 'https://mcp.example.com/mcp', signingKeys: await testSigningKeys(), clerk, ...overrides };
}

async function rejectsWith(overrides: Partial<McpIssuerOptions>, message: RegExp, env?: NodeJS.ProcessEnv) {
  const saved = { ...process.env };
  if (env) {
    for (const k of ['CLERK_SECRET_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_SIGN_IN_URL']) delete process.env[k];
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
    rejectsWith({ clerk: { ...clerk, secretKey: undefined } }, /missing Clerk secret key.*CLERK_SECRET_KEY/, {}));

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

  it('refuses a private JWK set that holds a public key only', async () => {
    const set = await testSigningKeys();
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = set.keys[0];
    await assert.rejects(createMcpIssuer(await options({ signingKeys: { keys: [pub as never] } })), /is a public key/);
  });

  it('refuses an authorization code lifetime over 10 minutes (SPEC §5)', () =>
    rejectsWith({ lifetimes: { authorizationCode: 601 } }, /at most 600 seconds/));
});
