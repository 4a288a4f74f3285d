/**
 * What the middleware's id_token would carry for a token Clerk minted from the template: Clerk's envelope
 * dropped, our issuer in front. Used by `provision --verify` so a user sees the result on their own instance.
 * Pure: the caller mints and decodes.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
import type { JWTPayload } from 'jose';
import { FORBIDDEN_TEMPLATE_CLAIMS } from './claims.js';

/** Claims the middleware adds per authorization request; shown by name only, their values do not exist yet. */
export const PER_REQUEST_CLAIMS = ['aud', 'exp', 'iat', 'auth_time', 'nonce'] as const;

export interface IdTokenPreview {
  /** `iss` (ours), `sub` (the Clerk user id), then the template's claims. */
  claims: Record<string, unknown>;
  /** Claims that came out `null`: an unknown shortcode, or a value this user does not have. */
  nullClaims: string[];
  /** Clerk's `iss`, dropped here, shown so the user sees what the middleware replaces. */
  clerkIssuer?: string;
}

/**
 * Builds the preview from a decoded Clerk template token. It drops the same claims the middleware drops
 * (`FORBIDDEN_TEMPLATE_CLAIMS`, also used by `src/clerk/clerkIdentity.ts`), so the preview is what it issues.
 */
export function idTokenPreview(clerkPayload: JWTPayload, issuer: string): IdTokenPreview {
  const dropped = new Set(FORBIDDEN_TEMPLATE_CLAIMS);
  const templateClaims = Object.entries(clerkPayload).filter(([claim]) => !dropped.has(claim));
  return {
    claims: { iss: issuer, sub: clerkPayload.sub, ...Object.fromEntries(templateClaims) },
    nullClaims: templateClaims.filter(([, value]) => value === null).map(([claim]) => claim),
    ...(typeof clerkPayload.iss === 'string' ? { clerkIssuer: clerkPayload.iss } : {}),
  };
}
