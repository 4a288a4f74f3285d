/**
 * The two kinds of JWT a Clerk instance signs, told apart by the `cat` (category) protected header that
 * `@clerk/backend` checks: session tokens (the `__session` cookie, carry `sid`) and JWT-template tokens (no `sid`;
 * `authenticateRequest()` refuses them as session tokens).
 *
 * @see https://clerk.com/docs/guides/sessions/session-tokens#default-claims
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#default-claims
 * @see https://github.com/clerk/javascript/blob/main/packages/backend/src/tokens/jwtCategories.ts
 */
import { SignJWT, importPKCS8, type CryptoKey } from 'jose';
import { randomJti } from './ids.js';
import type { InstanceKey } from './keys.js';
import type { JsonValue } from './shortcodes.js';

/** `cat` of session tokens (`JWT_CATEGORY_SESSION_TOKEN`). */
export const SESSION_TOKEN_CATEGORY = 'cl_B7d4PD111AAA';
/** `cat` of JWT-template tokens (`JWT_CATEGORY_JWT_TEMPLATE`). */
export const JWT_TEMPLATE_CATEGORY = 'cl_B7d4PD222AAA';

/** Session tokens live 60 s; Clerk's cookie refresh keeps them fresh. */
export const SESSION_TOKEN_LIFETIME = 60;
/**
 * `nbf` leeway of session tokens. Real ones show `nbf = iat - 10` (e.g. the token quoted in clerk/javascript#4440).
 * @see https://github.com/clerk/javascript/issues/4440
 */
const SESSION_TOKEN_CLOCK_SKEW = 10;

export interface SessionTokenInput {
  key: InstanceKey;
  /** Frontend API origin: `iss`. */
  issuer: string;
  sessionId: string;
  userId: string;
  /** Unix seconds; `iat`. */
  issuedAt: number;
  /** Seconds until `exp`; default {@link SESSION_TOKEN_LIFETIME}. */
  lifetime?: number;
  /**
   * `azp`: the browser `Origin` of the Frontend API request that minted the token. Cookie tokens always have one
   * (`@clerk/backend` warns that cookie tokens without it will be refused); BAPI-minted tokens have none.
   */
  authorizedParty?: string;
  /** The organization active in the session: the v2 `o` claim (`rol` without the `org:` prefix). */
  organization?: { id: string; slug: string; role: string };
}

/**
 * A version-2 session token: `sid`, `sub`, `v: 2`, `fva`, `sts`, `azp` when given, `o` when an organization is
 * active, and the registered claims.
 * @see https://clerk.com/docs/guides/sessions/session-tokens#version-2 (`o.id`, `o.slg`, `o.rol`)
 * @see https://clerk.com/docs/guides/sessions/session-tokens#default-claims
 */
export async function mintSessionToken(input: SessionTokenInput): Promise<string> {
  const { key, issuedAt } = input;
  return new SignJWT({
    ...(input.authorizedParty !== undefined && { azp: input.authorizedParty }),
    // First factor just verified, no second factor: "[7, -1] … there either is not a second factor".
    fva: [0, -1],
    ...(input.organization && { o: { id: input.organization.id, slg: input.organization.slug, rol: input.organization.role.replace(/^org:/, '') } }),
    sid: input.sessionId,
    sts: 'active',
    v: 2,
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: SESSION_TOKEN_CATEGORY })
    .setIssuer(input.issuer)
    .setSubject(input.userId)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt - SESSION_TOKEN_CLOCK_SKEW)
    .setExpirationTime(issuedAt + (input.lifetime ?? SESSION_TOKEN_LIFETIME))
    .setJti(randomJti())
    .sign(key.privateKey);
}

/** How a template token is signed: the instance key, or the template's own ("custom signing key"). */
export type TemplateSigner =
  | { kind: 'instance'; key: InstanceKey }
  | { kind: 'custom'; algorithm: string; key: CryptoKey | Uint8Array };

export interface TemplateTokenInput {
  signer: TemplateSigner;
  issuer: string;
  userId: string;
  /** The template's claims with shortcodes already rendered. */
  claims: Record<string, JsonValue>;
  issuedAt: number;
  lifetime: number;
  allowedClockSkew: number;
}

/**
 * A JWT-template token: the rendered claims plus the default claims `iss`, `sub`, `iat`, `nbf`, `exp`, `jti`, which
 * templates cannot override. No `sid`: "session-tied claims … cannot be included in custom JWTs".
 * @see https://clerk.com/docs/guides/sessions/jwt-templates#default-claims
 */
export async function mintTemplateToken(input: TemplateTokenInput): Promise<string> {
  const { signer, issuedAt } = input;
  const header =
    signer.kind === 'instance'
      ? { alg: 'RS256', kid: signer.key.kid, typ: 'JWT', cat: JWT_TEMPLATE_CATEGORY }
      : { alg: signer.algorithm, typ: 'JWT', cat: JWT_TEMPLATE_CATEGORY };
  return new SignJWT(input.claims)
    .setProtectedHeader(header)
    .setIssuer(input.issuer)
    .setSubject(input.userId)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt - input.allowedClockSkew)
    .setExpirationTime(issuedAt + input.lifetime)
    .setJti(randomJti())
    .sign(signer.kind === 'instance' ? signer.key.privateKey : signer.key);
}

/** Algorithms a custom signing key may use: HMAC takes the key text as secret, the others a PKCS#8 PEM. */
export const CUSTOM_SIGNING_ALGORITHMS = [
  'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512',
] as const;

/**
 * The key a template's `signing_key` stands for under `algorithm`; throws (from jose) when it does not import.
 * Clerk documents HS256 with a shared secret (Supabase, Hasura) and RS256 with a private key.
 * @see https://clerk.com/docs/integrations/databases/supabase
 */
export async function importCustomSigningKey(algorithm: string, signingKey: string): Promise<CryptoKey | Uint8Array> {
  if (algorithm.startsWith('HS')) return new TextEncoder().encode(signingKey);
  return importPKCS8(signingKey, algorithm);
}
