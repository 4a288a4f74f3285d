/**
 * The one error type that reaches the wire as an OAuth error. Anything thrown that is not an
 * {@link OAuthError} is a bug: it becomes a logged 500, never a 400 in disguise.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 Error response
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1 Bearer error codes
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'unsupported_token_type'
  | 'temporarily_unavailable'
  | 'server_error'
  | 'method_not_allowed'
  | 'too_many_requests';

/** Default HTTP status per error code, as the RFCs define them. */
const DEFAULT_STATUS: Partial<Record<OAuthErrorCode, number>> = {
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  method_not_allowed: 405,
  too_many_requests: 429,
  temporarily_unavailable: 503,
  server_error: 500,
};

export interface OAuthErrorOptions {
  description?: string;
  status?: number;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class OAuthError extends Error {
  /** The wire `error` code. */
  readonly error: OAuthErrorCode;
  readonly description: string | undefined;
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(error: OAuthErrorCode, options: OAuthErrorOptions = {}) {
    super(options.description ?? error, { cause: options.cause });
    this.name = 'OAuthError';
    this.error = error;
    this.description = options.description;
    this.status = options.status ?? DEFAULT_STATUS[error] ?? 400;
    this.headers = options.headers ?? {};
  }

  /** The JSON body: `{error, error_description?}`, never a `null` member. */
  toJSON(): { error: OAuthErrorCode; error_description?: string } {
    return this.description === undefined ? { error: this.error } : { error: this.error, error_description: this.description };
  }
}
