/**
 * PKCE verification (S256 only; `plain` is refused at the authorization endpoint).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6 server verifies code_verifier
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto/secrets.js';

/** code_verifier = 43*128unreserved (RFC 7636 §4.1). */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function pkceVerifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !VERIFIER.test(verifier)) return false;
  return constantTimeEqual(createHash('sha256').update(verifier, 'ascii').digest('base64url'), challenge);
}
