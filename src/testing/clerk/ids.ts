/**
 * Identifiers and keys in the formats Clerk issues: prefixed ids (`user_…`, `sess_…`, `jtmp_…`), `sk_test_…` secret
 * keys, and the `pk_live_…` publishable key that names the Frontend API host.
 *
 * @see https://clerk.com/docs/guides/development/clerk-environment-variables
 */
import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random characters from `[A-Za-z0-9]`, the alphabet of Clerk ids. */
function randomAlphanumeric(length: number): string {
  // 62 does not divide 256: reject bytes ≥ 248 so every character stays equally likely.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

/**
 * A Clerk-style id: `prefix_` then 27 alphanumerics, the length of real ids (`user_2abc…`).
 * @see https://clerk.com/docs/reference/backend-api (ids in every example)
 */
export function clerkId(prefix: string): string {
  return `${prefix}_${randomAlphanumeric(27)}`;
}

/**
 * A fresh `sk_test_…` secret key.
 * @see https://clerk.com/docs/guides/development/clerk-environment-variables
 */
export function randomSecretKey(): string {
  return `sk_test_${randomAlphanumeric(42)}`;
}

/**
 * The publishable key of an instance whose Frontend API is `frontendApi`: `pk_live_` (production) or `pk_test_`
 * (development), then base64 of `<host>$`. With `pk_test_`, `@clerk/express` runs dev-browser handshakes with the
 * Frontend API; with `pk_live_` it verifies a `__session` on the app's host without any network call.
 * @see https://github.com/clerk/javascript/blob/main/packages/shared/src/keys.ts (`parsePublishableKey`)
 */
export function publishableKeyFor(frontendApi: URL, instanceType: 'development' | 'production' = 'production'): string {
  return `pk_${instanceType === 'production' ? 'live' : 'test'}_${Buffer.from(`${frontendApi.host}$`).toString('base64')}`;
}

/**
 * A JWT `jti` like Clerk's (`10db7f531a90cb2faea4`: 20 hex digits).
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#default-claims
 */
export function randomJti(): string {
  return randomBytes(10).toString('hex');
}
