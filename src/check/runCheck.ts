/**
 * `check <url>` as a function: walks an MCP server's OAuth surface the way strict clients walk it and returns
 * every finding. Read-only unless `register` (creates a client) or `interactive` (a real sign-in) is set.
 * The CLI (`src/cli/check.ts`) parses flags and renders; tests may call this directly.
 */
import type { JsonObject } from './checks/jsonDocument.js';
import { fail, summarize, type Finding, type Summary } from './finding.js';
import { authorizationCodeFlow, type RegisteredClient } from './walk/authorizationCodeFlow.js';
import { checkCapturedTokens } from './walk/capturedTokens.js';
import { discover } from './walk/discover.js';
import type { HttpPolicy } from './walk/http.js';
import { startLoopbackCallback, type LoopbackCallback } from './walk/loopbackCallback.js';
import { registerClient, registrationRequest } from './walk/register.js';

export interface CheckOptions {
  /** The MCP endpoint URL, e.g. `https://mcp.example.com/mcp`. */
  url: string;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Allow http to non-loopback hosts (loopback http is always allowed). */
  insecure?: boolean;
  /** Register a client (RFC 7591): creates state on the server. */
  register?: boolean;
  /** Run the authorization code flow with a loopback callback; needs `register` or `clientId`. */
  interactive?: boolean;
  /** A client registered beforehand (public, loopback redirect URI), and the expected id_token `aud`. */
  clientId?: string;
  /** Scope for the interactive flow. Default: openid (when offered) + the PRM scopes. */
  scope?: string;
  /** Port of the loopback callback. Default: an ephemeral port. */
  callbackPort?: number;
  /** How long to wait for the sign-in. Default 5 min. */
  callbackTimeoutMs?: number;
  /** A captured id_token to check offline. */
  idToken?: string;
  /** A captured token response (parsed JSON) to check offline. */
  tokenResponse?: unknown;
  /** The nonce the captured tokens were requested with. */
  nonce?: string;
  /** Shows the authorization URL (default: the CLI prints it on stderr). A test uses it to drive the sign-in. */
  onAuthorizationUrl?: (url: URL) => void | Promise<void>;
  /** Seconds since the epoch (tests freeze it). */
  now?: () => number;
}

export interface CheckReport {
  url: string;
  issuer: string;
  issuerSource: string;
  findings: Finding[];
  summary: Summary;
  /** No finding failed. */
  ok: boolean;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5 * 60_000;

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const policy: HttpPolicy = { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, insecure: options.insecure ?? false };
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const discovery = await discover(options.url, policy);
  const findings = [...discovery.findings];
  const { issuer, metadata } = discovery;

  let callback: LoopbackCallback | undefined;
  try {
    if (options.interactive) callback = await startLoopbackCallback(options.callbackPort ?? 0);
    const scope = options.scope ?? defaultScope(discovery.prm, metadata);
    let client: RegisteredClient | undefined = options.clientId ? { client_id: options.clientId } : undefined;
    if (options.register) {
      const registration = await registerClient(metadata, registrationRequest(callback?.redirectUri ?? 'http://127.0.0.1/callback', scope), policy);
      findings.push(...registration.findings);
      if (registration.client) client = registration.client as RegisteredClient;
    }
    if (callback) {
      if (!metadata) findings.push(fail('callback.received', 'not attempted: no authorization server metadata was found', { fix: 'see the metadata findings' }));
      else if (!client) findings.push(fail('callback.received', 'not attempted: registration returned no client_id', { fix: 'see the dcr.* findings' }));
      else {
        findings.push(
          ...(await authorizationCodeFlow({
            mcpUrl: options.url,
            issuer,
            metadata,
            client,
            callback,
            scope,
            policy,
            callbackTimeoutMs: options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
            onAuthorizationUrl: options.onAuthorizationUrl ?? ((url) => void process.stderr.write(`Open this URL in a browser and sign in:\n${url.href}\n`)),
            now,
          })),
        );
      }
    }
    if (options.idToken !== undefined || options.tokenResponse !== undefined) {
      findings.push(
        ...(await checkCapturedTokens(
          { idToken: options.idToken, tokenResponse: options.tokenResponse, clientId: options.clientId, nonce: options.nonce },
          { issuer, metadata, mcpUrl: options.url, policy, now: now() },
        )),
      );
    }
  } finally {
    await callback?.close();
  }
  const summary = summarize(findings);
  return { url: options.url, issuer, issuerSource: discovery.issuerSource, findings, summary, ok: summary.fail === 0 };
}

/**
 * What an MCP client asks for: the resource's scopes (PRM `scopes_supported`, SEP-835), plus `openid` when the
 * server offers it, so the id_token is part of the check.
 */
export function defaultScope(prm: JsonObject | undefined, metadata: JsonObject | undefined): string {
  const scopes = new Set<string>();
  const asScopes = metadata?.scopes_supported;
  if ((Array.isArray(asScopes) && asScopes.includes('openid')) || (!Array.isArray(asScopes) && metadata?.id_token_signing_alg_values_supported)) scopes.add('openid');
  const prmScopes = prm?.scopes_supported;
  if (Array.isArray(prmScopes)) for (const s of prmScopes) if (typeof s === 'string' && s !== 'offline_access') scopes.add(s);
  return scopes.size > 0 ? [...scopes].join(' ') : 'openid';
}
