/**
 * The first thing a client sees: the MCP URL without a token. It must answer 401 with a Bearer challenge whose
 * `resource_metadata` names the protected resource metadata, so the client can find the authorization server.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1 resource_metadata in WWW-Authenticate
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 the Bearer challenge
 */
import { fail, pass, warn, type Finding } from '../finding.js';
import type { HttpResult } from '../walk/http.js';

export interface BearerChallenge {
  resourceMetadata?: string;
  scope?: string;
  error?: string;
}

/**
 * Reads the Bearer challenge the way the MCP SDK does: the scheme `Bearer` with at least one parameter, then
 * `name="value"` or `name=token` for the parameters it uses. Undefined when there is no Bearer challenge.
 */
export function parseBearerChallenge(header: string | null): BearerChallenge | undefined {
  if (!header || !/(^|,)\s*bearer\s+\S/i.test(header)) return undefined;
  const param = (name: string) => {
    const match = new RegExp(`(?:^|[\\s,])${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,]+))`, 'i').exec(header);
    return match ? (match[1] ?? match[2]).replace(/\\(.)/g, '$1') : undefined;
  };
  return { resourceMetadata: param('resource_metadata'), scope: param('scope'), error: param('error') };
}

export interface ChallengeResult {
  finding: Finding;
  /** The PRM URL the challenge names, when it is an absolute URL. */
  resourceMetadataUrl?: string;
}

const FIX_401 = 'answer a request without a token with 401 and WWW-Authenticate: Bearer resource_metadata="<origin>/.well-known/oauth-protected-resource<mcp-path>"';

/** Judges the answer of the MCP URL to an unauthenticated `initialize`. */
export function checkChallenge(result: HttpResult, mcpUrl: string): ChallengeResult {
  if (result.kind === 'error') return { finding: fail('mcp.challenge', result.message, { url: mcpUrl, fix: 'check the URL: it must be the MCP endpoint itself (e.g. https://mcp.example.com/mcp)' }) };
  const { status, headers } = result;
  if (status !== 401) {
    const why =
      status >= 200 && status < 300
        ? 'it served the request without a token, so no client starts OAuth'
        : status >= 300 && status < 400
          ? `it redirects (${headers.get('location') ?? 'no Location'}); clients do not follow redirects to find the challenge`
          : status === 403
            ? '403 means "token lacks scope"; without a token the answer must be 401'
            : status === 404 || status === 405
              ? 'is this the MCP endpoint? (clients POST initialize to it)'
              : 'a missing token must get 401';
    return { finding: fail('mcp.challenge', `HTTP ${status} to an initialize request without a token: ${why}`, { url: mcpUrl, fix: FIX_401 }) };
  }
  const header = headers.get('www-authenticate');
  const challenge = parseBearerChallenge(header);
  if (!challenge) {
    return {
      finding: fail('mcp.challenge', `401 without a Bearer challenge (WWW-Authenticate: ${JSON.stringify(header ?? '(absent)')})`, { url: mcpUrl, fix: FIX_401 }),
    };
  }
  if (challenge.resourceMetadata === undefined) {
    return {
      finding: warn('mcp.challenge', `401 with a Bearer challenge but no resource_metadata (${header}); clients must guess the well-known locations`, {
        url: mcpUrl,
        fix: 'add resource_metadata="<PRM URL>" to the challenge',
      }),
    };
  }
  if (!URL.canParse(challenge.resourceMetadata)) {
    return {
      finding: fail('mcp.challenge', `resource_metadata ${JSON.stringify(challenge.resourceMetadata)} is not an absolute URL; the MCP SDK ignores it`, {
        url: mcpUrl,
        fix: 'put the absolute PRM URL in resource_metadata',
      }),
    };
  }
  return {
    finding: pass('mcp.challenge', `401 with Bearer resource_metadata="${challenge.resourceMetadata}"${challenge.scope ? `, scope="${challenge.scope}"` : ''}`, { url: mcpUrl }),
    resourceMetadataUrl: challenge.resourceMetadata,
  };
}
