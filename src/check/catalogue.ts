/**
 * Every check `clerk-mcp-issuer check` runs, defined once: what it asks, the rule it enforces and the clients
 * that reject a violation. Findings take their `rule` and `enforcedBy` from here, and `docs/check.md` lists the
 * same table (a test keeps the two in step).
 */
import { CLIENT, type ClientName } from './clients.js';

/** The part of the OAuth surface a check belongs to; the report groups by it, in this order. */
export const SECTIONS = {
  resource: 'MCP endpoint and protected resource metadata',
  server: 'Authorization server metadata and keys',
  registration: 'Dynamic client registration (--register)',
  authorization: 'Authorization code flow (--interactive)',
  tokens: 'Tokens',
} as const;
export type Section = keyof typeof SECTIONS;

export interface CheckDefinition {
  section: Section;
  /** What passing means, in one line. */
  title: string;
  /** The RFC or spec section, as cited in the report. */
  rule: string;
  /** Clients that reject a violation (empty: a spec rule no client we know enforces). */
  enforcedBy: readonly ClientName[];
}

const {
  oauth4webapi,
  openidClient,
  mcpSdkV1,
  mcpSdkV2,
  claudeCode,
  claudeAi,
  codex,
  vscode,
  inspector,
  smithery,
  conformance,
  browsers,
  resourceServers,
} = CLIENT;

