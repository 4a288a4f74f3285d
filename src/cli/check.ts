/**
 * `clerk-mcp-issuer check <url>`: diagnoses an MCP server's OAuth surface the way strict clients see it and
 * prints one line per finding (or `--json`). Exit 3 when a check fails. Only reads, unless `--register` (creates
 * a client) or `--interactive` (a real sign-in through a loopback callback) is given.
 *
 * @see ../../docs/check.md every check, its rule and the clients that enforce it
 */
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { renderJson } from '../check/report/renderJson.js';
import { renderText } from '../check/report/renderText.js';
import { DEFAULT_CALLBACK_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, runCheck, type CheckOptions } from '../check/runCheck.js';
import { CliError, EXIT } from './exitCodes.js';

/**
 * "At least one check failed". Not in the shared `EXIT` table (yet): only `check` produces it, like diff(1)'s
 * "differences found". Unreachable hosts and timeouts are findings, so they exit with it too.
 */
export const CHECK_FAILED = EXIT.CHECK_FAILED;

/** The stable prefix of the stderr line carrying the authorization URL in `--interactive` runs (scripts read it). */
export const AUTHORIZATION_URL_PREFIX = 'authorization URL: ';

export const CHECK_EXIT_CODE_HELP = `
Exit codes:
  0   every check passed (warnings allowed, unless --strict)
  2   invalid local input: an unreadable --token-response file or one that is not JSON
  3   at least one check failed (an unreachable host or a timeout is a failed check)
  64  usage error (bad URL, bad flag combination)
  70  internal error (a bug: please report it with the printed stack)`;

interface CheckFlags {
  json?: boolean;
  timeout: number;
  insecure?: boolean;
  register?: boolean;
  interactive?: boolean;
  clientId?: string;
  scope?: string;
  callbackPort?: number;
  callbackTimeout: number;
  idToken?: string;
  tokenResponse?: string;
  nonce?: string;
  strict?: boolean;
}

export function checkCommand(): Command {
  return new Command('check')
    .description("diagnose an MCP server's OAuth surface the way strict clients (oauth4webapi, openid-client, MCP SDK v2) see it")
    .argument('<url>', 'the MCP endpoint URL, e.g. https://mcp.example.com/mcp')
    .option('--json', 'print the findings as JSON on stdout')
    .addOption(new Option('--timeout <ms>', 'timeout of each HTTP request, in milliseconds').default(DEFAULT_TIMEOUT_MS).argParser(positiveInteger))
    .option('--insecure', 'also talk http to non-loopback hosts (http on 127.0.0.1/localhost/[::1] is always allowed)')
    .option('--register', 'register a client (RFC 7591) and check the response; this creates a client on the server')
    .option('--interactive', 'run the authorization code flow: print a URL to open, receive the callback on 127.0.0.1, exchange the code (needs --register or --client-id)')
    .option('--client-id <id>', 'a registered public client (redirect URI http://127.0.0.1/callback, any port) for --interactive; also the expected id_token aud offline')
    .option('--scope <scope>', 'scope for --interactive (default: openid when offered, plus the resource scopes)')
    .addOption(new Option('--callback-port <port>', 'port of the loopback callback (default: ephemeral)').argParser(port))
    .addOption(new Option('--callback-timeout <seconds>', 'how long --interactive waits for the sign-in').default(DEFAULT_CALLBACK_TIMEOUT_MS / 1000).argParser(positiveInteger))
    .option('--id-token <jwt>', 'check a captured id_token against the metadata ("-" reads it from stdin)')
    .option('--token-response <file>', 'check a captured token response (JSON) against the metadata ("-" reads stdin)')
    .option('--nonce <nonce>', 'the nonce the captured tokens were requested with')
    .option('--strict', 'warnings fail too (exit 3)')
    .addHelpText(
      'after',
      `
Walks what strict clients walk: the 401 challenge, protected resource metadata (RFC 9728), authorization
server metadata (RFC 8414, OIDC discovery) and jwks_uri; with --register, dynamic client registration; with
--interactive, a full sign-in; with --id-token / --token-response, captured tokens. Each finding names its
rule and the clients that enforce it. Reference: docs/check.md.

With --interactive the authorization URL is printed on stderr on one line starting with "${AUTHORIZATION_URL_PREFIX}".

Examples:
  clerk-mcp-issuer check https://mcp.example.com/mcp
  clerk-mcp-issuer check https://mcp.example.com/mcp --register --interactive
  clerk-mcp-issuer check https://mcp.example.com/mcp --id-token eyJhbGciOi… --client-id abc --nonce n-0S6_WzA2Mj
${CHECK_EXIT_CODE_HELP}`,
    )
    .action(async (url: string, flags: CheckFlags) => {
      const options = await toOptions(url, flags);
      const report = await runCheck(options);
      process.stdout.write(flags.json ? renderJson(report) : renderText(report));
      const failing = report.findings.filter((f) => f.status === 'fail' || (flags.strict && f.status === 'warn'));
      if (failing.length > 0) {
        const ids = [...new Set(failing.map((f) => f.id))];
        throw new CliError(CHECK_FAILED, `${failing.length} check${failing.length === 1 ? '' : 's'} ${flags.strict ? 'did not pass' : 'failed'}: ${ids.join(', ')}`, {
          code: 'ERR_CHECK_FAILED',
        });
      }
    });
}

async function toOptions(url: string, flags: CheckFlags): Promise<CheckOptions> {
  const usage = (message: string) => new CliError(EXIT.USAGE, message, { code: 'ERR_USAGE' });
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) throw usage(`"${url}" is not an http(s) URL; pass the MCP endpoint, e.g. https://mcp.example.com/mcp`);
  if (new URL(url).hash) throw usage(`"${url}" has a fragment; an MCP URL cannot`);
  if (flags.interactive && !flags.register && !flags.clientId) {
    throw usage('--interactive needs a client: add --register (registers one with a loopback redirect URI) or pass --client-id of a registered public client');
  }
  if (!flags.interactive && (flags.scope || flags.callbackPort !== undefined)) throw usage('--scope and --callback-port only go with --interactive');
  if (flags.nonce && flags.idToken === undefined && flags.tokenResponse === undefined) throw usage('--nonce goes with --id-token or --token-response');
  if (flags.idToken === '-' && flags.tokenResponse === '-') throw usage('only one of --id-token and --token-response can read stdin');
  return {
    url,
    timeoutMs: flags.timeout,
    insecure: flags.insecure,
    register: flags.register,
    interactive: flags.interactive,
    clientId: flags.clientId,
    scope: flags.scope,
    callbackPort: flags.callbackPort,
    callbackTimeoutMs: flags.callbackTimeout * 1000,
    idToken: flags.idToken === '-' ? (await readStdin()).trim() : flags.idToken?.trim(),
    tokenResponse: flags.tokenResponse === undefined ? undefined : await readTokenResponse(flags.tokenResponse),
    nonce: flags.nonce,
    onAuthorizationUrl: (authorizationUrl) => {
      process.stderr.write(`Open the authorization URL in a browser and sign in; waiting up to ${flags.callbackTimeout} s for the callback.\n${AUTHORIZATION_URL_PREFIX}${authorizationUrl.href}\n`);
    },
  };
}

async function readTokenResponse(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (cause) {
    throw new CliError(EXIT.INVALID_INPUT, `cannot read --token-response ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { code: 'ERR_INVALID_INPUT' });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(EXIT.INVALID_INPUT, `--token-response ${file} is not JSON; pass the token endpoint's response body`, { code: 'ERR_INVALID_INPUT' });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive integer');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port number (0-65535)');
  return n;
}
