/**
 * The JWT-template policy: which create/update bodies Clerk accepts and what a template then holds. Pure apart from
 * importing a custom signing key; the router owns storage and the duplicate-name check.
 *
 * @see https://github.com/clerk/openapi-specs/blob/main/bapi/2026-05-12.yml (`CreateJWTTemplate`, `UpdateJWTTemplate`)
 * @see https://clerk.com/docs/guides/sessions/jwt-templates
 */
import {
  ClerkApiError,
  formParamMissing,
  formParamTypeInvalid,
  formParamValueInvalid,
  jwtTemplateReservedClaim,
} from './errors.js';
import { CUSTOM_SIGNING_ALGORITHMS, importCustomSigningKey } from './tokens.js';

// These lists restate `src/templates/claims.ts` on purpose: the double stands for Clerk, so it takes Clerk's rules
// from Clerk's documentation, never from the code it is there to test.

/**
 * Default claims Clerk sets on every template token and refuses in a template ("cannot be overridden by templates").
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#default-claims
 */
export const RESERVED_CLAIMS: readonly string[] = ['azp', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub'];

/**
 * Session-token claims that "cannot be included in custom JWTs" (`sid`, `v`, `pla`, `fea` by the guide; `fva`, `sts`,
 * `o` are the other version-2 session claims). Clerk's catalogue has no error of its own for them, and users report
 * "You can't use the reserved claim: fva", so they get the same 400 `jwt_template_reserved_claim`.
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#default-claims
 * @see https://clerk.com/docs/guides/sessions/session-tokens#default-claims
 */
export const SESSION_ONLY_CLAIMS: readonly string[] = ['sid', 'v', 'pla', 'fea', 'fva', 'sts', 'o'];

/** "Default is 60 seconds"; the contract's range 30..315360000. */
export const LIFETIME = { default: 60, min: 30, max: 315_360_000 } as const;
/** "Default is 5 seconds"; the contract's range 0..300. */
export const ALLOWED_CLOCK_SKEW = { default: 5, min: 0, max: 300 } as const;

/** What a template holds once a body is accepted. */
export interface TemplateSettings {
  name: string;
  claims: Record<string, unknown>;
  lifetime: number;
  allowedClockSkew: number;
  customSigningKey: boolean;
  signingAlgorithm: string;
  signingKey: string | null;
}

/**
 * The settings a create (`current` absent) or update body gives. Both operations require `name` and `claims`; the
 * optional members keep the template's current value when absent or `null` (defaults on create).
 * Refusals, in Clerk's order of form validation: 422 missing/typed params, 400 reserved claims, 422 ranges.
 */
export async function templateSettings(body: unknown, current?: TemplateSettings): Promise<TemplateSettings> {
  const form = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const name = requiredString(form, 'name');
  const claims = requiredClaims(form);
  const lifetime = integerInRange(form, 'lifetime', LIFETIME) ?? current?.lifetime ?? LIFETIME.default;
  const allowedClockSkew =
    integerInRange(form, 'allowed_clock_skew', ALLOWED_CLOCK_SKEW) ?? current?.allowedClockSkew ?? ALLOWED_CLOCK_SKEW.default;
  const signing = await signingSettings(form, current);
  return { name, claims, lifetime, allowedClockSkew, ...signing };
}

function requiredString(form: Record<string, unknown>, param: string): string {
  const value = form[param];
  if (value === undefined || value === null || value === '') throw formParamMissing(param);
  if (typeof value !== 'string') throw formParamTypeInvalid(param, 'string');
  return value;
}

function requiredClaims(form: Record<string, unknown>): Record<string, unknown> {
  const claims = form.claims;
  if (claims === undefined || claims === null) throw formParamMissing('claims');
  if (typeof claims !== 'object' || Array.isArray(claims)) throw formParamTypeInvalid('claims', 'object');
  const refused = Object.keys(claims).find((claim) => RESERVED_CLAIMS.includes(claim) || SESSION_ONLY_CLAIMS.includes(claim));
  if (refused !== undefined) throw jwtTemplateReservedClaim(refused);
  return claims as Record<string, unknown>;
}

function integerInRange(
  form: Record<string, unknown>,
  param: string,
  range: { min: number; max: number },
): number | undefined {
  const value = form[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw formParamValueInvalid(param, `${param} must be an integer between ${range.min} and ${range.max}.`);
  }
  return value;
}

async function signingSettings(
  form: Record<string, unknown>,
  current: TemplateSettings | undefined,
): Promise<Pick<TemplateSettings, 'customSigningKey' | 'signingAlgorithm' | 'signingKey'>> {
  const flag = form.custom_signing_key;
  if (flag !== undefined && flag !== null && typeof flag !== 'boolean') throw formParamTypeInvalid('custom_signing_key', 'boolean');
  const customSigningKey = flag ?? current?.customSigningKey ?? false;
  if (!customSigningKey) return { customSigningKey: false, signingAlgorithm: 'RS256', signingKey: null };

  const algorithm = optionalString(form, 'signing_algorithm') ?? current?.signingAlgorithm;
  const signingKey = optionalString(form, 'signing_key') ?? current?.signingKey ?? undefined;
  // "Required if `custom_signing_key` is `true`" (the contract's wording for both members).
  if (algorithm === undefined) throw conditionalParamMissing('signing_algorithm');
  if (signingKey === undefined) throw conditionalParamMissing('signing_key');
  if (!(CUSTOM_SIGNING_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw formParamValueInvalid(
      'signing_algorithm',
      `${algorithm} does not match the allowed values for parameter signing_algorithm. Allowed values: ${CUSTOM_SIGNING_ALGORITHMS.join(', ')}`,
    );
  }
  try {
    await importCustomSigningKey(algorithm, signingKey);
  } catch {
    throw formParamValueInvalid('signing_key', `signing_key is not a valid ${algorithm} signing key.`);
  }
  return { customSigningKey: true, signingAlgorithm: algorithm, signingKey };
}

function optionalString(form: Record<string, unknown>, param: string): string | undefined {
  const value = form[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw formParamTypeInvalid(param, 'string');
  return value;
}

/**
 * 422 `form_conditional_param_missing` (catalogue: `FormMissingConditionalParameter`).
 * @see https://clerk.com/docs/guides/development/errors/backend-api
 */
function conditionalParamMissing(param: string): ClerkApiError {
  return new ClerkApiError(422, {
    message: 'is missing',
    long_message: `\`${param}\` is required when \`custom_signing_key\` is \`true\`.`,
    code: 'form_conditional_param_missing',
    meta: { param_name: param },
  });
}
