/**
 * Where key sets come from and go to. Private key material is read from a file or stdin (`--in -`, e.g.
 * `printenv MCP_SIGNING_KEYS | clerk-mcp-issuer keys public --in -`) and written only to stdout or to the
 * `--out` file, created with mode 0600; stderr only ever gets kids, counts and paths.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KeySetError, parsePrivateJwkSet, type PrivateJwkSet } from '../keys/jwkSet.js';
import { CliError, EXIT } from './exitCodes.js';

/** Reads and checks a private JWK set from a file, or from stdin when `source` is `-`. */
export async function readPrivateKeySet(source: string): Promise<PrivateJwkSet> {
  let text: string;
  try {
    text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  } catch (cause) {
    throw new CliError(EXIT.INVALID_INPUT, `cannot read the key set from ${source === '-' ? 'stdin' : source}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { code: 'ERR_KEY_SET_UNREADABLE' });
  }
  return parseKeySet(() => parsePrivateJwkSet(text));
}

/** Runs a `jwkSet.ts` operation, turning its {@link KeySetError} (which never echoes key material) into exit code 2. */
export function parseKeySet<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    if (error instanceof KeySetError) throw new CliError(EXIT.INVALID_INPUT, error.message, { code: error.code });
    throw error;
  }
}

export interface KeySetOutput {
  /** Target file; stdout when absent. */
  out?: string;
  /** The input file, which may be overwritten in place (`rotate --in keys.json --out keys.json`). */
  replaces?: string;
  /** Overwrite another existing file. */
  force?: boolean;
}

/**
 * Writes a private JWK set to stdout or to a file with mode 0600. A file is written to a temporary sibling
 * and renamed over the target, so an interrupted write never leaves a truncated key set; an existing file
 * other than the input is only replaced with `--force`, since losing a signing key strands issued tokens.
 */
export async function writePrivateKeySet(set: PrivateJwkSet, { out, replaces, force }: KeySetOutput): Promise<void> {
  const text = `${JSON.stringify(set, null, 2)}\n`;
  if (out === undefined || out === '-') {
    process.stdout.write(text);
    return;
  }
  const sameAsInput = replaces !== undefined && replaces !== '-' && path.resolve(replaces) === path.resolve(out);
  if (existsSync(out) && !sameAsInput && !force) {
    throw new CliError(EXIT.USAGE, `${out} exists; refusing to overwrite a key set (use --force, or --out another file)`, { code: 'ERR_OUTPUT_EXISTS' });
  }
  const temporary = path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600); // the umask may only have narrowed it; make it exact
    await rename(temporary, out);
  } catch (cause) {
    await unlink(temporary).catch(() => {});
    throw new CliError(EXIT.USAGE, `cannot write ${out}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { code: 'ERR_OUTPUT_UNWRITABLE' });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
