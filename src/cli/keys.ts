/**
 * `clerk-mcp-issuer keys`: the private JWK set the middleware signs with. The first key signs, every key is
 * published at `jwks_uri`, so rotation overlaps: `rotate` (new signer in front, old key still published) →
 * deploy → wait for the longest token lifetime → `retire` → deploy. With several instances, publish before
 * anyone signs: `rotate --publish-only` → deploy everywhere → `promote --kid` → deploy → … → `retire`.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys OIDC signing key rotation
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5 JWK Set
 */
import { Command, Option } from 'commander';
import {
  generateSigningKey,
  retireKeys,
  promoteKey,
  publishKey,
  rotateKeySet,
  SIGNING_ALGORITHMS,
  toPublicJwkSet,
  type SigningAlgorithm,
} from '../keys/jwkSet.js';
import { CliError, EXIT, EXIT_CODE_HELP } from './exitCodes.js';
import { parseKeySet, readPrivateKeySet, writePrivateKeySet } from './keyFiles.js';

const algOption = () => new Option('--alg <alg>', 'signature algorithm of the new key').choices(SIGNING_ALGORITHMS);
const outOption = () => new Option('--out <file>', 'write the private key set to this file (mode 0600) instead of stdout');
const forceOption = () => new Option('--force', 'overwrite an existing --out file other than --in');
const inOption = () => new Option('--in <file>', 'private JWK set to read ("-" = stdin)').makeOptionMandatory();

/** Builds the `keys` command and its subcommands. */
export function keysCommand(): Command {
  const keys = new Command('keys')
    .description('generate, rotate, retire and publish the private JWK set that signs id_tokens and access tokens')
    .addHelpText(
      'after',
      `
Private keys go to stdout or to --out (mode 0600), never to stderr. Keep the set in a secret store and give
it to the middleware as JSON (e.g. MCP_SIGNING_KEYS); "-" reads it from stdin:
  printenv MCP_SIGNING_KEYS | clerk-mcp-issuer keys public --in -
${EXIT_CODE_HELP}`,
    );

  keys
    .command('generate')
    .description('print a new private JWK set with one signing key')
    .addOption(algOption().default('RS256'))
    .addOption(outOption())
    .addOption(forceOption())
    .action(async (opts: { alg: SigningAlgorithm; out?: string; force?: boolean }) => {
      const set = { keys: [await generateSigningKey(opts.alg)] };
      await writePrivateKeySet(set, { out: opts.out, force: opts.force });
      note(opts.out, `generated ${opts.alg} key ${set.keys[0].kid}`);
    });

  keys
    .command('rotate')
    .description('add a new signing key in front; the old keys stay published so their tokens still verify')
    .addOption(inOption())
    .addOption(algOption())
    .addOption(outOption())
    .addOption(forceOption())
    .addOption(new Option('--publish-only', 'add the new key published but not signing (several instances: promote it once every instance publishes it)'))
    .addHelpText('after', '\nThe new key uses --alg, or the algorithm of the current signer.')
    .action(async (opts: { in: string; alg?: SigningAlgorithm; out?: string; force?: boolean; publishOnly?: boolean }) => {
      const set = await readPrivateKeySet(opts.in);
      const key = await generateSigningKey(opts.alg ?? set.keys[0].alg);
      const rotated = opts.publishOnly ? publishKey(set, key) : rotateKeySet(set, key);
      await writePrivateKeySet(rotated, { out: opts.out, replaces: opts.in, force: opts.force });
      note(
        opts.out,
        opts.publishOnly
          ? `published ${key.kid} (${key.alg}), not signing yet; signer ${set.keys[0].kid}. Deploy it everywhere, then: keys promote --kid ${key.kid}`
          : `new signer ${key.kid} (${key.alg}); still published: ${set.keys.map((k) => k.kid).join(', ')}`,
      );
    });

  keys
    .command('promote')
    .description('make a published key the signer; the previous signer stays published')
    .addOption(inOption())
    .addOption(new Option('--kid <kid>', 'the key to sign with from now on').makeOptionMandatory())
    .addOption(outOption())
    .addOption(forceOption())
    .action(async (opts: { in: string; kid: string; out?: string; force?: boolean }) => {
      const set = await readPrivateKeySet(opts.in);
      const promoted = parseKeySet(() => promoteKey(set, opts.kid));
      await writePrivateKeySet(promoted, { out: opts.out, replaces: opts.in, force: opts.force });
      note(opts.out, `signer ${opts.kid}; still published: ${promoted.keys.slice(1).map((k) => k.kid).join(', ')}`);
    });

  keys
    .command('retire')
    .description('drop keys that no longer sign (default: every key but the signer)')
    .addOption(inOption())
    .addOption(new Option('--kid <kid...>', 'kids to drop (default: all but the first key)'))
    .addOption(outOption())
    .addOption(forceOption())
    .addHelpText('after', '\nRetire a key only after the longest lifetime of the tokens it signed (access tokens: 1 h by default).')
    .action(async (opts: { in: string; kid?: string[]; out?: string; force?: boolean }) => {
      const set = await readPrivateKeySet(opts.in);
      const unknown = (opts.kid ?? []).filter((kid) => !set.keys.some((k) => k.kid === kid));
      if (unknown.length > 0) {
        throw new CliError(EXIT.INVALID_INPUT, `no key with kid ${unknown.join(', ')} in the set (kids: ${set.keys.map((k) => k.kid).join(', ')})`, { code: 'ERR_UNKNOWN_KID' });
      }
      const kept = parseKeySet(() => retireKeys(set, opts.kid));
      await writePrivateKeySet(kept, { out: opts.out, replaces: opts.in, force: opts.force });
      const dropped = set.keys.filter((k) => !kept.keys.includes(k)).map((k) => k.kid);
      note(opts.out, dropped.length > 0 ? `retired ${dropped.join(', ')}; signer ${kept.keys[0].kid}` : 'nothing to retire: the set holds only its signer');
    });

  keys
    .command('public')
    .description('print the public JWK set that jwks_uri serves')
    .addOption(inOption())
    .action(async (opts: { in: string }) => {
      const set = await readPrivateKeySet(opts.in);
      process.stdout.write(`${JSON.stringify(toPublicJwkSet(set), null, 2)}\n`);
    });

  return keys;
}

/** A progress line on stderr: kids and paths only, never key material. */
function note(out: string | undefined, message: string): void {
  process.stderr.write(`${message}${out && out !== '-' ? ` → wrote ${out} (mode 0600)` : ''}\n`);
}
