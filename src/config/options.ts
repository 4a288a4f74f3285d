/**
 * The configuration of {@link createMcpIssuer}, and its resolution into one checked, normalised object.
 * Every misconfiguration fails here, at startup, with a message that says what to fix.
 */
import type { Options as RateLimitOptions, Store as RateLimitStore } from 'express-rate-limit';
import type { PrivateJwkSet } from '../keys/jwkSet.js';
import type { Store } from '../store/store.js';
import type { DocumentFetcher } from '../clients/cimd/documentFetcher.js';
import { IssuerUrls, parseIssuer, parseResource } from './issuerUrls.js';
import { boolean, checkSection, fn, literal, object, oneOf, nonNegativeInteger, positiveInteger, recordOf, section, string, stringArray, url, type Section, type Shape } from './optionShapes.js';

/** What the kit logs through. Every line is already free of tokens, codes, secrets and cookies. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ClerkOptions {
  /** `sk_…`. Default: `CLERK_SECRET_KEY`. Required. */
  secretKey?: string;
  /** `pk_…`. Default: `CLERK_PUBLISHABLE_KEY`. Required. */
  publishableKey?: string;
  /** PEM public key for networkless session verification. Default: `CLERK_JWT_KEY`. */
  jwtKey?: string;
  /** Backend API origin. Default: `CLERK_API_URL`, else Clerk's own default. */
  apiUrl?: string;
  /**
   * Where signed-out users are sent; the kit appends `redirect_url=<this authorize request>`.
   * Default: `CLERK_SIGN_IN_URL`. Required (your app's sign-in page or Clerk's Account Portal `/sign-in`).
   */
  signInUrl?: string;
  /** The JWT template the id_token's identity claims come from. Default `mcp-id-token` (see `clerk-templates/`). */
  jwtTemplate?: string;
  /**
   * Origins allowed as `azp` of Clerk session tokens (Clerk's CSRF guard, passed to `clerkMiddleware`). Set it
   * to the origins your users sign in from, e.g. `[issuer origin, your app origin]`. Default: not checked.
   */
  authorizedParties?: string[];
  /**
   * With Clerk webhooks mounted (`issuer.clerkWebhooks()`), how long the session state and identity claims that
   * Clerk last confirmed are trusted at a refresh without asking Clerk again, in seconds: a session that ends is
   * reported by the webhook, which ends its grants at once. Without webhooks every refresh asks Clerk. Default 300.
   */
  claimsMaxAge?: number;
}

/** Token and record lifetimes in seconds. */
export interface Lifetimes {
  /** Authorization code (SPEC §5: ≤ 600). Default 60. */
  authorizationCode: number;
  /** Access token. Default 3600. */
  accessToken: number;
  /** id_token. Default 3600. */
  idToken: number;
  /** Refresh token family, from the code exchange. Default 30 days. */
  refreshToken: number;
  /** How long a rotated refresh token still answers (concurrent refreshes). Default 10. */
  refreshReuseGrace: number;
  /**
   * How long a dynamically registered client is kept after its last code exchange. Default 90 days; at least
   * `refreshToken`, so a client outlives its grants. Bounds the store under open registration.
   */
  registeredClient: number;
}

export type RateLimitSetting = false | Partial<Pick<RateLimitOptions, 'windowMs' | 'limit' | 'keyGenerator'>>;

export interface McpIssuerOptions {
  /** The MCP origin, e.g. `https://mcp.example.com`: no trailing slash, no query, no fragment. */
  issuer: string | URL;
  /** The canonical MCP URL, e.g. `https://mcp.example.com/mcp`, under the issuer's origin. */
  resource: string | URL;
  /** Private JWK set (object or JSON text); the first key signs. Required unless `dev`. */
  signingKeys?: PrivateJwkSet | string;
  /** Dev mode: an ephemeral signing key is generated (and said so). Never in production. */
  dev?: boolean;
  clerk?: ClerkOptions;
  /** Grant store. Default: a {@link MemoryStore} (one process only). */
  store?: Store;
  /** The MCP server's own scopes with a human description each (shown on the consent page). */
  scopes?: Record<string, string>;
  /** Scopes granted when the client sends none. Default: every server scope plus `openid profile email`. */
  defaultScopes?: string[];
  lifetimes?: Partial<Lifetimes>;
  /** `resource_name` of the protected resource metadata. */
  resourceName?: string;
  /**
   * Client ID Metadata Documents (an https URL as `client_id`). Enabled by default; `false` turns them off.
   * `allowLoopback` lets `http://127.0.0.1…` documents through for local clients and tests (dev only; refused
   * with NODE_ENV=production). `fetch` replaces the guarded fetcher (custom egress, tests).
   */
  clientIdMetadataDocuments?: false | { fetch?: DocumentFetcher; allowLoopback?: boolean; maxBytes?: number; timeoutMs?: number; ca?: string | string[] };
  /**
   * Limits on `/register`, `/token` and `/authorize` (per IP; `/authorize` default 300 a minute, which also bounds
   * Clerk calls and metadata-document fetches). `store` makes one express-rate-limit store per limiter (it is told
   * which), e.g. `await redisRateLimitStore(redisStore)` so every instance counts together.
   */
  rateLimit?: {
    register?: RateLimitSetting;
    token?: RateLimitSetting;
    authorize?: RateLimitSetting;
    store?: (limiter: 'register' | 'token' | 'authorize') => RateLimitStore;
  };
  logger?: Logger;
  /**
   * Organization-scoped grants (docs/organizations.md). Off by default (`false`): grants are the user's. `'optional'`:
   * the consent page offers the user's Clerk organizations and the personal account; `'required'`: an organization
   * must be chosen. The choice is fixed in the grant; tokens carry it as `org_id`, `org_slug`, `org_role`,
   * `org_permissions`, and every refresh checks the membership again.
   */
  organizations?: OrganizationsMode;
}

