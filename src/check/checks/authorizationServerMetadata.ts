/**
 * Authorization server metadata as strict clients find and read it: at the RFC 8414 location built from the
 * `authorization_servers` entry (path insertion) and at the OIDC discovery location; `issuer` identical to the
 * string the URL was built from; the members clients need, with PKCE S256 and RFC 9207 advertised.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3.3 issuer identity
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 members
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata OIDC members
 */
import { fail, pass, show, warn, type Finding } from '../finding.js';
import type { HttpResult } from '../walk/http.js';
import { absoluteUrl, documentOutcome, type JsonObject } from './jsonDocument.js';
import type { ServedDocument } from './protectedResourceMetadata.js';

export type AsLocationKind = 'rfc8414' | 'oidc' | 'oidc-inserted' | 'root';

export interface AsLocation {
  /**
   * `rfc8414`: path insertion; `oidc`: path appending (openid-client); `oidc-inserted`: OIDC with insertion (the
   * MCP SDK's second URL for a path issuer); `root`: the path-less RFC 8414 URL, probed only to diagnose a path
   * issuer whose metadata sits at the root.
   */
  kind: AsLocationKind;
  url: string;
  result: HttpResult;
}

export interface AsDocument extends ServedDocument {
  /** Served as OIDC discovery too: the OIDC-required members apply. */
  oidc: boolean;
}

export interface AsLocationsResult {
  findings: Finding[];
  /** Distinct documents, the one an MCP client would use first. */
  documents: AsDocument[];
}

/** The MCP SDK's order: RFC 8414 first, then OIDC (inserted, then appended). */
const CLIENT_ORDER: AsLocationKind[] = ['rfc8414', 'oidc-inserted', 'oidc'];

export function checkAsLocations(issuer: string, locations: readonly AsLocation[]): AsLocationsResult {
  const outcomes = new Map(locations.map((loc) => [loc.kind, { ...loc, outcome: documentOutcome(loc.result) }]));
  const findings: Finding[] = [];
  const served = (kind: AsLocationKind) => outcomes.get(kind)?.outcome.ok === true;
  const anyServed = CLIENT_ORDER.some(served);

  const rfc8414 = outcomes.get('rfc8414');
  if (rfc8414) {
    const root = outcomes.get('root');
    if (rfc8414.outcome.ok) findings.push(pass('as.rfc8414', `served at ${rfc8414.url}`, { url: rfc8414.url }));
    else if (root?.outcome.ok)
      findings.push(
        fail('as.rfc8414', `${rfc8414.url}: ${rfc8414.outcome.problem}; the metadata is only at the root ${root.url}, but the issuer ${show(issuer)} has a path, so RFC 8414 clients insert it`, {
          url: rfc8414.url,
          fix: `serve the metadata at ${rfc8414.url} (and OIDC discovery at the path-appended URL)`,
        }),
      );
    else if (anyServed)
      findings.push(
        warn('as.rfc8414', `${rfc8414.url}: ${rfc8414.outcome.problem}; the MCP SDK falls back to OIDC discovery, oauth4webapi with algorithm "oauth2" fails`, {
          url: rfc8414.url,
          fix: rfc8414.outcome.fix ?? `serve the same document at ${rfc8414.url}`,
        }),
      );
    else findings.push(fail('as.rfc8414', `${rfc8414.url}: ${rfc8414.outcome.problem}`, { url: rfc8414.url, fix: rfc8414.outcome.fix ?? `serve the RFC 8414 metadata at ${rfc8414.url}` }));
  }
  const oidc = outcomes.get('oidc');
  if (oidc) {
    if (oidc.outcome.ok) findings.push(pass('as.oidc', `served at ${oidc.url}`, { url: oidc.url }));
    else {
      const detail = `${oidc.url}: ${oidc.outcome.problem}; openid-client's default discovery (and oauth4webapi's default algorithm "oidc") fail`;
      const fix = oidc.outcome.fix ?? `serve the same document at ${oidc.url}`;
      findings.push(anyServed ? warn('as.oidc', detail, { url: oidc.url, fix }) : fail('as.oidc', detail, { url: oidc.url, fix }));
    }
  }

  const documents: AsDocument[] = [];
  for (const kind of CLIENT_ORDER) {
    const o = outcomes.get(kind);
    if (!o?.outcome.ok) continue;
    const { document } = o.outcome;
    const isOidc = kind !== 'rfc8414';
    const same = documents.find((d) => JSON.stringify(d.document) === JSON.stringify(document));
    if (same) {
      same.urls.push(o.url);
      same.oidc ||= isOidc;
    } else documents.push({ urls: [o.url], document, oidc: isOidc });
  }
  return { findings, documents };
}

