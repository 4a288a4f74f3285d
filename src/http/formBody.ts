/**
 * Form bodies of the token, revocation and userinfo endpoints: `application/x-www-form-urlencoded` only,
 * UTF-8, size-limited, each parameter at most once (RFC 6749 §3.2: "parameters … MUST NOT be included more
 * than once").
 */
import express, { type RequestHandler } from 'express';
import { OAuthError } from '../errors/oauthError.js';

/** Largest form body accepted; a token request is well under 4 KB. */
export const FORM_BODY_LIMIT = '16kb';

const parse = express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT, parameterLimit: 50 });

/** Parses the form and leaves a flat `Record<string, string>` in `req.body`. */
export const formBody: RequestHandler = (req, res, next) => {
  if (!req.is('application/x-www-form-urlencoded')) {
    return next(new OAuthError('invalid_request', { description: 'the body must be application/x-www-form-urlencoded' }));
  }
  parse(req, res, (error?: unknown) => {
    if (error) return next(error);
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(body)) {
      if (typeof value !== 'string') return next(new OAuthError('invalid_request', { description: `parameter "${name}" must be sent once` }));
    }
    next();
  });
};

/** The parsed form (after {@link formBody}). */
export function formOf(body: unknown): Record<string, string> {
  return (body ?? {}) as Record<string, string>;
}
