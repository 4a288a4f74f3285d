/**
 * `clerk-mcp-issuer provision`: creates or updates the Clerk JWT templates of `clerk-templates/` on a Clerk
 * instance, idempotently. Validates locally first (nothing is sent for an invalid file), lists the instance's
 * templates, then POSTs the missing ones and PATCHes the ones that differ. `--verify` mints from the template
 * for a live session and shows the id_token the middleware would issue from it.
 *
 * @see https://clerk.com/docs/reference/backend-api/tag/JWT-Templates
 */
import { parseIssuer } from '../config/issuerUrls.js';
import { Command, Option } from 'commander';
import { decodeJwt } from 'jose';
import { type AppliedTemplate, applyPlan, listAllTemplates } from '../templates/clerkTemplates.js';
import { planHasChanges, planTemplates, type TemplatePlan } from '../templates/diff.js';
import { defaultTemplatesDir, loadTemplates, templateFilesIn } from '../templates/load.js';
import { idTokenPreview, type IdTokenPreview } from '../templates/preview.js';
import { clerkApiFailure, isNetworkFailure } from './clerkApiError.js';
import { networkCause } from './networkCause.js';
import { clerkFromEnv, type ClerkConnection } from './clerkEnv.js';
import { CliError, EXIT, EXIT_CODE_HELP } from './exitCodes.js';
import { renderIssues, renderPlan, renderPreview, renderSummary } from './renderPlan.js';

interface ProvisionOptions {
  template?: string[];
  dir?: string;
  dryRun?: boolean;
  json?: boolean;
  verify?: boolean;
  session?: string;
  issuer?: string;
}

/** Builds the `provision` command. */
export function provisionCommand(): Command {
  return new Command('provision')
    .description('create or update the Clerk JWT templates the middleware mints identity claims from')
    .addOption(new Option('-t, --template <file>', 'a template file to provision (repeatable); default: every *.json of --dir').argParser(collect))
    .addOption(new Option('-d, --dir <dir>', 'directory of template files (default: ./clerk-templates if present, else the templates shipped with the package)'))
    .option('--dry-run', 'print the diff against the instance and send no write request')
    .option('--json', 'print a machine-readable result on stdout')
    .option('--verify', 'after provisioning, mint a token from each template for --session and print the id_token claims the middleware would issue')
    .option('--session <sess_id>', 'a live Clerk session id for --verify (e.g. from getAuth(req).sessionId)')
    .option('--issuer <url>', 'your MCP issuer for the --verify preview (default: $MCP_ISSUER)')
    .addHelpText(
      'after',
      `
Environment (read as Clerk's SDKs read it):
  CLERK_SECRET_KEY   secret key of the instance (required; never pass it as a flag)
  CLERK_API_URL      Backend API origin (default https://api.clerk.com)
  CLERK_API_VERSION  Backend API version (default v1)
  MCP_ISSUER         default for --issuer

Templates cannot set iss (nor sub, azp, exp, iat, jti, nbf): Clerk always sets iss to its Frontend API URL
and refuses it with 400 jwt_template_reserved_claim. The middleware therefore issues the id_token itself,
with your issuer and key, and takes only the template's identity claims.
${EXIT_CODE_HELP}`,
    )
    .action(async (opts: ProvisionOptions) => {
      try {
        await provision(opts);
      } catch (error) {
        // stderr gets the message (program.ts); with --json, stdout gets the same failure as data.
        if (opts.json && error instanceof CliError) printJson({ ok: false, exitCode: error.exitCode, error: { code: error.code, message: error.message, ...error.details } });
        throw error;
      }
    });
}

