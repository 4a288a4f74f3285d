/**
 * The last handler of the router: an {@link OAuthError} becomes its RFC-shaped JSON answer; a body-parser
 * rejection becomes `invalid_request`; anything else is a visible, logged 500 (SPEC §9).
 */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../config/options.js';
import { OAuthError } from '../errors/oauthError.js';
import { StoreUnavailableError } from '../store/store.js';

/** Errors from the body parsers carry `type` and `status` (http-errors); they are the client's fault. */
function fromBodyParser(error: unknown): OAuthError | undefined {
  const e = error as { type?: unknown; status?: unknown; expose?: unknown };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number' || e.status >= 500) return undefined;
  const descriptions: Record<string, string> = {
    'entity.too.large': 'request body too large',
    'entity.parse.failed': 'request body is not valid',
    'charset.unsupported': 'request body charset must be UTF-8',
    'encoding.unsupported': 'request body encoding is not supported',
    'parameters.too.many': 'too many parameters',
    'request.aborted': 'request aborted',
  };
  return new OAuthError('invalid_request', { status: e.status === 413 ? 413 : 400, description: descriptions[e.type] ?? 'malformed request' });
}

/** The store's backend is down: the client may retry (RFC 6749 §4.1.2.1, RFC 9110 §15.6.4). */
export function fromStore(error: unknown): OAuthError | undefined {
  if (!(error instanceof StoreUnavailableError)) return undefined;
  return new OAuthError('temporarily_unavailable', { description: 'the service is temporarily unavailable; retry shortly', headers: { 'Retry-After': '5' }, cause: error });
}

export function oauthErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    // Mounted at our paths, which match as prefixes: a host app's error on a sub-path is not ours to answer.
    if (res.headersSent || req.path !== '/') return next(error);
    const oauth = error instanceof OAuthError ? error : fromStore(error) ?? fromBodyParser(error);
    if (oauth) {
      if (oauth.status >= 500) logger.warn('oauth endpoint unavailable', { path: req.path, error: oauth.error });
      res.status(oauth.status).set(oauth.headers).json(oauth.toJSON());
      return;
    }
    // Only the path and the error's message and stack: never the query, body or headers (tokens live there).
    logger.error('unexpected error in an oauth endpoint', { path: req.path, message: (error as Error)?.message, stack: (error as Error)?.stack });
    res.status(500).json({ error: 'server_error', error_description: 'internal error' });
  };
}
