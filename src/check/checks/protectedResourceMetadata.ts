/**
 * Protected resource metadata as clients find and read it: at the challenge's URL, at the path-aware location,
 * at the root; `resource` compared with the MCP URL the way each client compares it; `authorization_servers[0]`
 * is the issuer every later check expects.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.1 locations
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.3 resource must be identical
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2 authorization_servers
 */
import { fail, pass, show, warn, type Finding } from '../finding.js';
import type { HttpResult } from '../walk/http.js';
import { absoluteUrl, documentOutcome, type JsonObject } from './jsonDocument.js';

export interface PrmLocation {
  id: 'prm.challenge' | 'prm.path' | 'prm.root';
  url: string;
  result: HttpResult;
}

/** One distinct document and every location that served it. */
export interface ServedDocument {
  urls: string[];
  document: JsonObject;
}

export interface PrmLocationsResult {
  findings: Finding[];
  /** Distinct documents, the primary one first. */
  documents: ServedDocument[];
}

const WHERE: Record<PrmLocation['id'], string> = {
  'prm.challenge': 'the resource_metadata URL of the challenge',
  'prm.path': 'the path-aware location',
  'prm.root': 'the root location',
};

/**
 * One finding per location. A missing location fails when no other location serves the metadata, and only
 * warns otherwise: the MCP SDK falls back from the path-aware URL to the root on a 4xx, but a client that was
 * given a `resource_metadata` URL fetches only that one.
 */
export function checkPrmLocations(locations: readonly PrmLocation[]): PrmLocationsResult {
  const outcomes = locations.map((loc) => ({ ...loc, outcome: documentOutcome(loc.result) }));
  const anyServed = outcomes.some((o) => o.outcome.ok);
  const findings = outcomes.map(({ id, url, outcome }) => {
    if (outcome.ok) return pass(id, `served at ${url}`, { url });
    const fix = outcome.fix ?? `serve the protected resource metadata (200, application/json) at ${url}`;
    if (id === 'prm.challenge' || !anyServed) return fail(id, `${WHERE[id]}: ${outcome.problem}`, { url, fix });
    const consequence = id === 'prm.path' ? 'clients that probe it first (Claude.ai, MCP Inspector) may not fall back' : 'clients that probe the root (Smithery) do not find it';
    return warn(id, `${WHERE[id]}: ${outcome.problem}; ${consequence}`, { url, fix });
  });
  // Primary: the document a client uses (challenge URL, else path-aware, else root), then the others.
  const documents: ServedDocument[] = [];
  for (const { url, outcome } of outcomes) {
    if (!outcome.ok) continue;
    const same = documents.find((d) => JSON.stringify(d.document) === JSON.stringify(outcome.document));
    if (same) {
      if (!same.urls.includes(url)) same.urls.push(url);
    }
    else documents.push({ urls: [url], document: outcome.document });
  }
  return { findings, documents };
}

/** How each client compares PRM `resource` with the MCP URL it connected to. */
export function resourceVerdicts(resource: string, mcpUrl: string): { client: string; accepts: boolean; error?: string }[] {
  const configured = absoluteUrl(resource);
  const requested = new URL(mcpUrl);
  return [
    // VS Code: exact string equality with the server URL.
    { client: 'VS Code', accepts: resource === mcpUrl, error: `Protected Resource Metadata resource "${resource}" does not match MCP server resolved resource "${mcpUrl}"` },
    // oauth4webapi processResourceDiscoveryResponse: WHATWG-normalised href equality.
    { client: 'oauth4webapi', accepts: configured?.href === requested.href, error: '"response" body "resource" property does not match the expected value' },
    // MCP SDK checkResourceAllowed: same origin, segment-aware path prefix.
    {
      client: 'MCP SDK',
      accepts: configured !== undefined && mcpSdkResourceAllowed(requested, configured),
      error: `Protected resource ${resource} does not match expected ${mcpUrl} (or origin)`,
    },
  ];
}

function mcpSdkResourceAllowed(requested: URL, configured: URL): boolean {
  if (requested.origin !== configured.origin) return false;
  if (requested.pathname.length < configured.pathname.length) return false;
  const slash = (p: string) => (p.endsWith('/') ? p : `${p}/`);
  return slash(requested.pathname).startsWith(slash(configured.pathname));
}