async function provision(opts: ProvisionOptions): Promise<void> {
  const verifyWith = checkUsage(opts);
  const files = opts.template ?? (await templateFilesOf(opts.dir ?? defaultTemplatesDir()));
  const { templates, issues } = await loadTemplates(files);
  if (issues.length > 0) {
    throw new CliError(EXIT.INVALID_INPUT, `invalid template file${issues.length === 1 ? '' : 's'}; nothing was sent to Clerk:\n${renderIssues(issues)}`, {
      code: 'ERR_INVALID_TEMPLATE',
      details: { issues },
    });
  }
  const clerk = clerkFromEnv();
  const remote = await clerkCall(clerk, 'listing JWT templates', () => listAllTemplates(clerk.client.jwtTemplates));
  const plan = planTemplates(templates, remote);

  const applied: AppliedTemplate[] = [];
  if (!opts.dryRun && planHasChanges(plan)) {
    await clerkCall(clerk, () => `writing JWT templates (${describeApplied(applied)})`, () => applyPlan(clerk.client.jwtTemplates, plan, applied));
  }
  const previews = verifyWith ? await verify(clerk, plan, verifyWith) : undefined;

  if (opts.json) {
    printJson({
      ok: true,
      dryRun: Boolean(opts.dryRun),
      changed: !opts.dryRun && planHasChanges(plan),
      apiUrl: clerk.apiUrl,
      templates: withIds(plan, applied).map(({ name, source, action, id, changes }) => ({ name, source, action, id, changes })),
      ...(previews ? { verify: previews.map(({ template, preview }) => ({ template, ...preview })) } : {}),
    });
    return;
  }
  const out = [`Clerk instance: ${clerk.apiUrl} (${remote.length} template${remote.length === 1 ? '' : 's'} on it)`, renderPlan(withIds(plan, applied)), renderSummary(plan, Boolean(opts.dryRun))];
  for (const { template, preview } of previews ?? []) out.push('', renderPreview(template, preview));
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Flag combinations commander cannot express; returns the session and issuer for `--verify`. */
function checkUsage(opts: ProvisionOptions): { sessionId: string; issuer: string } | undefined {
  const usage = (message: string) => new CliError(EXIT.USAGE, message, { code: 'ERR_USAGE' });
  if (opts.template && opts.dir) throw usage('use either --template or --dir, not both');
  if (!opts.verify) {
    if (opts.session || opts.issuer) throw usage('--session and --issuer only go with --verify');
    return undefined;
  }
  if (opts.dryRun) throw usage('--verify mints tokens from the provisioned templates; it cannot run with --dry-run');
  if (!opts.session) throw usage('--verify needs --session <sess_id>: the id of a live Clerk session (sign in to your app, then read getAuth(req).sessionId)');
  const issuer = opts.issuer ?? process.env.MCP_ISSUER;
  if (!issuer) throw usage('--verify needs the issuer: pass --issuer https://mcp.example.com or set MCP_ISSUER');
  // The same rule the middleware applies at startup, so the preview shows the exact string it will emit.
  try {
    parseIssuer(issuer, Error);
  } catch (error) {
    throw usage(`--${(error as Error).message}`);
  }
  return { sessionId: opts.session, issuer };
}

async function templateFilesOf(dir: string): Promise<string[]> {
  let files: string[];
  try {
    files = await templateFilesIn(dir);
  } catch (cause) {
    throw new CliError(EXIT.USAGE, `cannot read the template directory ${dir}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { code: 'ERR_USAGE' });
  }
  if (files.length === 0) throw new CliError(EXIT.USAGE, `no template files (*.json) in ${dir}`, { code: 'ERR_USAGE' });
  return files;
}

/** Mints from each template for the session and builds the preview of the id_token. */
async function verify(
  clerk: ClerkConnection,
  plan: TemplatePlan[],
  { sessionId, issuer }: { sessionId: string; issuer: string },
): Promise<{ template: string; preview: IdTokenPreview }[]> {
  const previews = [];
  for (const { name } of plan) {
    const token = await clerkCall(clerk, `minting a token from template "${name}" for session ${sessionId}`, () => clerk.client.sessions.getToken(sessionId, name));
    // Decoded without verification: it came straight from Clerk's Backend API, authenticated by our secret key.
    previews.push({ template: name, preview: idTokenPreview(decodeJwt(token.jwt), issuer) });
  }
  return previews;
}

/** Runs a Clerk call and reports its failure with Clerk's status, code and message, or the network cause (exit code 1). */
async function clerkCall<T>(clerk: ClerkConnection, doing: string | (() => string), call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const unreachable = isNetworkFailure(error) ? await networkCause(clerk.apiUrl) : undefined;
    throw clerkApiFailure(error, clerk.apiUrl, typeof doing === 'function' ? doing() : doing, unreachable) ?? error;
  }
}

function withIds(plan: TemplatePlan[], applied: AppliedTemplate[]): TemplatePlan[] {
  return plan.map((p) => ({ ...p, id: p.id ?? applied.find((a) => a.name === p.name)?.id }));
}

/** What was written before a failed write, since the plan is applied one template at a time. */
function describeApplied(applied: AppliedTemplate[]): string {
  return applied.length === 0 ? 'nothing was written' : `${applied.map((a) => `${a.action}d ${a.name}`).join(', ')} before the error`;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
