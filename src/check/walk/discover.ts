/**
 * Steps 1 and 2 of the walk, read-only: what every MCP client does before it shows a browser. The MCP URL
 * without a token (401 challenge), the protected resource metadata it names or that sits at the well-known
 * locations, then the authorization server metadata built from `authorization_servers[0]`, and its keys.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5 PRM discovery via the challenge
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3 AS metadata discovery
 */
import { checkAccessible } from './cors.js';
import { checkChallenge } from '../checks/challenge.js';
import { checkAsConsistent, checkAsDocument, checkAsLocations, type AsLocation } from '../checks/authorizationServerMetadata.js';
import { checkHttps, type NamedUrl } from '../checks/https.js';
import { checkJwksFetch, checkJwksKeys, checkJwksOrigin } from '../checks/jwks.js';
import { absoluteUrl, type JsonObject } from '../checks/jsonDocument.js';
import {
  checkPrmAuthorizationServers,
  checkPrmConsistent,
  checkPrmLocations,
  checkPrmResource,
  checkPrmScopes,
  type PrmLocation,
} from '../checks/protectedResourceMetadata.js';
import type { Finding } from '../finding.js';
import {
  authorizationServerMetadataUrl,
  hasPath,
  insertedOpenidConfigurationUrl,
  openidConfigurationUrl,
  protectedResourceMetadataUrl,
  rootProtectedResourceMetadataUrl,
} from '../wellKnown.js';
import { getJson, MCP_PROTOCOL_VERSION, request, type HttpPolicy, type HttpResult } from './http.js';

export interface Discovery {
  findings: Finding[];
  /** The issuer a client expects: PRM `authorization_servers[0]`, or the MCP origin when no PRM was found. */
  issuer: string;
  issuerSource: typeof FROM_PRM | typeof FROM_ORIGIN;
  /** The AS metadata document a client uses (RFC 8414 first), when one was found. */
  metadata?: JsonObject;
  /** The protected resource metadata a client uses, when one was found. */
  prm?: JsonObject;
}

const FROM_PRM = 'protected resource metadata, authorization_servers[0]';
/** The MCP SDK's legacy fallback when no PRM is found. */
const FROM_ORIGIN = 'MCP origin: no usable protected resource metadata, and the MCP SDK then uses the origin';

/** The JSON-RPC request an MCP client sends first; the server must challenge it before reading it. */
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: MCP_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'clerk-mcp-issuer check', version: '1' } },
});

export function mcpRequestHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MCP_PROTOCOL_VERSION, ...extra };
}

