/**
 * The authorization response as it arrives at the client's redirect URI: each parameter once, `state` echoed,
 * and `iss` byte-identical to the issuer. A facade that lets Clerk answer the callback fails here, with Clerk's
 * `iss`, before any token is exchanged.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4 iss validation: simple string comparison
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2 code and state
 */
import { fail, pass, show, type Finding } from '../finding.js';
import { looksLikeClerk } from './authorizationServerMetadata.js';

export interface AuthorizationResponseExpectations {
  issuer: string;
  state: string;
  /** The metadata's `authorization_response_iss_parameter_supported`. */
  issParameterSupported: boolean;
}

export function checkAuthorizationResponse(params: URLSearchParams, expect: AuthorizationResponseExpectations): Finding[] {
  const findings: Finding[] = [];
  const repeated = ['code', 'state', 'iss', 'error'].filter((name) => params.getAll(name).length > 1);
  findings.push(
    repeated.length === 0
      ? pass('callback.single', 'code, state and iss appear at most once')
      : fail('callback.single', `repeated: ${repeated.map((n) => `${n} ×${params.getAll(n).length}`).join(', ')}; oauth4webapi: "${repeated[0]}" parameter must be provided only once`, {
          fix: 'put each parameter on the redirect exactly once',
        }),
  );

  const iss = params.get('iss') ?? undefined;
  if (iss === expect.issuer) findings.push(pass('callback.iss', `iss ${show(iss)}`));
  else if (iss === undefined) {
    findings.push(
      expect.issParameterSupported
        ? fail('callback.iss', 'no iss on the callback, though the metadata advertises authorization_response_iss_parameter_supported; oauth4webapi: response parameter "iss" (issuer) missing; MCP SDK v2: IssuerMismatchError', {
            fix: 'put iss=<issuer> on every authorization response, success and error',
          })
        : pass('callback.iss', 'no iss (not advertised; accepted, but mix-up attacks go unnoticed)'),
    );
  } else {
    const clerk = looksLikeClerk(iss) ? ' — Clerk answered the callback: the facade sent the browser to Clerk with the client\'s own redirect_uri' : '';
    findings.push(
      fail('callback.iss', `iss ${show(iss)} is not the issuer ${show(expect.issuer)}${clerk}. oauth4webapi: unexpected "iss" (issuer) response parameter value; MCP SDK v2 / Claude Code: Issuer mismatch in authorization response (RFC 9207)`, {
        fix: 'own the callback: register your own redirect URI with Clerk, mint your own code and redirect to the client with iss=<your issuer>',
      }),
    );
  }

  const state = params.get('state') ?? undefined;
  findings.push(
    state === expect.state
      ? pass('callback.state', 'state echoed exactly')
      : fail('callback.state', state === undefined ? 'state missing; oauth4webapi: response parameter "state" missing' : `state ${show(state)} is not the ${show(expect.state)} sent; oauth4webapi: unexpected "state" response parameter value`, {
          fix: 'echo state exactly as received, on success and error redirects',
        }),
  );

  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description');
    findings.push(fail('callback.error', `error=${error}${description ? ` (${description})` : ''}`, { fix: 'see the error description; a consent denial is expected to end here' }));
  } else if (!params.get('code')) {
    findings.push(fail('callback.error', 'neither code nor error on the callback', { fix: 'redirect with code (success) or error (failure)' }));
  } else {
    findings.push(pass('callback.error', 'code received'));
  }
  return findings;
}
