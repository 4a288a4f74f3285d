/**
 * The example's MCP server: two tools behind the kit's bearer middleware.
 * - `whoami`: the authenticated Clerk user and the granted scopes (and organization), straight from `req.auth`.
 * - `my_profile`: needs the finer `mcp:profile` scope, then calls the example's own Clerk-protected API as the
 *   user, with a fresh Clerk session token from `issuer.clerkToken()` (token exchange; the MCP access token is
 *   never passed on).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { clerkAuth, requireScopes, type McpIssuer, type ToolScopes } from '../src/index.js';

/**
 * The tools that need more than the endpoint's scopes: `requireBearer({ toolScopes })` answers their calls with
 * HTTP 403 `insufficient_scope` before the MCP transport runs (the client steps up), and each handler checks too.
 */
export const exampleToolScopes = { my_profile: ['mcp:profile'] } satisfies ToolScopes;

/**
 * One JSON Schema validator for every request's server: a stateless server is built per request, and each
 * would otherwise compile its own Ajv (most of a `tools/call`'s CPU, `npm run bench`).
 */
const validator = new AjvJsonSchemaValidator();

export function exampleMcpServer(issuer: McpIssuer, apiUrl: string): McpServer {
  const server = new McpServer({ name: 'clerk-mcp-issuer-example', version: '1.0.0' }, { jsonSchemaValidator: validator });

  server.registerTool(
    'whoami',
    { title: 'Who am I?', description: 'The signed-in Clerk user and the scopes this client was granted.' },
    async ({ authInfo }) => {
      const { userId, orgId, orgRole } = clerkAuth(authInfo);
      // With organizations on (MCP_ORGANIZATIONS), the organization fixed in the grant and the user's role in it.
      const result = { userId, clientId: authInfo?.clientId, scopes: authInfo?.scopes, ...(orgId ? { orgId, orgRole } : {}) };
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
    },
  );

  server.registerTool(
    'my_profile',
    { title: 'My profile (via the Clerk-protected API)', description: 'Calls this server’s own Clerk-protected API as the user.' },
    async ({ authInfo }) => {
      requireScopes(authInfo, ...exampleToolScopes.my_profile);
      const clerkToken = await issuer.clerkToken(authInfo);
      const res = await fetch(apiUrl, { headers: { authorization: `Bearer ${clerkToken}` } });
      const body = await res.json();
      if (!res.ok) return { isError: true, content: [{ type: 'text', text: `API answered ${res.status}: ${JSON.stringify(body)}` }] };
      return { content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
    },
  );
  return server;
}
