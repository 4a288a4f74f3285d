/**
 * Turns an error thrown by `@clerk/backend` into the CLI's report: Clerk's HTTP status, error code, message
 * and trace id, plus what to do for the failures users meet while provisioning.
 *
 * @see https://clerk.com/docs/guides/development/errors/backend-api Clerk Backend API errors
 */
import { isClerkAPIResponseError } from '@clerk/backend/errors';
import { CliError, EXIT } from './exitCodes.js';

const HINTS: Record<number, string> = {
  401: 'check CLERK_SECRET_KEY: it must be the secret key of this instance (and CLERK_API_URL its API)',
  402: "the instance's Clerk plan does not include this feature or limit; upgrade the plan or remove templates",
  403: 'the secret key is not allowed to do this',
  422: 'Clerk rejected the template; fix the file named above and run again',
};

/** True for `@clerk/backend`'s report of a request that got no HTTP answer (no status). */
export function isNetworkFailure(error: unknown): boolean {
  return isClerkAPIResponseError(error) && error.status === undefined;
}

/** The same text twice (Clerk often sends `long_message` equal to `message`, give or take a full stop) is said once. */
function sameText(a: string, b: string): boolean {
  const norm = (t: string) => t.trim().replace(/[.\s]+$/, '').toLowerCase();
  return norm(a) === norm(b) || norm(b).includes(norm(a));
}

/**
 * A {@link CliError} (exit code 1) for a Clerk API error, or `undefined` when `error` is something else.
 * `unreachable` is the cause of a network failure (see `networkCause.ts`), when known.
 */
export function clerkApiFailure(error: unknown, apiUrl: string, doing: string, unreachable?: string): CliError | undefined {
  if (!isClerkAPIResponseError(error)) return undefined;
  const first = error.errors[0];
  const status = error.status as number | undefined;
  const code = first?.code ?? 'unknown';
  // `@clerk/backend` reports a network failure as code `unexpected_error` without a status.
  if (status === undefined) {
    return new CliError(EXIT.CLERK_API, `cannot reach Clerk at ${apiUrl} while ${doing}: ${unreachable ?? first?.message ?? error.message}`, {
      code: 'ERR_CLERK_UNREACHABLE',
      details: { apiUrl, clerk: { code, message: first?.message ?? error.message }, ...(unreachable ? { cause: unreachable } : {}) },
      cause: error,
    });
  }
  const message = first?.message ?? error.message;
  const detail = first?.longMessage && !sameText(message, first.longMessage) ? `${message}: ${first.longMessage}` : (first?.longMessage ?? message);
  // Our hint only where Clerk's own words do not already give it (its 401 already says to check the secret key).
  const hint = HINTS[status] && !(status === 401 && /secret key/i.test(detail)) ? ` (${HINTS[status]})` : '';
  const trace = error.clerkTraceId ? ` [clerk trace ${error.clerkTraceId}]` : '';
  return new CliError(EXIT.CLERK_API, `Clerk API error at ${apiUrl} while ${doing}: ${status} ${code}: ${detail}${hint}${trace}`, {
    code: 'ERR_CLERK_API',
    details: {
      clerk: {
        status,
        code,
        message: first?.message,
        longMessage: first?.longMessage,
        meta: first?.meta,
        clerkTraceId: error.clerkTraceId || undefined,
      },
    },
    cause: error,
  });
}
