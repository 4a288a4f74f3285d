import assert from 'node:assert/strict';
import {
  authorizationServerMetadataUrl,
  insertedOpenidConfigurationUrl,
  openidConfigurationUrl,
  protectedResourceMetadataUrl,
  rootProtectedResourceMetadataUrl,
} from '../../src/check/wellKnown.js';

describe('check: well-known URLs as clients build them', () => {
  it('protectedResourceMetadataUrl() - RFC 9728 §3.1 inserts before the resource path', () => {
    assert.equal(protectedResourceMetadataUrl(new URL('https://h/mcp')), 'https://h/.well-known/oauth-protected-resource/mcp');
    assert.equal(protectedResourceMetadataUrl(new URL('https://h/mcp/')), 'https://h/.well-known/oauth-protected-resource/mcp');
    assert.equal(protectedResourceMetadataUrl(new URL('https://h/')), 'https://h/.well-known/oauth-protected-resource');
    assert.equal(rootProtectedResourceMetadataUrl(new URL('https://h/a/b')), 'https://h/.well-known/oauth-protected-resource');
  });

  it('authorizationServerMetadataUrl() - RFC 8414 §3.1 path insertion, terminating slash removed', () => {
    assert.equal(authorizationServerMetadataUrl(new URL('https://h')), 'https://h/.well-known/oauth-authorization-server');
    assert.equal(authorizationServerMetadataUrl(new URL('https://h/issuer1')), 'https://h/.well-known/oauth-authorization-server/issuer1');
    assert.equal(authorizationServerMetadataUrl(new URL('https://h/issuer1/')), 'https://h/.well-known/oauth-authorization-server/issuer1');
  });

  it('openidConfigurationUrl() - OIDC Discovery §4 appends; the MCP SDK also tries insertion', () => {
    assert.equal(openidConfigurationUrl(new URL('https://h')), 'https://h/.well-known/openid-configuration');
    assert.equal(openidConfigurationUrl(new URL('https://h/t')), 'https://h/t/.well-known/openid-configuration');
    assert.equal(insertedOpenidConfigurationUrl(new URL('https://h/t')), 'https://h/.well-known/openid-configuration/t');
  });
});