/** The `organizations` option: off, or whether a grant may be the personal account's (`optional`) or not (`required`). */
export type OrganizationsMode = false | 'optional' | 'required';

const rateLimitSetting: Shape = oneOf(
  'false or { windowMs, limit, keyGenerator }',
  literal(false),
  section({ windowMs: positiveInteger, limit: oneOf('a positive integer or a function', positiveInteger, fn), keyGenerator: fn }),
);
const logger = (value: unknown, path: string) =>
  ['debug', 'info', 'warn', 'error'].every((level) => typeof (value as Record<string, unknown> | null)?.[level] === 'function')
    ? []
    : [`${path} must be an object with debug, info, warn and error functions`];

/**
 * The runtime shape of every option, checked by {@link resolveConfig} (plain JavaScript has no compiler to catch
 * `scopes: ['mcp:tools']` or `lifetime: {…}`). Adding an option: its field in {@link McpIssuerOptions} and its line
 * here; an option missing here is refused as unknown.
 */
export const OPTION_SHAPES: Section = {
  issuer: url,
  resource: url,
  signingKeys: oneOf('a private JWK set (object or JSON text)', object, string),
  dev: boolean,
  clerk: section({
    secretKey: string,
    publishableKey: string,
    jwtKey: string,
    apiUrl: string,
    signInUrl: string,
    jwtTemplate: string,
    authorizedParties: stringArray,
    claimsMaxAge: nonNegativeInteger,
  }),
  store: object,
  scopes: recordOf(string, `{ "mcp:tools": "Use the tools" } (scope → description)`),
  defaultScopes: stringArray,
  lifetimes: section({
    authorizationCode: positiveInteger,
    accessToken: positiveInteger,
    idToken: positiveInteger,
    refreshToken: positiveInteger,
    refreshReuseGrace: positiveInteger,
    registeredClient: positiveInteger,
  }),
  resourceName: string,
  clientIdMetadataDocuments: oneOf(
    'false or { fetch, allowLoopback, maxBytes, timeoutMs, ca }',
    literal(false),
    section({ fetch: fn, allowLoopback: boolean, maxBytes: positiveInteger, timeoutMs: positiveInteger, ca: oneOf('a PEM string or an array of them', string, stringArray) }),
  ),
  rateLimit: section({ register: rateLimitSetting, token: rateLimitSetting, authorize: rateLimitSetting, store: fn }),
  organizations: oneOf("false, 'optional' or 'required'", literal(false), literal('optional'), literal('required')),
  logger,
};

/** The OIDC scopes every instance supports besides the server's own. */
export const OIDC_SCOPES: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'Your name and profile picture',
  email: 'Your email address',
  offline_access: 'Stay connected when you are not using it',
};

export interface ResolvedConfig {
  urls: IssuerUrls;
  dev: boolean;
  clerk: Required<Pick<ClerkOptions, 'secretKey' | 'publishableKey' | 'signInUrl' | 'jwtTemplate'>> &
    Pick<ClerkOptions, 'jwtKey' | 'apiUrl' | 'authorizedParties'> & { claimsMaxAge: number };
  /** Every scope with its description: server scopes first, then OIDC ones. */
  scopes: Map<string, string>;
  serverScopes: string[];
  defaultScopes: string[];
  lifetimes: Lifetimes;
  resourceName?: string;
  rateLimit: NonNullable<McpIssuerOptions['rateLimit']>;
  clientIdMetadataDocuments: Exclude<McpIssuerOptions['clientIdMetadataDocuments'], undefined>;
  organizations: OrganizationsMode;
}

/** Seconds a refresh trusts what Clerk last confirmed when webhooks report session ends (`clerk.claimsMaxAge`). */
export const DEFAULT_CLAIMS_MAX_AGE = 300;

export const DEFAULT_LIFETIMES: Lifetimes = {
  authorizationCode: 60,
  accessToken: 3600,
  idToken: 3600,
  refreshToken: 30 * 24 * 3600,
  refreshReuseGrace: 10,
  registeredClient: 90 * 24 * 3600,
};

