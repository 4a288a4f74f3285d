/**
 * The bearer middleware for the MCP endpoint: 401 with the challenge that lets a client discover us, 403 when
 * the token lacks a scope, `req.auth` set in the MCP SDK shape otherwise. CORS preflight is never gated.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 WWW-Authenticate
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1 resource_metadata in the challenge
 */
import cors from 'cors';
import type { RequestHandler } from 'express';
import type { IssuerContext } from '../context.js';
import { OAuthError } from '../errors/oauthError.js';
import { fromStore } from '../http/errorHandler.js';
import { authInfoFromToken, bearerToken, type McpAuthInfo } from './authInfo.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the bearer middleware (MCP SDK `AuthInfo`); Clerk's `clerkMiddleware` uses a function here instead. */
    auth?: McpAuthInfo | any; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
}

export interface RequireBearerOptions {
  /** Scopes every request must carry (403 `insufficient_scope` otherwise). */
  scopes?: string[];
  /** Answer CORS (preflight and headers) for browser MCP clients. Default true. */
  cors?: boolean;
}

/** A quoted-string for an auth-param (RFC 9110 §5.6.4). */
const quoted = (value: string) => `"${value.replace(/[\\"]/g, '\\$&')}"`;

/** The `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3, RFC 9728 §5.1). */
export function bearerChallenge(prmUrl: string, scopes: readonly string[], error?: OAuthError): string {
  const params: string[] = [];
  if (error) {
    params.push(`error=${quoted(error.error)}`);
    if (error.description) params.push(`error_description=${quoted(error.description)}`);
  }
  params.push(`resource_metadata=${quoted(prmUrl)}`);
  if (scopes.length > 0) params.push(`scope=${quoted(scopes.join(' '))}`);
  return `Bearer ${params.join(', ')}`;
}

export function requireBearer(ctx: IssuerContext, options: RequireBearerOptions = {}): RequestHandler {
  const required = options.scopes ?? [];
  const prmUrl = ctx.config.urls.protectedResourceMetadataUrl;
  // Without a token, the challenge names what to ask for: the required scopes, else what the resource offers.
  const challengeScopes = required.length > 0 ? required : ctx.config.serverScopes;
  const corsHandler =
    options.cors === false
      ? undefined
      : cors({
          origin: '*',
          methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
          allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'MCP-Protocol-Version', 'Mcp-Session-Id', 'Last-Event-ID'],
          exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version'],
          maxAge: 600,
        });

  const reject = (res: Parameters<RequestHandler>[1], error: OAuthError, sentToken: boolean) => {
    res.setHeader('WWW-Authenticate', bearerChallenge(prmUrl, challengeScopes, sentToken || error.error !== 'invalid_token' ? error : undefined));
    res.status(error.status).json(error.toJSON());
  };

  const check: RequestHandler = (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    const header = req.headers.authorization;
    const token = bearerToken(header);
    if (!token) {
      const error = new OAuthError('invalid_token', {
        description: header === undefined ? 'an access token is required' : 'the Authorization header must be "Bearer <token>"',
      });
      return reject(res, error, header !== undefined);
    }
    authInfoFromToken(ctx, token).then(
      (auth) => {
        const missing = required.filter((s) => !auth.scopes.includes(s));
        if (missing.length > 0) {
          return reject(res, new OAuthError('insufficient_scope', { description: `requires scope ${required.join(' ')}` }), true);
        }
        req.auth = auth;
        next();
      },
      (error) => {
        if (error instanceof OAuthError) return reject(res, error, true);
        const unavailable = fromStore(error);
        if (unavailable) return void res.status(503).set(unavailable.headers).json(unavailable.toJSON());
        next(error);
      },
    );
  };

  if (!corsHandler) return check;
  return (req, res, next) => corsHandler(req, res, (err?: unknown) => (err ? next(err) : check(req, res, next)));
}
