/**
 * The tokens a token endpoint issued, judged as a relying party does: the id_token's claims against what the
 * client knows and its signature against `jwks_uri`; a JWT access token's `iss`, `aud` and signature. Shared by
 * the interactive flow and the offline checks of captured tokens.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
import { checkAccessTokenClaims } from '../checks/accessToken.js';
import { checkIdTokenClaims, decodeJws } from '../checks/idToken.js';
import type { JsonObject } from '../checks/jsonDocument.js';
import { fail, type Finding } from '../finding.js';
import type { HttpPolicy } from './http.js';
import { verifySignature } from './signature.js';

export interface IssuedTokenExpectations {
  issuer: string;
  clientId?: string;
  nonce?: string;
  /** openid was requested: an id_token is required. */
  openid: boolean;
  metadata?: JsonObject;
  mcpUrl: string;
  policy: HttpPolicy;
  captured: boolean;
  now: number;
}

/** The id_token and access token of a token response: claims (pure) and signatures (at jwks_uri). */
export async function checkIssuedTokens(body: JsonObject, expect: IssuedTokenExpectations): Promise<Finding[]> {
  const findings: Finding[] = [];
  const jwksUri = typeof expect.metadata?.jwks_uri === 'string' ? expect.metadata.jwks_uri : undefined;
  if (typeof body.id_token === 'string' && body.id_token !== '') {
    findings.push(...(await checkIdToken(body.id_token, expect)));
  } else if (expect.openid) {
    findings.push(fail('id_token.present', 'scope had openid but the token response has no id_token; oauth4webapi (requireIdToken): "response" body "id_token" property must be a non-empty string', { fix: 'issue an id_token when openid is granted' }));
  }
  if (typeof body.access_token === 'string') {
    const accessFindings = checkAccessTokenClaims(body.access_token, { issuer: expect.issuer, resource: expect.mcpUrl });
    findings.push(...accessFindings);
    if (accessFindings.length > 0 && decodeJws(body.access_token)) findings.push(await verifySignature('access_token.signature', body.access_token, jwksUri, expect.policy));
  }
  return findings;
}

export async function checkIdToken(jwt: string, expect: Omit<IssuedTokenExpectations, 'openid' | 'mcpUrl'>): Promise<Finding[]> {
  const jwksUri = typeof expect.metadata?.jwks_uri === 'string' ? expect.metadata.jwks_uri : undefined;
  const findings = checkIdTokenClaims(jwt, {
    issuer: expect.issuer,
    clientId: expect.clientId,
    nonce: expect.nonce,
    captured: expect.captured,
    algs: expect.metadata?.id_token_signing_alg_values_supported,
    now: expect.now,
  });
  if (decodeJws(jwt)) findings.push(await verifySignature('id_token.signature', jwt, jwksUri, expect.policy));
  return findings;
}