/** Every per-document check, in report order. */
export function checkAsDocument(doc: AsDocument, issuer: string): Finding[] {
  return [
    checkIssuer(doc, issuer),
    checkRequiredMembers(doc),
    checkPkce(doc),
    checkIssParameter(doc),
    checkRegistration(doc),
    checkNoNullOrEmpty(doc),
    checkIdTokenAlgs(doc),
  ].filter((f): f is Finding => f !== undefined);
}

/**
 * `issuer` must be the string the well-known URL was built from (PRM `authorization_servers[0]`), byte for byte:
 * the MCP SDK v2 compares strings, oauth4webapi and openid-client compare WHATWG-normalised URLs, and all of
 * them later compare the callback `iss` and the id_token `iss` with this exact string.
 */
export function checkIssuer(doc: ServedDocument, expected: string): Finding {
  const url = doc.urls[0];
  const received = doc.document.issuer;
  if (received === expected) return pass('as.issuer', `issuer ${show(expected)} is identical to authorization_servers[0]`, { url });
  const errors: string[] = [];
  const sdkTolerates = typeof received === 'string' && expected.endsWith('/') && received === expected.slice(0, -1);
  if (!sdkTolerates) errors.push(`MCP SDK v2: Issuer mismatch in authorization server metadata (RFC 8414 §3.3): expected ${JSON.stringify(expected)}, received ${JSON.stringify(received)}`);
  const normalisedEqual = typeof received === 'string' && URL.canParse(received) && URL.canParse(expected) && new URL(received).href === new URL(expected).href;
  if (!normalisedEqual) {
    errors.push('oauth4webapi: "response" body "issuer" property does not match the expected value');
    errors.push('openid-client: discovered metadata issuer does not match the expected issuer');
  }
  const clerk = typeof received === 'string' && looksLikeClerk(received) ? ' — that is a Clerk Frontend API URL: Clerk\'s metadata is being served at your origin' : '';
  return fail('as.issuer', `issuer ${show(received)} at ${doc.urls.join(' and ')} is not ${show(expected)}, the authorization_servers entry this URL was built from${clerk}. ${errors.join('; ')}`, {
    url,
    fix:
      typeof received === 'string' && received !== ''
        ? `serve "issuer": ${JSON.stringify(expected)} exactly (the same string as iss on callbacks and tokens), or list ${JSON.stringify(received)} in authorization_servers and stop serving a contradicting document here`
        : `serve "issuer": ${JSON.stringify(expected)}`,
  });
}

/** Clerk's Frontend API hosts: `clerk.<domain>`, `*.clerk.accounts.dev`, a `/_clerk` proxy. */
export function looksLikeClerk(url: string): boolean {
  const parsed = absoluteUrl(url);
  if (!parsed) return false;
  return /^clerk\./.test(parsed.hostname) || /\.clerk\.accounts\.dev$/.test(parsed.hostname) || parsed.pathname.startsWith('/_clerk');
}

export function checkRequiredMembers(doc: AsDocument): Finding {
  const d = doc.document;
  const problems: string[] = [];
  if (typeof d.issuer !== 'string' || d.issuer === '') problems.push('issuer missing');
  for (const member of ['authorization_endpoint', 'token_endpoint'] as const) {
    if (!absoluteUrl(d[member])) problems.push(`${member} is ${show(d[member])}, not an absolute URL`);
  }
  const responseTypes = d.response_types_supported;
  if (!Array.isArray(responseTypes)) problems.push('response_types_supported missing');
  else if (!responseTypes.includes('code')) problems.push(`response_types_supported ${show(responseTypes)} lacks "code" (MCP SDK: Incompatible auth server: does not support response type code)`);
  if (doc.oidc) {
    if (!absoluteUrl(d.jwks_uri)) problems.push(`jwks_uri is ${show(d.jwks_uri)} (required for OIDC discovery)`);
    for (const member of ['subject_types_supported', 'id_token_signing_alg_values_supported'] as const) {
      if (!Array.isArray(d[member])) problems.push(`${member} missing (required for OIDC discovery; the MCP SDK's OIDC schema rejects the document)`);
    }
  }
  const checked = `issuer, authorization_endpoint, token_endpoint, response_types_supported${doc.oidc ? ', jwks_uri, subject_types_supported, id_token_signing_alg_values_supported' : ''}`;
  return problems.length === 0
    ? pass('as.required', `present: ${checked}`, { url: doc.urls[0] })
    : fail('as.required', problems.join('; '), { url: doc.urls[0], fix: 'serve every required member (RFC 8414 §2, OIDC Discovery §3)' });
}

