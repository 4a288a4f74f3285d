/**
 * Redirect URI policy (pure): which URIs a client may register, and whether an authorization request's
 * `redirect_uri` is one of them. Defined once; registration, authorize and token all ask here.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7 native app redirect URIs
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-2.3.1 exact matching
 */
import { isLoopbackHost } from '../config/issuerUrls.js';

/**
 * Schemes that are never a redirect target: a redirect to them does not hand the code to an app, it runs
 * something. The consent page's "Allow" would otherwise launch a local handler with attacker-chosen input
 * (Follina, CVE-2022-30190, was one `ms-msdt:` URL). Registration and metadata documents both ask here.
 */
const FORBIDDEN_SCHEMES = new Set([
  // Browser-internal: run script or read local content in the issuer's page context.
  'javascript:', 'data:', 'vbscript:', 'file:', 'about:', 'blob:', 'filesystem:', 'view-source:', 'ws:', 'wss:', 'ftp:', 'jar:',
  // Windows launch handlers abused for code execution or file and credential leaks:
  'ms-msdt:', // Support Diagnostic Tool (CVE-2022-30190)
  'search-ms:', 'search:', 'ms-search:', // Explorer search windows onto remote shares (lures to run files)
  'ms-officecmd:', // Office launcher (Teams/Office RCE, 2021)
  'ms-word:', 'ms-excel:', 'ms-powerpoint:', 'ms-visio:', 'ms-access:', 'ms-project:', 'ms-publisher:', 'ms-spd:', 'ms-infopath:', 'onenote:', // Office URI schemes: open remote documents
  'shell:', // Explorer shell namespace (startup folders, control panels)
  'ms-cxh:', 'ms-cxh-full:', // Cloud Experience Host (account and setup flows)
  'ms-settings:', 'ms-appinstaller:', // settings pages; App Installer (MSIX from a URL)
  'mk:', 'its:', 'ms-its:', 'hcp:', 'ms-help:', 'res:', 'mhtml:', // compiled-help and IE-era content handlers
  'ldap:', 'ldaps:', 'smb:', // directory and share protocols: outbound connections that can carry NTLM credentials
  // Other platforms' install and intent launchers.
  'itms-services:', 'intent:', 'help:',
]);
/** Windows registers its own protocol handlers in the `ms-` namespace; an MCP client never needs one. */
const FORBIDDEN_SCHEME_PREFIX = 'ms-';
const MAX_URI_LENGTH = 2000;

/**
 * Why `uri` cannot be registered, or `undefined` when it can: `https:`, loopback `http:`, or a private-use
 * scheme (`cursor://…`, `vscode://…`); never a fragment, credentials or control characters.
 */
export function redirectUriRegistrationProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || uri === '') return 'redirect URIs must be non-empty strings';
  if (uri.length > MAX_URI_LENGTH) return `redirect URI longer than ${MAX_URI_LENGTH} characters`;
  // Control characters and spaces would let a URI smuggle headers or differ from its own display.
  if (/[\u0000-\u0020\u007f-\u009f]/.test(uri)) return 'redirect URI contains whitespace or control characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `redirect URI "${uri}" is not an absolute URI`;
  }
  if (url.hash || uri.includes('#')) return `redirect URI "${uri}" must not contain a fragment (RFC 6749 §3.1.2)`;
  if (url.username || url.password) return `redirect URI "${uri}" must not contain credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? undefined : `redirect URI "${uri}" uses http on a non-loopback host; use https (RFC 8252 §8.3)`;
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol) || url.protocol.startsWith(FORBIDDEN_SCHEME_PREFIX)) return `redirect URI scheme "${url.protocol}" is not allowed`;
  // Private-use URI scheme (RFC 8252 §7.1), e.g. cursor://anysphere.cursor-mcp/oauth/callback.
  return undefined;
}

/** True when `uri` is an http loopback redirect, whose port may vary per request (RFC 8252 §7.3). */
function isLoopbackRedirect(url: URL): boolean {
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/**
 * The registered URI that `requested` matches, or `undefined`. Exact string match, except that a loopback
 * `http:` redirect may use any port (RFC 8252 §7.3: native apps pick an ephemeral port per request).
 */
export function matchRedirectUri(registered: readonly string[], requested: unknown): string | undefined {
  if (typeof requested !== 'string' || requested === '') return undefined;
  if (registered.includes(requested)) return requested;
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    return undefined;
  }
  // Only the port may differ (RFC 8252 §7.3): userinfo (`app.example.com:pw@127.0.0.1`) would make the URI read
  // as another host to a person or a naive parser, so a requested URI with credentials never matches.
  if (!isLoopbackRedirect(url) || requested.includes('#') || url.username || url.password) return undefined;
  const portless = (u: URL) => `${u.protocol}//${u.hostname}${u.pathname}${u.search}`;
  return registered.find((candidate) => {
    try {
      const r = new URL(candidate);
      // Same host literal, path and query; only the port may differ. The request must be in canonical form,
      // so the string the client compares later is the one we matched.
      return isLoopbackRedirect(r) && portless(r) === portless(url) && url.href === requested;
    } catch {
      return false;
    }
  });
}