/** A configuration error: the message says what to fix. */
export class ConfigurationError extends Error {
  readonly code = 'ERR_MCP_ISSUER_CONFIG';
  constructor(message: string) {
    super(`clerk-mcp-issuer: ${message}`);
    this.name = 'ConfigurationError';
  }
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

/** Checks and normalises the options. Throws {@link ConfigurationError}. */
export function resolveConfig(options: McpIssuerOptions, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  if (!options || typeof options !== 'object') throw new ConfigurationError('options are required');
  const problems = checkSection(OPTION_SHAPES, options as unknown as Record<string, unknown>);
  if (problems.length > 0) throw new ConfigurationError(`invalid options: ${problems.join('; ')}`);
  const issuer = parseIssuer(options.issuer, ConfigurationError);
  const resource = parseResource(options.resource, issuer, ConfigurationError);
  const urls = new IssuerUrls(issuer, resource);
  const dev = options.dev === true;

  const clerk = options.clerk ?? {};
  const secretKey = clerk.secretKey ?? env.CLERK_SECRET_KEY;
  const publishableKey = clerk.publishableKey ?? env.CLERK_PUBLISHABLE_KEY;
  const signInUrl = clerk.signInUrl ?? env.CLERK_SIGN_IN_URL;
  // Every missing setting at once: one restart per missing variable is a slow way to learn the list.
  const missing = [
    !secretKey && 'the secret key: set clerk.secretKey or CLERK_SECRET_KEY (Clerk Dashboard → API keys)',
    !publishableKey && 'the publishable key: set clerk.publishableKey or CLERK_PUBLISHABLE_KEY (Clerk Dashboard → API keys)',
    !signInUrl &&
      'the sign-in URL: set clerk.signInUrl or CLERK_SIGN_IN_URL (your sign-in page, or the Account Portal https://accounts.<your-domain>/sign-in)',
  ].filter((line): line is string => typeof line === 'string');
  if (missing.length > 0 || !secretKey || !publishableKey || !signInUrl) {
    throw new ConfigurationError(`missing Clerk setting${missing.length === 1 ? '' : 's'}: ${missing.join('; ')}`);
  }
  try {
    new URL(signInUrl, issuer);
  } catch {
    throw new ConfigurationError(`clerk.signInUrl "${signInUrl}" is not a URL`);
  }

  if (options.signingKeys === undefined) {
    if (!dev) {
      throw new ConfigurationError(
        'missing signing keys: set signingKeys to a private JWK set (run `npx clerk-mcp-issuer keys generate`), or dev: true for an ephemeral key in development',
      );
    }
    // An ephemeral key dies with the process and differs per instance: every token stops verifying on restart.
    if (env.NODE_ENV === 'production') {
      throw new ConfigurationError(
        'the ephemeral dev signing key is refused with NODE_ENV=production: set signingKeys to a private JWK set (run `npx clerk-mcp-issuer keys generate` and keep its output in a secret)',
      );
    }
  }

  const serverScopes = Object.keys(options.scopes ?? {});
  for (const scope of serverScopes) {
    if (!SCOPE_TOKEN.test(scope)) throw new ConfigurationError(`scope "${scope}" is not a valid scope-token (RFC 6749 §3.3)`);
  }
  const scopes = new Map<string, string>([...Object.entries(options.scopes ?? {}), ...Object.entries(OIDC_SCOPES)]);
  const defaultScopes = options.defaultScopes ?? [...serverScopes, 'openid', 'profile', 'email'];
  for (const scope of defaultScopes) {
    if (!scopes.has(scope)) throw new ConfigurationError(`defaultScopes: "${scope}" is not a configured scope`);
  }

  const lifetimes = { ...DEFAULT_LIFETIMES, ...options.lifetimes };
  for (const [name, value] of Object.entries(lifetimes)) {
    if (!Number.isInteger(value) || value <= 0) throw new ConfigurationError(`lifetimes.${name} must be a positive integer of seconds`);
  }
  if (lifetimes.authorizationCode > 600) throw new ConfigurationError('lifetimes.authorizationCode must be at most 600 seconds (SPEC §5)');
  if (lifetimes.registeredClient < lifetimes.refreshToken) {
    throw new ConfigurationError('lifetimes.registeredClient must be at least lifetimes.refreshToken: a client must outlive its refresh tokens');
  }

  const cimd = options.clientIdMetadataDocuments ?? {};
  if (cimd && cimd.allowLoopback && env.NODE_ENV === 'production') {
    throw new ConfigurationError('clientIdMetadataDocuments.allowLoopback is a development allowance and is refused with NODE_ENV=production');
  }

  const organizations = options.organizations ?? false;

  return {
    urls,
    dev,
    clerk: {
      secretKey,
      publishableKey,
      signInUrl,
      jwtTemplate: clerk.jwtTemplate ?? 'mcp-id-token',
      jwtKey: clerk.jwtKey ?? env.CLERK_JWT_KEY,
      apiUrl: clerk.apiUrl ?? env.CLERK_API_URL,
      authorizedParties: clerk.authorizedParties,
      claimsMaxAge: clerk.claimsMaxAge ?? DEFAULT_CLAIMS_MAX_AGE,
    },
    scopes,
    serverScopes,
    defaultScopes,
    lifetimes,
    resourceName: options.resourceName,
    rateLimit: options.rateLimit ?? {},
    clientIdMetadataDocuments: cimd,
    organizations,
  };
}