/** Without S256 advertised a client cannot protect the code; the MCP spec tells clients to refuse. */
export function checkPkce(doc: ServedDocument): Finding {
  const methods = doc.document.code_challenge_methods_supported;
  const url = doc.urls[0];
  const fix = 'advertise "code_challenge_methods_supported": ["S256"] and require S256 at the authorization endpoint';
  if (Array.isArray(methods) && methods.includes('S256')) return pass('as.pkce', `code_challenge_methods_supported ${show(methods)}`, { url });
  if (methods === undefined) {
    return fail('as.pkce', 'code_challenge_methods_supported is absent: RFC 8414 reads that as "no PKCE", and MCP clients MUST refuse to proceed (the MCP conformance suite fails it)', { url, fix });
  }
  return fail('as.pkce', `code_challenge_methods_supported ${show(methods)} lacks S256: MCP SDK v1/v2 throw "Incompatible auth server: does not support code challenge method S256"`, { url, fix });
}

/** RFC 9207: advertised, a client rejects a callback without `iss`; not advertised, a mix-up goes unnoticed. */
export function checkIssParameter(doc: ServedDocument): Finding {
  const value = doc.document.authorization_response_iss_parameter_supported;
  const url = doc.urls[0];
  if (value === true) return pass('as.iss_parameter', 'authorization_response_iss_parameter_supported: true', { url });
  return warn('as.iss_parameter', `authorization_response_iss_parameter_supported is ${show(value)}; clients then cannot tell a missing iss from an attack, and a present iss is compared anyway`, {
    url,
    fix: 'put iss=<issuer> on every authorization response (success and error) and advertise authorization_response_iss_parameter_supported: true',
  });
}

export function checkRegistration(doc: ServedDocument): Finding {
  const d = doc.document;
  const url = doc.urls[0];
  if (absoluteUrl(d.registration_endpoint)) return pass('as.registration', `registration_endpoint ${show(d.registration_endpoint)}`, { url });
  if (d.client_id_metadata_document_supported === true) return pass('as.registration', 'client_id_metadata_document_supported: true (no registration_endpoint)', { url });
  return warn('as.registration', `no registration_endpoint and no client ID metadata document support; MCP SDK: "Incompatible auth server: does not support dynamic client registration"`, {
    url,
    fix: 'serve RFC 7591 registration and advertise registration_endpoint (or support client ID metadata documents)',
  });
}

/** RFC 8414 §3.2 omits zero-element claims; `null` fails the MCP SDK's schema outright. */
export function checkNoNullOrEmpty(doc: ServedDocument): Finding {
  const nulls = Object.entries(doc.document).filter(([, v]) => v === null).map(([k]) => k);
  const empties = Object.entries(doc.document).filter(([, v]) => Array.isArray(v) && v.length === 0).map(([k]) => k);
  const url = doc.urls[0];
  const fix = 'omit members that have no value; never send null or []';
  if (nulls.length > 0) return fail('as.no_null_or_empty', `null members: ${nulls.join(', ')}${empties.length ? `; empty arrays: ${empties.join(', ')}` : ''}`, { url, fix });
  if (empties.length > 0) return warn('as.no_null_or_empty', `empty arrays: ${empties.join(', ')}`, { url, fix });
  return pass('as.no_null_or_empty', 'no null members, no empty arrays', { url });
}

/** oauth4webapi checks the id_token alg against this list (RS256 when absent); OIDC requires RS256 in it. */
export function checkIdTokenAlgs(doc: AsDocument): Finding | undefined {
  const algs = doc.document.id_token_signing_alg_values_supported;
  if (!Array.isArray(algs)) return undefined;
  const url = doc.urls[0];
  if (algs.includes('RS256')) return pass('as.id_token_alg', `id_token_signing_alg_values_supported ${show(algs)}`, { url });
  return warn('as.id_token_alg', `id_token_signing_alg_values_supported ${show(algs)} lacks RS256, which OIDC Discovery requires and clients default to`, {
    url,
    fix: 'sign id_tokens with RS256 (2048-bit RSA) and list it',
  });
}

/** Two documents that disagree: which one a client sees depends on its discovery algorithm. */
export function checkAsConsistent(documents: readonly ServedDocument[]): Finding | undefined {
  if (documents.length === 0) return undefined;
  if (documents.length === 1) return documents[0].urls.length > 1 ? pass('as.consistent', `the same document at ${documents[0].urls.join(' and ')}`) : undefined;
  const members = ['issuer', 'authorization_endpoint', 'token_endpoint', 'registration_endpoint', 'jwks_uri'];
  const differing = members.filter((m) => new Set(documents.map((d) => JSON.stringify((d.document as JsonObject)[m]))).size > 1);
  if (differing.length === 0) return pass('as.consistent', `documents differ only in members clients do not compare (${documents.map((d) => d.urls[0]).join(', ')})`);
  return warn('as.consistent', `the documents at ${documents.map((d) => d.urls[0]).join(' and ')} differ in ${differing.join(', ')}`, { fix: 'serve one document at every metadata location' });
}
