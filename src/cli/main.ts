#!/usr/bin/env node
/**
 * `clerk-mcp-issuer` command line. Each subcommand lives in its own file; adding one is an import and a line.
 */
import { checkCommand } from './check.js';
import { keysCommand } from './keys.js';
import { runCli } from './program.js';
import { provisionCommand } from './provision.js';

// A reader that stops early (`… --help | head`) closes the pipe: that ends the output, it is not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await runCli([
  provisionCommand(),
  keysCommand(),
  checkCommand(),
]);
