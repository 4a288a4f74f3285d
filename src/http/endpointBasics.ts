/**
 * What every OAuth endpoint router owns (the MCP SDK idiom): CORS, a method allow-list, caching headers.
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import { OAuthError } from '../errors/oauthError.js';

/**
 * CORS for endpoints that browser-based MCP clients (MCP Inspector, web IDEs) call directly. Any origin: these
 * endpoints authenticate by credentials in the request, never by cookies. `WWW-Authenticate` is exposed so a
 * browser client can read the challenge.
 */
export function publicCors(methods: string[]): RequestHandler {
  return cors({
    origin: '*',
    methods: [...methods, 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'MCP-Protocol-Version', 'Accept'],
    exposedHeaders: ['WWW-Authenticate'],
    maxAge: 600,
  });
}

/** 405 with `Allow` for any other method (RFC 9110 §15.5.6), instead of Express's 404. */
export function allowMethods(methods: string[], options: { head?: boolean } = {}): RequestHandler {
  // HEAD is GET without a body (RFC 9110 §9.3.2): wherever GET is allowed, so is HEAD, unless GET has effects.
  const allowed = (options.head ?? methods.includes('GET')) ? [...methods, 'HEAD'] : methods;
  const allow = [...allowed, 'OPTIONS'].join(', ');
  return (req, res, next) => {
    if (allowed.includes(req.method) || req.method === 'OPTIONS') return next();
    res.setHeader('Allow', allow);
    next(new OAuthError('method_not_allowed', { status: 405, description: `use ${methods.join(' or ')}` }));
  };
}

/** Responses that carry a credential must not be stored (RFC 6749 §5.1). */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  next();
};
