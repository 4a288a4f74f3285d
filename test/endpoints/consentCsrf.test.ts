/**
 * The consent form's CSRF token (RFC 6749 §10.12): bound to the Clerk session, the exact request and the time the
 * page was rendered; refused once the page is older than CONSENT_FORM_LIFETIME, so an old page cannot approve.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CONSENT_FORM_LIFETIME, consentCsrfToken, consentCsrfValid } from '../../src/endpoints/authorize/consentCsrf.js';

describe('consent CSRF token', () => {
  const key = randomBytes(32);
  const params = new Map([['client_id', 'c1'], ['scope', 'openid mcp:tools']]);
  const issuedAt = 1_800_000_000;
  const token = consentCsrfToken(key, 'sess_1', params, issuedAt);

  it('valid for the same session and request while the page is young', () => {
    assert.equal(consentCsrfValid([key], 'sess_1', params, token, issuedAt + CONSENT_FORM_LIFETIME), true);
  });
  it('refused once the page is older than its lifetime', () => {
    assert.equal(consentCsrfValid([key], 'sess_1', params, token, issuedAt + CONSENT_FORM_LIFETIME + 1), false);
  });
  it('refused for another session, another request, a forged time or a token from the future', () => {
    assert.equal(consentCsrfValid([key], 'sess_2', params, token, issuedAt), false);
    assert.equal(consentCsrfValid([key], 'sess_1', new Map([...params, ['scope', 'openid']]), token, issuedAt), false);
    assert.equal(consentCsrfValid([key], 'sess_1', params, token.replace(String(issuedAt), String(issuedAt + 500)), issuedAt + 700), false);
    assert.equal(consentCsrfValid([key], 'sess_1', params, token, issuedAt - 61), false);
    assert.equal(consentCsrfValid([key], 'sess_1', params, undefined, issuedAt), false);
  });
});
