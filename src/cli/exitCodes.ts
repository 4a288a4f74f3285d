/**
 * Exit codes of the `clerk-mcp-issuer` CLI. Scripts and CI branch on them, so they are part of the public
 * contract: documented in `--help` and in `docs/clerk-setup.md`, and pinned by `test/cli/main.test.ts` and the commands' own tests.
 *
 * @see https://man.freebsd.org/cgi/man.cgi?query=sysexits BSD sysexits: 64 is EX_USAGE
 */
export const EXIT = {
  /** Done, or nothing to do (a second `provision` run). */
  OK: 0,
  /** Clerk's Backend API refused or could not be reached (401 bad key, 402 plan limit, 422 validation, …). */
  CLERK_API: 1,
  /** A local input is invalid: a template file (reserved claim, schema) or a key set. Nothing was sent. */
  INVALID_INPUT: 2,
  /** `check`: at least one check failed (the report names each with its rule). */
  CHECK_FAILED: 3,
  /** Wrong command line or missing configuration (unknown flag, no `CLERK_SECRET_KEY`). */
  USAGE: 64,
  /** Neither ours nor Clerk's: a bug, reported with its stack (sysexits EX_SOFTWARE). */
  INTERNAL: 70,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit-code table as it appears in `--help`. */
export const EXIT_CODE_HELP = `
Exit codes:
  0   ok, or nothing to change
  1   Clerk API error (Clerk's status, error code and message are printed)
  2   invalid local input (template file or key set); nothing was sent to Clerk
  3   check: at least one check failed
  64  usage or configuration error (bad flag, missing CLERK_SECRET_KEY)
  70  internal error (a bug: please report it with the printed stack)`;

/**
 * An error the CLI reports as one message on stderr and turns into an exit code. `details` is the
 * machine-readable form printed by `--json`. Messages never carry key material or secrets.
 */
export class CliError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options: { code?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = options.code ?? 'ERR_CLI';
    this.details = options.details;
  }
}
