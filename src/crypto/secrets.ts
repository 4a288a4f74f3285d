/**
 * Random credentials, their hashes, and constant-time comparison: the one place where secrets are made and
 * compared. Credentials use the base64url alphabet `[A-Za-z0-9_-]`, so Basic-auth form-encoding leaves them
 * unchanged whichever way a client encodes (SPEC §5 Registration).
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh credential of `bytes` random bytes (default 32 = 256 bits; codes need ≥ 128, SPEC §5). */
export function randomCredential(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The SHA-256 of a credential, as stored: a leaked store yields no usable token, code or secret. */
export function hashCredential(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Compares two secrets in time that does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first makes both sides the same length, so the length check leaks nothing either.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** A purpose-bound key derived from server key material (RFC 5869 HKDF-SHA256). */
export function deriveKey(secret: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), `clerk-mcp-issuer:${purpose}`, 32));
}

/** HMAC-SHA256 of `data` under `key`, base64url. */
export function mac(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('base64url');
}
