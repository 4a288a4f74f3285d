/**
 * An `OAuthTokenVerifier` for the MCP SDKs' own `requireBearerAuth` (`@modelcontextprotocol/sdk` 1.x and
 * `@modelcontextprotocol/express` 2.x), for servers that prefer the SDK's middleware. It applies the same rules
 * as `requireBearer()`: a bad token is 401 `invalid_token`, a token with none of the server's scopes 403
 * `insufficient_scope`. Neither SDK is needed at runtime (see `sdkErrors.ts`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
import type { IssuerContext } from '../context.js';
import { OAuthError } from '../errors/oauthError.js';
import { authInfoFromToken, type McpAuthInfo } from './authInfo.js';
import { endpointScopes } from './scopes.js';
import { sdkBearerError } from './sdkErrors.js';

export interface McpTokenVerifier {
  verifyAccessToken(token: string): Promise<McpAuthInfo>;
}

export function mcpTokenVerifier(ctx: IssuerContext): McpTokenVerifier {
  const endpoint = endpointScopes(ctx.config.serverScopes, undefined);
  return {
    async verifyAccessToken(token) {
      let auth: McpAuthInfo;
      try {
        auth = await authInfoFromToken(ctx, token);
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        throw await sdkBearerError('invalid_token', error.description ?? 'invalid token');
      }
      const refusal = endpoint.refuse(auth.scopes);
      if (refusal) throw await sdkBearerError('insufficient_scope', refusal.description ?? 'insufficient scope');
      return auth;
    },
  };
}
