/**
 * The bearer middleware for the MCP endpoint: 401 with the challenge that lets a client discover us, 403 when
 * the token lacks a scope (the endpoint's, or a called tool's), `req.auth` set in the MCP SDK shape otherwise.
 * CORS preflight is never gated.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 WWW-Authenticate
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1 resource_metadata in the challenge
 */
import cors from 'cors';
import express, { type RequestHandler } from 'express';
import type { IssuerContext } from '../context.js';
import { OAuthError } from '../errors/oauthError.js';
import { fromStore } from '../http/errorHandler.js';
import { authInfoFromToken, bearerToken, type McpAuthInfo } from './authInfo.js';
import { endpointScopes, InsufficientScopeError } from './scopes.js';
import { toolCallRefusal, toolScopeTable, type ToolScopes } from './toolScopes.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the bearer middleware (MCP SDK `AuthInfo`); Clerk's `clerkMiddleware` uses a function here instead. */
    auth?: McpAuthInfo | any; // eslint-disable-line @typescript-eslint/no-explicit-any
  }
}

export interface RequireBearerOptions {
  /**
   * Scopes every request must carry (403 `insufficient_scope` otherwise). Default: at least one of the server's
   * own scopes, what the 401 challenge advertises (a token with only OIDC scopes is not an MCP token). `[]`
   * accepts any token of ours; a list requires each scope.
   */
  scopes?: string[];
  /**
   * Per-tool scopes, checked on `tools/call` before the MCP transport runs: a token without them gets HTTP 403
   * `insufficient_scope` naming them, so the client can step up. Check the same scopes in the tool handler
   * with `requireScopes(authInfo, …)`. The middleware then parses the JSON body itself (1 MB limit) unless a
   * body parser in front of it already did.
   */
  toolScopes?: ToolScopes;
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
  const endpoint = endpointScopes(ctx.config.serverScopes, options.scopes);
  // Checked now: a tool scope no client could be granted is a startup error, not a 403 forever.
  const tools = options.toolScopes ? toolScopeTable(options.toolScopes, ctx.config.scopes) : undefined;
  const parseJson = tools ? express.json({ limit: '1mb' }) : undefined;
  const prmUrl = ctx.config.urls.protectedResourceMetadataUrl;
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

  // Without a token, the challenge names what to ask for; a scope refusal names what the refused operation needs.
  const reject = (res: Parameters<RequestHandler>[1], error: OAuthError, sentToken: boolean) => {
    const scopes = error instanceof InsufficientScopeError ? error.scopes : endpoint.challenge;
    res.setHeader('WWW-Authenticate', bearerChallenge(prmUrl, scopes, sentToken || error.error !== 'invalid_token' ? error : undefined));
    res.status(error.status).json(error.toJSON());
  };

  /** The per-tool pre-check, on the parsed JSON-RPC body. */
  const checkTools: RequestHandler = (req, res, next) => {
    if (!tools || !parseJson) return next();
    const check = () => {
      const refusal = toolCallRefusal(req.body, tools, (req.auth as McpAuthInfo).scopes);
      if (refusal) return reject(res, refusal, true);
      next();
    };
    // Parsed already by the app's own parser in front of us (the body was read to its end): use it. Otherwise
    // parse (a later parser then skips). `req.body` alone proves nothing: Express 4's body-parser sets it to {} when
    // it skips a body of another content type, and that {} would pass any tools/call.
    if (req.body !== undefined && req.readableEnded) return check();
    parseJson(req, res, (err?: unknown) => (err ? next(err) : check()));
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
        const refusal = endpoint.refuse(auth.scopes);
        if (refusal) return reject(res, refusal, true);
        req.auth = auth;
        checkTools(req, res, next);
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
  // CORS headers are for browsers, which send `Origin` on every cross-origin request; an MCP client outside a
  // browser sends none, and its response needs none (`Access-Control-Allow-Origin: *` needs no `Vary`), so it skips
  // the CORS work on the hot path. An OPTIONS request is answered as a preflight either way (never auth-gated).
  return (req, res, next) =>
    req.headers.origin === undefined && req.method !== 'OPTIONS'
      ? check(req, res, next)
      : corsHandler(req, res, (err?: unknown) => (err ? next(err) : check(req, res, next)));
}
