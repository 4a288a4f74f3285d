/**
 * "Is the client's identity assured?" (pure): only then may remembered consent issue a code without the user.
 * RFC 8252 §8.6: a public client on a loopback or private-use redirect can be impersonated by any local program.
 */
import assert from 'node:assert/strict';
import { clientIdentityAssured } from '../../src/policy/clientIdentity.js';

describe('clientIdentityAssured()', () => {
  const cases: Array<[string, { token_endpoint_auth_method: string; metadata_document?: true }, string, boolean]> = [
    ['a confidential client on loopback', { token_endpoint_auth_method: 'client_secret_basic' }, 'http://127.0.0.1:5555/cb', true],
    ['a confidential client on a private-use scheme', { token_endpoint_auth_method: 'client_secret_post' }, 'cursor://anysphere.cursor-mcp/oauth/callback', true],
    ['a public client on https', { token_endpoint_auth_method: 'none' }, 'https://client.example.com/cb', true],
    ['a CIMD client on https', { token_endpoint_auth_method: 'none', metadata_document: true }, 'https://client.example.com/cb', true],
    ['a public client on loopback http', { token_endpoint_auth_method: 'none' }, 'http://127.0.0.1:6666/callback', false],
    ['a public client on http://localhost', { token_endpoint_auth_method: 'none' }, 'http://localhost:6666/callback', false],
    ['a public client on [::1]', { token_endpoint_auth_method: 'none' }, 'http://[::1]:6666/callback', false],
    ['a public client on a private-use scheme', { token_endpoint_auth_method: 'none' }, 'vscode://vscode.github-authentication/did-authenticate', false],
    ['a CIMD client on loopback', { token_endpoint_auth_method: 'none', metadata_document: true }, 'http://127.0.0.1/cb', false],
    ['a CIMD client that claims a secret method (never trusted as confidential)', { token_endpoint_auth_method: 'client_secret_basic', metadata_document: true }, 'http://127.0.0.1/cb', false],
  ];
  for (const [name, client, redirectUri, assured] of cases) {
    it(`${assured ? 'assures' : 'does not assure'} ${name}`, () => assert.equal(clientIdentityAssured(client, redirectUri), assured));
  }
});
