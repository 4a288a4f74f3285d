/**
 * The well-known URLs a client computes, each as the client computes it. A pure function per rule, so the
 * report can say which rule a missing document breaks.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.1 PRM: insert before the resource path
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.1 AS metadata: insert before the issuer path
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationRequest OIDC: append
 */

/** The resource path without its terminating slash; '' for an origin (RFC 9728 §3.1, RFC 8414 §3.1). */
function pathOf(url: URL): string {
  return url.pathname.replace(/\/$/, '');
}

/** `/.well-known/oauth-protected-resource<resource-path>` (what the MCP SDK probes first). */
export function protectedResourceMetadataUrl(resource: URL): string {
  return `${resource.origin}/.well-known/oauth-protected-resource${pathOf(resource)}${resource.search}`;
}

/** `/.well-known/oauth-protected-resource` at the origin (the fallback). */
export function rootProtectedResourceMetadataUrl(resource: URL): string {
  return `${resource.origin}/.well-known/oauth-protected-resource`;
}

/** RFC 8414 path insertion: `https://as/x` → `https://as/.well-known/oauth-authorization-server/x`. */
export function authorizationServerMetadataUrl(issuer: URL): string {
  return `${issuer.origin}/.well-known/oauth-authorization-server${pathOf(issuer)}`;
}

/** OIDC Discovery appending: `https://as/x` → `https://as/x/.well-known/openid-configuration` (openid-client's default). */
export function openidConfigurationUrl(issuer: URL): string {
  return `${issuer.origin}${pathOf(issuer)}/.well-known/openid-configuration`;
}

/** OIDC with RFC 8414-style insertion: the MCP SDK's second URL for an issuer with a path. */
export function insertedOpenidConfigurationUrl(issuer: URL): string {
  return `${issuer.origin}/.well-known/openid-configuration${pathOf(issuer)}`;
}

/** Whether the issuer has a path, which changes every location above. */
export function hasPath(url: URL): boolean {
  return pathOf(url) !== '';
}