export const CHECKS = {
  'mcp.challenge': {
    section: 'resource',
    title: 'the MCP URL answers 401 with WWW-Authenticate: Bearer resource_metadata="…"',
    rule: 'RFC 9728 §5.1',
    enforcedBy: [mcpSdkV1, mcpSdkV2, claudeCode],
  },
  'mcp.cors': {
    section: 'resource',
    title: 'the MCP URL answers CORS preflight without auth and exposes WWW-Authenticate',
    rule: 'Fetch §3.2 (CORS); MCP Authorization, browser-based clients',
    enforcedBy: [inspector, browsers],
  },
  'prm.challenge': {
    section: 'resource',
    title: 'the resource_metadata URL of the challenge serves the protected resource metadata',
    rule: 'RFC 9728 §5.1',
    enforcedBy: [mcpSdkV1, mcpSdkV2],
  },
  'prm.path': {
    section: 'resource',
    title: 'protected resource metadata at /.well-known/oauth-protected-resource/<mcp-path>',
    rule: 'RFC 9728 §3.1',
    enforcedBy: [claudeAi, inspector, mcpSdkV1, mcpSdkV2],
  },
  'prm.root': {
    section: 'resource',
    title: 'protected resource metadata at /.well-known/oauth-protected-resource',
    rule: 'MCP Authorization 2025-11-25, Protected Resource Metadata Discovery',
    enforcedBy: [smithery, mcpSdkV1, mcpSdkV2],
  },
  'prm.resource': {
    section: 'resource',
    title: 'resource is exactly the MCP URL',
    rule: 'RFC 9728 §3.3',
    enforcedBy: [vscode, oauth4webapi, mcpSdkV1, mcpSdkV2, inspector],
  },
  'prm.authorization_servers': {
    section: 'resource',
    title: 'authorization_servers names the issuer as an absolute URL',
    rule: 'RFC 9728 §2',
    enforcedBy: [mcpSdkV1, mcpSdkV2],
  },
  'prm.scopes_supported': {
    section: 'resource',
    title: 'scopes_supported does not list offline_access',
    rule: 'MCP Authorization 2026-07-28, Scope Selection',
    enforcedBy: [],
  },
  'prm.cors': {
    section: 'resource',
    title: 'browsers can read the protected resource metadata (CORS)',
    rule: 'Fetch §3.2 (CORS); MCP Authorization, browser-based clients',
    enforcedBy: [inspector, browsers],
  },
  'prm.consistent': {
    section: 'resource',
    title: 'every protected resource metadata location serves the same resource and issuer',
    rule: 'RFC 9728 §3',
    enforcedBy: [],
  },
  'as.rfc8414': {
    section: 'server',
    title: 'authorization server metadata at the RFC 8414 location (path insertion)',
    rule: 'RFC 8414 §3.1',
    enforcedBy: [oauth4webapi, mcpSdkV1, mcpSdkV2, smithery, conformance],
  },
  'as.oidc': {
    section: 'server',
    title: 'OpenID Connect discovery at <issuer>/.well-known/openid-configuration',
    rule: 'OpenID Connect Discovery 1.0 §4',
    enforcedBy: [openidClient, oauth4webapi],
  },
  'as.issuer': {
    section: 'server',
    title: 'issuer is identical to the authorization_servers entry the metadata URL was built from',
    rule: 'RFC 8414 §3.3',
    enforcedBy: [mcpSdkV2, oauth4webapi, openidClient, claudeCode, codex],
  },
  'as.required': {
    section: 'server',
    title: 'required members present (issuer, endpoints, response_types_supported with "code")',
    rule: 'RFC 8414 §2',
    enforcedBy: [mcpSdkV1, mcpSdkV2, oauth4webapi],
  },
  'as.pkce': {
    section: 'server',
    title: 'code_challenge_methods_supported includes S256',
    rule: 'RFC 8414 §2; MCP Authorization 2025-11-25, Authorization Code Protection',
    enforcedBy: [mcpSdkV1, mcpSdkV2, conformance],
  },
  'as.iss_parameter': {
    section: 'server',
    title: 'authorization_response_iss_parameter_supported is true',
    rule: 'RFC 9207 §3',
    enforcedBy: [oauth4webapi, mcpSdkV2, claudeCode, codex],
  },
  'as.registration': {
    section: 'server',
    title: 'a client can register: registration_endpoint or client ID metadata documents',
    rule: 'RFC 7591 §3; MCP Authorization, Client Registration',
    enforcedBy: [mcpSdkV1, mcpSdkV2, claudeCode],
  },
  'as.no_null_or_empty': {
    section: 'server',
    title: 'no null members and no empty arrays',
    rule: 'RFC 8414 §3.2',
    enforcedBy: [mcpSdkV1, mcpSdkV2],
  },
  'as.id_token_alg': {
    section: 'server',
    title: 'id_token_signing_alg_values_supported includes RS256',
    rule: 'OpenID Connect Discovery 1.0 §3',
    enforcedBy: [oauth4webapi, openidClient],
  },
  'as.cors': {
    section: 'server',
    title: 'browsers can read the authorization server metadata (CORS)',
    rule: 'Fetch §3.2 (CORS); MCP Authorization, browser-based clients',
    enforcedBy: [inspector, browsers],
  },
  'as.consistent': {
    section: 'server',
    title: 'every metadata location serves the same issuer, endpoints and jwks_uri',
    rule: 'RFC 8414 §5',
    enforcedBy: [],
  },
  'transport.https': {
    section: 'server',
    title: 'every OAuth URL uses https (http only on loopback)',
    rule: 'OAuth 2.1 §1.5; MCP Authorization, Communication Security',
    enforcedBy: [oauth4webapi, openidClient, mcpSdkV2],
  },
  'jwks.fetch': {
    section: 'server',
    title: 'jwks_uri answers 200 with a JWK Set',
    rule: 'RFC 8414 §2 (jwks_uri); RFC 7517 §5',
    enforcedBy: [openidClient, claudeAi],
  },
  'jwks.keys': {
    section: 'server',
    title: 'the JWK Set holds usable public signing keys with distinct kids',
    rule: 'RFC 7517 §4; RFC 7518 §3.3',
    enforcedBy: [oauth4webapi, openidClient],
  },
  'jwks.origin': {
    section: 'server',
    title: "jwks_uri is on the issuer's origin",
    rule: 'OpenID Connect Core 1.0 §10.1',
    enforcedBy: [],
  },
  'dcr.status': {
    section: 'registration',
    title: 'registration answers 201 Created',
    rule: 'RFC 7591 §3.2.1',
    enforcedBy: [oauth4webapi, openidClient, smithery],
  },
  'dcr.no_store': {
    section: 'registration',
    title: 'the registration response is not cacheable (Cache-Control: no-store)',
    rule: 'RFC 7591 §3.2.1',
    enforcedBy: [],
  },
  'dcr.client_id': {
    section: 'registration',
    title: 'client_id is a non-empty string',
    rule: 'RFC 7591 §3.2.1',
    enforcedBy: [oauth4webapi, openidClient, mcpSdkV1, mcpSdkV2],
  },
  'dcr.echo': {
    section: 'registration',
    title: 'the response echoes the registered metadata (redirect_uris, grant_types, …)',
    rule: 'RFC 7591 §3.2.1',
    enforcedBy: [mcpSdkV1, mcpSdkV2],
  },
  'dcr.credentials': {
    section: 'registration',
    title: 'client_id and client_secret use only [A-Za-z0-9_-]',
    rule: 'RFC 6749 §2.3.1',
    enforcedBy: [oauth4webapi, mcpSdkV1],
  },
  'dcr.client_secret_expires_at': {
    section: 'registration',
    title: 'client_secret_expires_at is a number when a client_secret is issued',
    rule: 'RFC 7591 §3.2.1',
    enforcedBy: [oauth4webapi, openidClient],
  },
  'callback.received': {
    section: 'authorization',
    title: 'the authorization response reached the loopback redirect URI',
    rule: 'RFC 6749 §4.1.2; RFC 8252 §7.3',
    enforcedBy: [],
  },
  'callback.error': {
    section: 'authorization',
    title: 'the authorization response carries a code, not an error',
    rule: 'RFC 6749 §4.1.2.1',
    enforcedBy: [],
  },
  'callback.single': {
    section: 'authorization',
    title: 'code, state and iss each appear exactly once',
    rule: 'RFC 6749 §3.1',
    enforcedBy: [oauth4webapi, conformance],
  },
  'callback.iss': {
    section: 'authorization',
    title: 'the iss response parameter is the issuer, byte for byte',
    rule: 'RFC 9207 §2.4',
    enforcedBy: [oauth4webapi, mcpSdkV2, claudeCode, codex],
  },
  'callback.state': {
    section: 'authorization',
    title: 'state is echoed exactly',
    rule: 'RFC 6749 §4.1.2',
    enforcedBy: [oauth4webapi, conformance],
  },
  'oauth4webapi.validateAuthResponse': {
    section: 'authorization',
    title: 'oauth4webapi validateAuthResponse() accepts the callback',
    rule: 'RFC 9207 §2.4; RFC 6749 §4.1.2',
    enforcedBy: [oauth4webapi],
  },
  'token.response': {
    section: 'authorization',
    title: 'the token response is 200 JSON with access_token, token_type Bearer, no null members',
    rule: 'RFC 6749 §5.1',
    enforcedBy: [oauth4webapi, mcpSdkV1],
  },
  'token.no_store': {
    section: 'authorization',
    title: 'the token response carries Cache-Control: no-store',
    rule: 'RFC 6749 §5.1',
    enforcedBy: [conformance],
  },
  'oauth4webapi.processAuthorizationCodeResponse': {
    section: 'authorization',
    title: 'oauth4webapi processAuthorizationCodeResponse() with expectedNonce accepts the token response',
    rule: 'OpenID Connect Core 1.0 §3.1.3.7; RFC 6749 §5.1',
    enforcedBy: [oauth4webapi],
  },
  'id_token.present': {
    section: 'tokens',
    title: 'an id_token is returned when openid was requested',
    rule: 'OpenID Connect Core 1.0 §3.1.3.3',
    enforcedBy: [oauth4webapi, openidClient],
  },
  'id_token.iss': {
    section: 'tokens',
    title: 'id_token iss is the issuer, byte for byte',
    rule: 'OpenID Connect Core 1.0 §3.1.3.7 (2)',
    enforcedBy: [oauth4webapi, openidClient, smithery, claudeAi],
  },
  'id_token.aud': {
    section: 'tokens',
    title: 'id_token aud is the client_id',
    rule: 'OpenID Connect Core 1.0 §3.1.3.7 (3)',
    enforcedBy: [oauth4webapi, openidClient],
  },
  'id_token.nonce': {
    section: 'tokens',
    title: 'id_token nonce is the nonce of the authorization request',
    rule: 'OpenID Connect Core 1.0 §3.1.3.7 (11)',
    enforcedBy: [oauth4webapi, openidClient],
  },
  'id_token.exp': {
    section: 'tokens',
    title: 'id_token exp and iat are numbers and exp is in the future',
    rule: 'OpenID Connect Core 1.0 §3.1.3.7 (9)',
    enforcedBy: [oauth4webapi, openidClient],
  },
  'id_token.alg': {
    section: 'tokens',
    title: 'id_token alg is advertised (RS256 when nothing is)',
    rule: 'OpenID Connect Core 1.0 §3.1.3.7 (7)',
    enforcedBy: [oauth4webapi, openidClient],
  },
  'id_token.signature': {
    section: 'tokens',
    title: 'the id_token signature verifies with a key at jwks_uri',
    rule: 'OpenID Connect Core 1.0 §3.1.3.7 (6)',
    enforcedBy: [openidClient, claudeAi],
  },
  'access_token.iss': {
    section: 'tokens',
    title: 'a JWT access token carries the issuer as iss',
    rule: 'RFC 9068 §4',
    enforcedBy: [resourceServers],
  },
  'access_token.aud': {
    section: 'tokens',
    title: 'a JWT access token is audience-restricted to the MCP URL',
    rule: 'RFC 8707 §2; RFC 9068 §4',
    enforcedBy: [resourceServers],
  },
  'access_token.signature': {
    section: 'tokens',
    title: 'a JWT access token verifies with a key at jwks_uri',
    rule: 'RFC 9068 §4',
    enforcedBy: [resourceServers],
  },
} as const satisfies Record<string, CheckDefinition>;

export type CheckId = keyof typeof CHECKS;
