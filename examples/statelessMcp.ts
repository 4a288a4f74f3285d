/**
 * The MCP endpoint's request handler for a stateless server: one `McpServer` and one streamable HTTP transport
 * per request (the official SDK's stateless mode), closed when the response ends. `req.auth`, set by the kit's
 * bearer middleware in front, reaches tool handlers as `extra.authInfo`.
 */
import type { RequestHandler } from 'express';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export function statelessMcpHandler(createServer: () => McpServer): RequestHandler {
  return async (req, res, next) => {
    try {
      const server = createServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      next(error);
    }
  };
}
