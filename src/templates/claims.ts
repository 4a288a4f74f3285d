/**
 * Claims a Clerk JWT template must not carry, each with the reason a user sees when a template file has one.
 * This module is the one place these lists live; `clerk-templates/template.schema.json` repeats them for
 * editors, and `test/templates/schema.test.ts` keeps the two in step.
 *
 * @see https://clerk.com/docs/guides/sessions/jwt-templates Clerk JWT templates, "Default claims"
 */

/**
 * Clerk's default claims: Clerk sets them on every template token and refuses them in a template with
 * HTTP 400 `jwt_template_reserved_claim`, custom signing key or not.
 *
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#default-claims
 */
export const CLERK_RESERVED_CLAIMS = ['iss', 'sub', 'azp', 'exp', 'iat', 'jti', 'nbf'] as const;

/**
 * Claims Clerk only puts in session tokens (`sid` and the session-state claims); a template token is not
 * bound to a session, so Clerk cannot fill them.
 *
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#default-claims
 */
export const CLERK_SESSION_ONLY_CLAIMS = ['sid', 'v', 'pla', 'fea', 'fva', 'sts', 'o'] as const;

/**
 * The id_token envelope the middleware sets per request (OIDC Core §2, §3.1.3.6). Clerk would accept them in a
 * template, but a template holds one static value, and these differ per client (`aud` = client_id), per
 * authorization request (`nonce`, `auth_time`) or per response (`at_hash`, `c_hash`); `acr`/`amr` describe an
 * authentication only the middleware witnessed. The middleware drops them from template claims.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
export const ID_TOKEN_ENVELOPE_CLAIMS = ['aud', 'nonce', 'auth_time', 'at_hash', 'c_hash', 'acr', 'amr'] as const;

/** Every claim name a template file may not use. */
export const FORBIDDEN_TEMPLATE_CLAIMS: readonly string[] = [
  ...CLERK_RESERVED_CLAIMS,
  ...CLERK_SESSION_ONLY_CLAIMS,
  ...ID_TOKEN_ENVELOPE_CLAIMS,
];

const ISSUER_WHY =
  'Clerk always sets "iss" to its Frontend API URL (e.g. https://clerk.example.com) and answers a template ' +
  'that names it with 400 jwt_template_reserved_claim. That is why the id_token is not Clerk\'s: the ' +
  'middleware takes this template\'s claims, sets "iss" to your MCP issuer itself and signs with your key, so ' +
  'strict clients see one issuer everywhere.';

/**
 * Why `claim` cannot be in a template, in words a user can act on; `undefined` when the claim is allowed.
 */
export function forbiddenClaimReason(claim: string): string | undefined {
  if (claim === 'iss') return `"iss" is reserved by Clerk. ${ISSUER_WHY}`;
  if ((CLERK_RESERVED_CLAIMS as readonly string[]).includes(claim)) {
    return (
      `"${claim}" is reserved by Clerk: Clerk sets it on every template token and refuses it in a template ` +
      `(400 jwt_template_reserved_claim). The middleware sets "${claim}" of the id_token itself. ${ISSUER_WHY}`
    );
  }
  if ((CLERK_SESSION_ONLY_CLAIMS as readonly string[]).includes(claim)) {
    return (
      `"${claim}" is a Clerk session-token claim: template tokens are not bound to a session, so Clerk ` +
      'cannot fill it. The grant keeps the Clerk session id on the server instead.'
    );
  }
  if ((ID_TOKEN_ENVELOPE_CLAIMS as readonly string[]).includes(claim)) {
    return (
      `"${claim}" belongs to the id_token envelope the middleware sets per request when it issues the id_token ` +
      '(aud = the client\'s client_id, nonce = the authorization request\'s nonce, auth_time = the sign-in time, ' +
      'at_hash/c_hash/acr/amr about that response); a template holds one static value, and the middleware drops it.'
    );
  }
  return undefined;
}

/**
 * Shortcodes that would leak data a browser must not see: any signed-in browser can mint a template token
 * itself (`getToken({ template })`), so a template must never reach `private_metadata`.
 *
 * @see https://clerk.com/docs/reference/javascript/session#get-token `getToken({ template })` in the browser
 */
export const FORBIDDEN_SHORTCODE_PATTERN = /\{\{[^}]*private_metadata[^}]*\}\}/;
