/**
 * Resource indicator policy (pure): the one protected resource an access token may be bound to.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2 resource parameter
 */

/**
 * The comparable form of a resource URI: scheme and host lowercased (the URL parser does it), default port
 * dropped, and an origin-only resource with or without its trailing `/` treated alike. `undefined` when it is
 * not an absolute URI or has a fragment.
 */
export function normalizeResource(value: string): string | undefined {
  if (value.includes('#')) return undefined;
  try {
    const url = new URL(value);
    return url.pathname === '/' && !url.search ? url.origin : url.href;
  } catch {
    return undefined;
  }
}

/** True when the requested resource names the configured one. */
export function isConfiguredResource(requested: string, configured: string): boolean {
  const a = normalizeResource(requested);
  return a !== undefined && a === normalizeResource(configured);
}
