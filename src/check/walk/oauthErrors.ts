/**
 * oauth4webapi's errors as one line for a finding: its exact message (what users search for), plus the server's
 * `error` and `error_description` when the server answered with an OAuth error.
 *
 * @see https://github.com/panva/oauth4webapi/blob/main/docs/README.md#errors
 */
import * as oauth from 'oauth4webapi';

/** oauth4webapi's message, with the server's error code when it answered with one. */
export function describeOAuthError(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `${error.message}: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  if (error instanceof oauth.AuthorizationResponseError) return `${error.message}: ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  const err = error as Error & { cause?: unknown };
  if (err?.name === 'TimeoutError') return 'timed out';
  return err?.message ?? String(error);
}
