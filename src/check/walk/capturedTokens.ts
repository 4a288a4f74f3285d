/**
 * Step 5, offline: an id_token or a whole token response captured from a client (`--id-token`,
 * `--token-response`) checked against the server's metadata — the seed's manual reproduction (decode the
 * id_token, compare `iss` with the metadata `issuer`, try its signature at `jwks_uri`, check `aud` and `nonce`),
 * with oauth4webapi's own verdict on the token response when the client_id is known.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
import * as oauth from 'oauth4webapi';
import type { JsonObject } from '../checks/jsonDocument.js';
import { checkTokenResponse } from '../checks/tokenResponse.js';
import { fail, pass, type Finding } from '../finding.js';
import type { HttpPolicy } from './http.js';
import { checkIdToken, checkIssuedTokens } from './issuedTokens.js';
import { describeOAuthError } from './oauthErrors.js';

export interface CapturedTokens {
  idToken?: string;
  /** The parsed JSON body of a token response. */
  tokenResponse?: unknown;
  /** The client the tokens were issued to (expected `aud`). */
  clientId?: string;
  /** The nonce of the authorization request (expected `nonce`). */
  nonce?: string;
}

export interface CapturedContext {
  issuer: string;
  metadata?: JsonObject;
  mcpUrl: string;
  policy: HttpPolicy;
  now: number;
}

export async function checkCapturedTokens(captured: CapturedTokens, ctx: CapturedContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const expect = { issuer: ctx.issuer, clientId: captured.clientId, nonce: captured.nonce, metadata: ctx.metadata, policy: ctx.policy, captured: true, now: ctx.now };
  if (captured.tokenResponse !== undefined) {
    const tokens = checkTokenResponse({ json: captured.tokenResponse });
    findings.push(...tokens.findings);
    if (tokens.body && captured.clientId && ctx.metadata) findings.push(await oracle(tokens.body, captured, ctx));
    if (tokens.body) findings.push(...(await checkIssuedTokens(tokens.body, { ...expect, openid: captured.nonce !== undefined, mcpUrl: ctx.mcpUrl })));
  }
  if (captured.idToken !== undefined) findings.push(...(await checkIdToken(captured.idToken, expect)));
  return findings;
}

/** What oauth4webapi says about this body, as if the token endpoint had just returned it. */
async function oracle(body: JsonObject, captured: CapturedTokens, ctx: CapturedContext): Promise<Finding> {
  const as = { ...ctx.metadata, issuer: ctx.issuer } as oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: captured.clientId! };
  const response = new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  try {
    await oauth.processAuthorizationCodeResponse(as, client, response, captured.nonce !== undefined ? { expectedNonce: captured.nonce, requireIdToken: true } : undefined);
    return pass('oauth4webapi.processAuthorizationCodeResponse', `accepted (evaluated now${captured.nonce !== undefined ? ', expectedNonce' : ''})`);
  } catch (error) {
    return fail('oauth4webapi.processAuthorizationCodeResponse', `rejected: ${describeOAuthError(error)}`, { fix: 'see the id_token findings' });
  }
}
