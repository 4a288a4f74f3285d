#!/usr/bin/env node
/**
 * `clerk-mcp-issuer` command line. Each subcommand lives in its own file; adding one is an import and a line.
 */
import { checkCommand } from './check.js';
import { keysCommand } from './keys.js';
import { runCli } from './program.js';
import { provisionCommand } from './provision.js';

process.exitCode = await runCli([
  provisionCommand(),
  keysCommand(),
  checkCommand(),
]);
