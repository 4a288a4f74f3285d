/**
 * Rate limits for `/register` and `/token`, on express-rate-limit. Defaults are generous: hosted MCP clients
 * share egress IPs, so a tight per-IP limit locks out every user of one client (SPEC §5 Registration).
 */
import { rateLimit, type Store as RateLimitStore } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { RateLimitSetting } from '../config/options.js';
import { OAuthError } from '../errors/oauthError.js';

/**
 * One limiter. Keyed on `req.ip`: behind a reverse proxy set Express's `trust proxy` to the proxy hops (see
 * docs/deployment.md), or every client shares the proxy's bucket. express-rate-limit's configuration checks
 * (e.g. `X-Forwarded-For` present while `trust proxy` is off) log once and never fail a request.
 */
export function rateLimited(
  limiter: 'register' | 'token',
  setting: RateLimitSetting | undefined,
  defaults: { windowMs: number; limit: number },
  store?: (limiter: 'register' | 'token') => RateLimitStore,
): RequestHandler {
  if (setting === false) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: setting?.windowMs ?? defaults.windowMs,
    limit: setting?.limit ?? defaults.limit,
    ...(setting?.keyGenerator ? { keyGenerator: setting.keyGenerator } : {}),
    ...(store ? { store: store(limiter) } : {}),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new OAuthError('too_many_requests', { description: 'too many requests; retry after the time in the RateLimit headers' })),
  });
}
