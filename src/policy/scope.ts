/**
 * Scope policy (pure): parsing the `scope` parameter and deciding what may be granted.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3 access token scope
 */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The scope-tokens of a `scope` string, deduplicated in order; `undefined` when it is not well-formed. */
export function parseScope(value: string): string[] | undefined {
  const tokens = value.split(' ').filter((t) => t !== '');
  if (tokens.some((t) => !SCOPE_TOKEN.test(t))) return undefined;
  return [...new Set(tokens)];
}

/** The space-separated form, as responses and tokens carry it. */
export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/**
 * The scopes to grant, or the offending scope. A request without scope gets the defaults, within what the client
 * registered (RFC 7591 §2) when it registered a `scope`. A registered scope is never a ceiling on what a request
 * may ask for: it is self-declared at open registration (so it restricts nothing an attacker could not
 * re-register), and MCP step-up authorization asks for the scopes a 403 challenge names, beyond the first ones
 * (typescript-sdk#983). The user approves every new scope on the consent page.
 */
export function decideScopes(
  requested: string[] | undefined,
  supported: ReadonlySet<string> | ReadonlyMap<string, unknown>,
  defaults: readonly string[],
  clientScopes?: readonly string[],
): { scopes: string[] } | { unsupported: string } {
  const wanted = requested && requested.length > 0 ? requested : defaults.filter((s) => !clientScopes || clientScopes.includes(s));
  for (const scope of wanted) {
    if (!supported.has(scope)) return { unsupported: scope };
  }
  return { scopes: [...wanted] };
}

/** True when every scope of `subset` is in `granted` (refresh may narrow scope, never widen it). */
export function isSubset(subset: readonly string[], granted: readonly string[]): boolean {
  return subset.every((s) => granted.includes(s));
}