/** `resource` must be the MCP URL itself (RFC 9728 §3.3); VS Code compares byte for byte. */
export function checkPrmResource(doc: ServedDocument, mcpUrl: string): Finding {
  const url = doc.urls[0];
  const where = doc.urls.join(' and ');
  const { resource } = doc.document;
  if (typeof resource !== 'string' || !URL.canParse(resource)) {
    return fail('prm.resource', `resource is ${show(resource)} at ${where}; it must be the MCP URL`, { url, fix: `serve "resource": "${mcpUrl}"` });
  }
  if (resource === mcpUrl) return pass('prm.resource', `resource is the MCP URL ${show(mcpUrl)}`, { url });
  const verdicts = resourceVerdicts(resource, mcpUrl);
  const rejecting = verdicts.filter((v) => !v.accepts);
  const how = describeDifference(resource, mcpUrl);
  const rejected = rejecting.map((v) => `${v.client}: ${v.error}`).join('; ');
  const accepted = verdicts.filter((v) => v.accepts).map((v) => v.client);
  return fail('prm.resource', `resource ${show(resource)} is not the MCP URL ${show(mcpUrl)} (${how}) at ${where}. ${rejected}${accepted.length ? ` (${accepted.join(', ')} ${accepted.length === 1 ? 'accepts' : 'accept'} it)` : ''}`, {
    url,
    fix: `serve "resource": "${mcpUrl}" exactly, and use that string as the access tokens' aud`,
  });
}

function describeDifference(resource: string, mcpUrl: string): string {
  if (resource.replace(/\/$/, '') === mcpUrl.replace(/\/$/, '')) return 'trailing slash';
  const r = new URL(resource);
  const m = new URL(mcpUrl);
  if (r.origin !== m.origin) return `another origin, ${r.origin}`;
  if (r.pathname === '/' && m.pathname !== '/') return 'the origin, not the MCP endpoint';
  return 'another path';
}

/** `authorization_servers[0]` is the issuer clients use; it must be an absolute URL with no query or fragment. */
export function checkPrmAuthorizationServers(doc: ServedDocument): { finding: Finding; issuer?: string } {
  const url = doc.urls[0];
  const servers = doc.document.authorization_servers;
  if (!Array.isArray(servers) || servers.length === 0) {
    return {
      finding: fail('prm.authorization_servers', `authorization_servers is ${show(servers)}; MCP requires at least one`, { url, fix: 'serve "authorization_servers": ["<your issuer>"]' }),
    };
  }
  const first = servers[0];
  const parsed = absoluteUrl(first);
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    return { finding: fail('prm.authorization_servers', `authorization_servers[0] is ${show(first)}, not an absolute http(s) URL`, { url, fix: 'list the issuer URL, e.g. "https://mcp.example.com"' }) };
  }
  if (parsed.search || parsed.hash) {
    return {
      finding: fail('prm.authorization_servers', `authorization_servers[0] ${show(first)} has a query or fragment; an issuer cannot (RFC 8414 §2)`, { url, fix: 'list the bare issuer URL' }),
    };
  }
  const others = servers.length > 1 ? ` (${servers.length - 1} more listed; clients use the first)` : '';
  return { finding: pass('prm.authorization_servers', `authorization_servers[0] is ${show(first)}${others}`, { url }), issuer: first as string };
}

/** `offline_access` is about the client's relationship with the AS, not a permission on the resource. */
export function checkPrmScopes(doc: ServedDocument): Finding {
  const scopes = doc.document.scopes_supported;
  const url = doc.urls[0];
  if (Array.isArray(scopes) && scopes.includes('offline_access')) {
    return warn('prm.scopes_supported', `scopes_supported lists offline_access (${show(scopes)}); clients then request it as a resource scope`, {
      url,
      fix: 'drop offline_access from the PRM scopes_supported (keep it in the AS metadata)',
    });
  }
  return pass('prm.scopes_supported', scopes === undefined ? 'scopes_supported absent (clients use the challenge scope)' : `scopes_supported ${show(scopes)}`, { url });
}

/** Different documents at different locations: a client's answer depends on where it looked. */
export function checkPrmConsistent(documents: readonly ServedDocument[]): Finding | undefined {
  if (documents.length === 0) return undefined;
  if (documents.length === 1) return documents[0].urls.length > 1 ? pass('prm.consistent', `the same document at ${documents[0].urls.join(' and ')}`) : undefined;
  const key = (d: ServedDocument) => JSON.stringify([d.document.resource, (d.document.authorization_servers as unknown[] | undefined)?.[0]]);
  const [first, ...rest] = documents;
  const differing = rest.filter((d) => key(d) !== key(first));
  if (differing.length === 0) return pass('prm.consistent', `every location names resource ${show(first.document.resource)} and the same issuer`);
  return warn(
    'prm.consistent',
    documents.map((d) => `${d.urls.join(', ')}: resource ${show(d.document.resource)}, issuer ${show((d.document.authorization_servers as unknown[] | undefined)?.[0])}`).join('; '),
    { fix: 'serve one document: the same resource and authorization_servers at every location' },
  );
}
