/**
 * Rate limits for `/register`, `/token` and `/authorize`, on express-rate-limit. Defaults are generous: hosted MCP
 * clients share egress IPs, so a tight per-IP limit locks out every user of one client (SPEC §5 Registration).
 */
import { rateLimit, type Store as RateLimitStore } from 'express-rate-limit';
import type { RequestHandler, Response } from 'express';
import type { RateLimitSetting } from '../config/options.js';
import { OAuthError } from '../errors/oauthError.js';

export type RateLimiterName = 'register' | 'token' | 'authorize';

/**
 * One limiter. Keyed on `req.ip`: behind a reverse proxy set Express's `trust proxy` to the proxy hops (see
 * docs/deployment.md), or every client shares the proxy's bucket. express-rate-limit's configuration checks
 * (e.g. `X-Forwarded-For` present while `trust proxy` is off) log once and never fail a request.
 *
 * @param onLimit how a refused request is answered (after the RateLimit headers are set); default the JSON
 *   `too_many_requests` error of the OAuth endpoints. A browser page passes its own.
 */
export function rateLimited(
  limiter: RateLimiterName,
  setting: RateLimitSetting | undefined,
  defaults: { windowMs: number; limit: number },
  store?: (limiter: RateLimiterName) => RateLimitStore,
  onLimit?: (res: Response) => void,
): RequestHandler {
  if (setting === false) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: setting?.windowMs ?? defaults.windowMs,
    limit: setting?.limit ?? defaults.limit,
    ...(setting?.keyGenerator ? { keyGenerator: setting.keyGenerator } : {}),
    ...(store ? { store: store(limiter) } : {}),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res, next) =>
      onLimit ? onLimit(res) : next(new OAuthError('too_many_requests', { description: 'too many requests; retry after the time in the RateLimit headers' })),
  });
}
