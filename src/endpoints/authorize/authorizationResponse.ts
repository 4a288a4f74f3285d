/**
 * The redirect back to the client: `code` or `error`, `state` only if sent, and always `iss` (RFC 9207),
 * each exactly once, added to the registered redirect URI's own query.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2 authorization response
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2 iss parameter
 */
import type { OAuthError } from '../../errors/oauthError.js';

export function authorizationResponseUrl(
  redirectUri: string,
  issuer: string,
  result: { code: string } | { error: OAuthError },
  state: string | undefined,
): string {
  const url = new URL(redirectUri);
  // set() rather than append(): a parameter already in the registered URI's query must not appear twice.
  if ('code' in result) {
    url.searchParams.set('code', result.code);
  } else {
    url.searchParams.set('error', result.error.error);
    if (result.error.description) url.searchParams.set('error_description', result.error.description);
  }
  if (state !== undefined) url.searchParams.set('state', state);
  else url.searchParams.delete('state');
  url.searchParams.set('iss', issuer);
  return url.href;
}
