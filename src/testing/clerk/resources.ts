/**
 * The double's records as BAPI answers them: `User`, `Session`, `JWTTemplate` and `DeletedObject` of the Backend API
 * contract (every required member present, `additionalProperties: false` respected), plus the `user` tree that
 * template shortcodes read.
 *
 * @see https://github.com/clerk/openapi-specs/blob/main/bapi/2026-05-12.yml (`components.schemas`)
 */
import type { ClerkDoubleSession, ClerkDoubleSessionStatus, ClerkDoubleUser } from './contract.js';
import type { JsonValue, ShortcodeContext } from './shortcodes.js';
import type { TemplateSettings } from './jwt-templates.js';

/** A JWT template as the double stores it; `signingKey` is kept but, like Clerk, never answered. */
export interface JwtTemplateRecord extends TemplateSettings {
  id: string;
  createdAt: number; // ms
  updatedAt: number; // ms
}

/** Clerk's abandon window: a session inactive this long is `abandoned` (its default inactivity timeout). */
const ABANDON_AFTER_MS = 30 * 24 * 60 * 60 * 1000;

/** The status Clerk would report now: an `active` session past `expire_at` reads as `expired`. */
export function effectiveStatus(session: ClerkDoubleSession, now = Date.now()): ClerkDoubleSessionStatus {
  return session.status === 'active' && session.expireAt <= now ? 'expired' : session.status;
}

/** The id of the user's one email address; derived from the user id, so it is stable without more state. */
export function emailAddressIdFor(user: ClerkDoubleUser): string {
  return `idn_${user.id.replace(/^user_/, '')}`;
}

/** `components.schemas.User`. Timestamps are Unix milliseconds, as BAPI answers them. */
export function userJson(user: ClerkDoubleUser): Record<string, unknown> {
  const emailId = emailAddressIdFor(user);
  return {
    id: user.id,
    object: 'user',
    external_id: null,
    primary_email_address_id: emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: user.username,
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: user.imageUrl,
    has_image: false,
    public_metadata: user.publicMetadata,
    private_metadata: {},
    unsafe_metadata: {},
    email_addresses: [
      {
        id: emailId,
        object: 'email_address',
        email_address: user.email,
        reserved: false,
        // A user created through BAPI (as the seeds are) carries an admin verification; an unverified one an OTP.
        verification: user.emailVerified
          ? { object: 'verification_admin', status: 'verified', strategy: 'admin', attempts: null, expire_at: null }
          : { object: 'verification_otp', status: 'unverified', strategy: 'email_code', attempts: 0, expire_at: null },
        linked_to: [],
        created_at: user.createdAt,
        updated_at: user.createdAt,
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    password_enabled: false,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    last_sign_in_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    created_at: user.createdAt,
    updated_at: user.createdAt,
    delete_self_enabled: true,
    create_organization_enabled: true,
    last_active_at: null,
    legal_accepted_at: null,
  };
}

/** `components.schemas.Session`. */
export function sessionJson(session: ClerkDoubleSession, now = Date.now()): Record<string, unknown> {
  return {
    object: 'session',
    id: session.id,
    user_id: session.userId,
    client_id: session.clientId,
    actor: null,
    status: effectiveStatus(session, now),
    last_active_organization_id: session.lastActiveOrganizationId ?? null,
    last_active_at: session.lastActiveAt,
    expire_at: session.expireAt,
    abandon_at: session.createdAt + ABANDON_AFTER_MS,
    updated_at: session.lastActiveAt,
    created_at: session.createdAt,
  };
}

/** `components.schemas.JWTTemplate`: every member required, `signing_key` never included. */
export function jwtTemplateJson(template: JwtTemplateRecord): Record<string, unknown> {
  return {
    object: 'jwt_template',
    id: template.id,
    name: template.name,
    claims: template.claims,
    lifetime: template.lifetime,
    allowed_clock_skew: template.allowedClockSkew,
    custom_signing_key: template.customSigningKey,
    signing_algorithm: template.signingAlgorithm,
    created_at: template.createdAt,
    updated_at: template.updatedAt,
  };
}

/** `components.schemas.DeletedObject`. */
export function deletedObjectJson(object: string, id: string): Record<string, unknown> {
  return { object, id, deleted: true };
}

/**
 * The `user` tree that template shortcodes resolve against. `created_at`/`updated_at` are Unix seconds here: the
 * guide's complete example renders `{{user.created_at}}` as `1227618844`.
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#complete-example
 */
export function shortcodeContext(user: ClerkDoubleUser, organization?: Record<string, Record<string, unknown>>): ShortcodeContext {
  const fullName = [user.firstName, user.lastName].filter((part) => part).join(' ');
  const createdAt = Math.floor(user.createdAt / 1000);
  return {
    user: {
      id: user.id,
      external_id: null,
      first_name: user.firstName,
      last_name: user.lastName,
      full_name: fullName === '' ? null : fullName,
      username: user.username,
      primary_email_address: user.email,
      email_verified: user.emailVerified,
      primary_phone_number: null,
      phone_number_verified: false,
      image_url: user.imageUrl,
      has_image: false,
      public_metadata: user.publicMetadata as { [key: string]: JsonValue },
      unsafe_metadata: {},
      created_at: createdAt,
      updated_at: createdAt,
    },
    // `{{org.id}}`, `{{org.role}}`, …: the organization active in the session; absent (so `null`) without one.
    ...(organization as Record<string, { [key: string]: JsonValue }> | undefined),
  };
}
