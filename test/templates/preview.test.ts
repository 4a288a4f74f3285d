import assert from 'node:assert/strict';
import { idTokenPreview } from '../../src/templates/preview.js';

describe('idTokenPreview', () => {
  it("drops Clerk's envelope, puts our issuer in front, keeps sub and the template claims", () => {
    const preview = idTokenPreview(
      {
        iss: 'https://clerk.example.com',
        sub: 'user_123',
        azp: 'https://app.example.com',
        exp: 2,
        iat: 1,
        nbf: 1,
        jti: 'abc',
        email: 'alice@example.com',
        name: 'Alice',
        picture: null,
      },
      'https://mcp.example.com',
    );
    assert.deepEqual(preview, {
      claims: { iss: 'https://mcp.example.com', sub: 'user_123', email: 'alice@example.com', name: 'Alice', picture: null },
      nullClaims: ['picture'],
      clerkIssuer: 'https://clerk.example.com',
    });
    assert.deepEqual(Object.keys(preview.claims).slice(0, 2), ['iss', 'sub']);
  });
});
