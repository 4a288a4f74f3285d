/**
 * The identity strings (SPEC §3) and every URL derived from them, defined once. The issuer string is emitted
 * byte-identical everywhere: metadata, PRM, callback `iss`, id_token and access-token `iss`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3 metadata location (path insertion)
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3 protected resource metadata location
 */
type ErrorClass = new (message: string) => Error;

/** Parses the issuer: an `https:` URL (or `http:` on loopback) with no trailing slash, query or fragment. */
export function parseIssuer(input: string | URL, Err: ErrorClass): URL {
  const text = String(input ?? '');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Err(`issuer "${text}" is not an absolute URL; use your MCP origin, e.g. https://mcp.example.com`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new Err(`issuer "${text}" must use https (http is accepted only for localhost/127.0.0.1/[::1])`);
  }
  if (url.search || url.hash || text.includes('?') || text.includes('#')) {
    throw new Err(`issuer "${text}" must not have a query or fragment (RFC 8414 §2)`);
  }
  if (text.endsWith('/')) {
    throw new Err(`issuer "${text}" must not end with "/": strict clients compare it byte for byte; use "${text.replace(/\/+$/, '')}"`);
  }
  if (url.username || url.password) throw new Err(`issuer "${text}" must not carry credentials`);
  if (url.href.replace(/\/$/, '') !== text) {
    throw new Err(`issuer "${text}" is not in canonical form; use "${url.href.replace(/\/$/, '')}" (lowercase host, no default port)`);
  }
  return url;
}

/** Parses the resource (the MCP URL): same origin as the issuer, no fragment. */
export function parseResource(input: string | URL, issuer: URL, Err: ErrorClass): URL {
  const text = String(input ?? '');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Err(`resource "${text}" is not an absolute URL; use your MCP endpoint, e.g. ${issuer.origin}/mcp`);
  }
  if (url.origin !== issuer.origin) {
    throw new Err(`resource "${text}" is not under the issuer's origin ${issuer.origin}; the MCP endpoint must be served by this origin`);
  }
  if (url.hash || text.includes('#')) throw new Err(`resource "${text}" must not have a fragment (RFC 8707 §2)`);
  return url;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Endpoint paths below the issuer. */
export const ENDPOINT_PATHS = {
  authorization: '/authorize',
  token: '/token',
  registration: '/register',
  revocation: '/revoke',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
} as const;

export class IssuerUrls {
  /** The issuer string, exactly as configured (no trailing slash). */
  readonly issuer: string;
  /** The resource string: the canonical MCP URL. */
  readonly resource: string;
  /** Issuer path without trailing slash ('' for an origin issuer). */
  readonly issuerPath: string;
  readonly resourcePath: string;

  constructor(
    readonly issuerUrl: URL,
    readonly resourceUrl: URL,
  ) {
    this.issuer = issuerUrl.href.replace(/\/$/, '');
    this.resource = resourceUrl.href;
    this.issuerPath = issuerUrl.pathname.replace(/\/$/, '');
    this.resourcePath = resourceUrl.pathname === '/' ? '' : resourceUrl.pathname;
  }

  /** Absolute URL of an endpoint: the issuer followed by its path. */
  endpoint(name: keyof typeof ENDPOINT_PATHS): string {
    return this.issuer + ENDPOINT_PATHS[name];
  }

  /** Path (relative to the origin root) where the router answers for an endpoint. */
  routePath(name: keyof typeof ENDPOINT_PATHS): string {
    return this.issuerPath + ENDPOINT_PATHS[name];
  }

  /** The PRM URL that the 401 challenge names: path-aware (RFC 9728 §3.1). */
  get protectedResourceMetadataUrl(): string {
    return `${this.resourceUrl.origin}/.well-known/oauth-protected-resource${this.resourcePath}`;
  }

  /** Paths of the AS metadata: RFC 8414 path insertion, and OIDC path insertion + appending. */
  get authorizationServerMetadataPaths(): string[] {
    const p = this.issuerPath;
    return [...new Set([`/.well-known/oauth-authorization-server${p}`, `/.well-known/openid-configuration${p}`, `${p}/.well-known/openid-configuration`])];
  }

  get protectedResourceMetadataPaths(): string[] {
    return [...new Set([`/.well-known/oauth-protected-resource${this.resourcePath}`, '/.well-known/oauth-protected-resource'])];
  }
}
