/**
 * Which identity claims a grant's scopes release (pure). Standard claims follow the OIDC scope mapping;
 * custom claims of the template (organization, metadata) come with `openid`, as the template's author chose.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims
 */
const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: ['name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
};
const STANDARD = new Map(Object.entries(SCOPE_CLAIMS).flatMap(([scope, claims]) => claims.map((c) => [c, scope] as const)));

export function claimsForScopes(claims: Record<string, unknown>, scopes: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(claims).filter(([name, value]) => {
      if (value === null || value === undefined) return false; // unknown shortcodes render as null: omit them
      const scope = STANDARD.get(name);
      return scope === undefined || scopes.includes(scope);
    }),
  );
}
