/**
 * An authorization request URL as a public client builds it (PKCE S256), for tests that drive `/authorize`
 * directly. Returns the URL and the code verifier that redeems its code.
 */
import { createHash, randomBytes } from 'node:crypto';

export function authorizationUrl(
  issuerUrl: string,
  client: { clientId: string; redirectUri: string },
  extra: Record<string, string> = {},
): { url: string; verifier: string } {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: `${issuerUrl}/authorize?${params}`, verifier };
}
