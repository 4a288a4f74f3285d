/**
 * The `clerk-mcp-issuer` program shell: name, version, help, and the one place where every outcome becomes an
 * exit code (see `exitCodes.ts`). Subcommands are built in their own files and handed in by `main.ts`.
 *
 * @see https://github.com/tj/commander.js#override-exit-and-output-handling commander exitOverride
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { CliError, EXIT, EXIT_CODE_HELP } from './exitCodes.js';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * Runs the CLI with the given subcommands and returns the exit code (the caller sets `process.exitCode`, so
 * stdout is flushed before the process ends). Errors go to stderr as one line; private key material is never
 * part of a message.
 */
export async function runCli(commands: Command[], argv: string[] = process.argv): Promise<number> {
  const program = new Command('clerk-mcp-issuer')
    .description('Clerk JWT-template kit and signing keys for clerk-mcp-issuer.')
    .version(version)
    .addHelpText('after', EXIT_CODE_HELP);
  for (const command of commands) program.addCommand(command);
  configure(program);
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (error) {
    // commander has printed its own message (unknown option, missing argument) or the help text.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (error instanceof CliError) {
      process.stderr.write(`clerk-mcp-issuer: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`clerk-mcp-issuer: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.INTERNAL;
  }
}

/** `addCommand` does not pass settings down, so every command in the tree gets them here. */
function configure(command: Command): void {
  command.exitOverride().showHelpAfterError('(add --help for usage)');
  for (const sub of command.commands) configure(sub);
}
