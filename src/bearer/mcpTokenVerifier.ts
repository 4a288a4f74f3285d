/**
 * An `OAuthTokenVerifier` for `@modelcontextprotocol/express`'s `requireBearerAuth`, for servers that prefer
 * the SDK's own middleware. Failures are the SDK's `OAuthError`, which its middleware maps to 401/403.
 */
import type { IssuerContext } from '../context.js';
import { OAuthError } from '../errors/oauthError.js';
import { authInfoFromToken, type McpAuthInfo } from './authInfo.js';

export interface McpTokenVerifier {
  verifyAccessToken(token: string): Promise<McpAuthInfo>;
}

export function mcpTokenVerifier(ctx: IssuerContext): McpTokenVerifier {
  return {
    async verifyAccessToken(token) {
      try {
        return await authInfoFromToken(ctx, token);
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        // Loaded on demand: the SDK is the caller's dependency (an optional peer), not ours.
        const sdk = await import('@modelcontextprotocol/server');
        throw new sdk.OAuthError(sdk.OAuthErrorCode.InvalidToken, error.description ?? 'invalid token');
      }
    },
  };
}
