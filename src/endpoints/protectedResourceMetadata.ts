/**
 * Protected resource metadata (RFC 9728) for the MCP endpoint: names our issuer as its one authorization
 * server. Served path-aware and at the root.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2 metadata members
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.1 location
 */
import type { ResolvedConfig } from '../config/options.js';

export function protectedResourceMetadata(config: ResolvedConfig): Record<string, unknown> {
  return {
    resource: config.urls.resource,
    authorization_servers: [config.urls.issuer],
    // offline_access is about the client's relationship with the AS, not a permission on this resource.
    scopes_supported: [...config.scopes.keys()].filter((s) => s !== 'offline_access'),
    bearer_methods_supported: ['header'],
    ...(config.resourceName ? { resource_name: config.resourceName } : {}),
  };
}
