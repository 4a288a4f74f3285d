/**
 * The clients whose checks `check` reproduces, named as users know them. A finding lists the ones that reject
 * the violation, so "who breaks" is part of the report (`reference/strict-clients.md`, `reference/seed-system.md`).
 */
export const CLIENT = {
  oauth4webapi: 'oauth4webapi',
  openidClient: 'openid-client',
  mcpSdkV1: 'MCP SDK v1',
  mcpSdkV2: 'MCP SDK v2',
  claudeCode: 'Claude Code',
  claudeAi: 'Claude.ai',
  codex: 'Codex',
  vscode: 'VS Code',
  inspector: 'MCP Inspector',
  smithery: 'Smithery',
  conformance: 'MCP conformance suite',
  browsers: 'browser-based clients',
  resourceServers: 'resource servers (RFC 9068 validation)',
} as const;

export type ClientName = (typeof CLIENT)[keyof typeof CLIENT];