export async function discover(mcpUrl: string, policy: HttpPolicy): Promise<Discovery> {
  const findings: Finding[] = [];
  const resource = new URL(mcpUrl);

  // 1. The challenge. The body of a 2xx may be an endless event stream: never read it.
  const post = (headers: Record<string, string> = {}) => request(mcpUrl, { method: 'POST', headers: mcpRequestHeaders(headers), body: INITIALIZE, readBody: () => false }, policy);
  const [answer, mcpCors] = await Promise.all([
    post(),
    checkAccessible('mcp.cors', mcpUrl, policy, {
      method: 'POST',
      requestHeaders: ['authorization', 'content-type', 'mcp-protocol-version'],
      exposeHeaders: ['www-authenticate'],
      actual: (origin) => post(origin),
    }),
  ]);
  const challenge = checkChallenge(answer, mcpUrl);
  findings.push(challenge.finding);
  if (answer.kind === 'response') findings.push(mcpCors);

  // 2. Protected resource metadata, at every location a client may use.
  const candidates: Omit<PrmLocation, 'result'>[] = [];
  if (challenge.resourceMetadataUrl) candidates.push({ id: 'prm.challenge', url: challenge.resourceMetadataUrl });
  if (hasPath(resource)) candidates.push({ id: 'prm.path', url: protectedResourceMetadataUrl(resource) });
  candidates.push({ id: 'prm.root', url: rootProtectedResourceMetadataUrl(resource) });
  const fetched = await fetchAll(candidates.map((c) => c.url), policy);
  const prmLocations = candidates.map((c) => ({ ...c, result: fetched.get(c.url)! }));
  const prm = checkPrmLocations(prmLocations);
  findings.push(...prm.findings);
  let issuer: string | undefined;
  for (const [index, doc] of prm.documents.entries()) {
    findings.push(checkPrmResource(doc, mcpUrl));
    const servers = checkPrmAuthorizationServers(doc);
    findings.push(servers.finding);
    if (index === 0) {
      issuer = servers.issuer;
      findings.push(checkPrmScopes(doc));
      findings.push(await checkAccessible('prm.cors', doc.urls[0], policy, { method: 'GET', requestHeaders: ['mcp-protocol-version'] }));
    }
  }
  const consistent = checkPrmConsistent(prm.documents);
  if (consistent) findings.push(consistent);

  const discovery: Discovery = {
    findings,
    issuer: issuer ?? resource.origin,
    issuerSource: issuer ? FROM_PRM : FROM_ORIGIN,
    prm: prm.documents[0]?.document,
  };
  if (!URL.canParse(discovery.issuer)) return discovery;

  // 3. Authorization server metadata, built from the issuer string.
  const issuerUrl = new URL(discovery.issuer);
  const asCandidates: Omit<AsLocation, 'result'>[] = [
    { kind: 'rfc8414', url: authorizationServerMetadataUrl(issuerUrl) },
    { kind: 'oidc', url: openidConfigurationUrl(issuerUrl) },
  ];
  if (hasPath(issuerUrl)) {
    asCandidates.push({ kind: 'oidc-inserted', url: insertedOpenidConfigurationUrl(issuerUrl) });
    asCandidates.push({ kind: 'root', url: `${issuerUrl.origin}/.well-known/oauth-authorization-server` });
  }
  const asFetched = await fetchAll(asCandidates.map((c) => c.url), policy);
  const as = checkAsLocations(discovery.issuer, asCandidates.map((c) => ({ ...c, result: asFetched.get(c.url)! })));
  findings.push(...as.findings);
  for (const doc of as.documents) findings.push(...checkAsDocument(doc, discovery.issuer));
  const asConsistent = checkAsConsistent(as.documents);
  if (asConsistent) findings.push(asConsistent);
  const primary = as.documents[0];
  if (!primary) {
    findings.push(checkHttps([{ name: 'MCP URL', url: mcpUrl }, { name: 'issuer', url: discovery.issuer }]));
    return discovery;
  }
  discovery.metadata = primary.document;
  findings.push(await checkAccessible('as.cors', primary.urls[0], policy, { method: 'GET', requestHeaders: ['mcp-protocol-version'] }));
  findings.push(checkHttps(oauthUrls(mcpUrl, discovery.issuer, primary.document)));

  // 4. The keys.
  const jwksUri = absoluteUrl(primary.document.jwks_uri)?.href;
  if (jwksUri) {
    const jwks = checkJwksFetch(await getJson(jwksUri, policy), jwksUri);
    findings.push(jwks.finding);
    if (jwks.keys) findings.push(await checkJwksKeys(jwks.keys, jwksUri));
    findings.push(checkJwksOrigin(jwksUri, discovery.issuer));
  }
  return discovery;
}

/** Fetches each distinct URL once, in parallel. */
async function fetchAll(urls: string[], policy: HttpPolicy): Promise<Map<string, HttpResult>> {
  const unique = [...new Set(urls)];
  const results = await Promise.all(unique.map((url) => getJson(url, policy)));
  return new Map(unique.map((url, i) => [url, results[i]]));
}

const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'revocation_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const;

function oauthUrls(mcpUrl: string, issuer: string, metadata: JsonObject): NamedUrl[] {
  const urls: NamedUrl[] = [
    { name: 'MCP URL', url: mcpUrl },
    { name: 'issuer', url: issuer },
  ];
  for (const name of ENDPOINTS) if (typeof metadata[name] === 'string') urls.push({ name, url: metadata[name] as string });
  return urls;
}
