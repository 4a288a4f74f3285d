/**
 * One-time provisioning of a checkout's Clerk instance: creates (or updates) the `mcp-id-token` JWT template from
 * `clerk-templates/` through Clerk's Backend API. `npm run provision` runs this file; arguments after `--` are the
 * options of `clerk-mcp-issuer provision` (`npm run provision -- --dry-run`, `npm run provision -- --help`).
 * It reads `CLERK_SECRET_KEY` (and `CLERK_API_URL`, if set) like the installed command does.
 *
 * It is the CLI's own `provision` command run from source, so a checkout and an installed package behave alike.
 */
import { runCli } from '../src/cli/program.js';
import { provisionCommand } from '../src/cli/provision.js';

const [node = process.execPath, script = 'scripts/provision.ts', ...args] = process.argv;
process.exitCode = await runCli([provisionCommand()], [node, script, 'provision', ...args]);
