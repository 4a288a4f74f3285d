/**
 * Human-readable text for `provision`: the plan as a diff (`+` create/add, `~` update/change, `-` remove,
 * `=` unchanged), the template issues, the id_token preview. Pure: returns strings.
 */
import type { TemplateChange, TemplatePlan } from '../templates/diff.js';
import type { IdTokenPreview } from '../templates/preview.js';
import { PER_REQUEST_CLAIMS } from '../templates/preview.js';
import type { TemplateIssue } from '../templates/validate.js';

const MARK = { create: '+', update: '~', unchanged: '=' } as const;

/** The plan, one block per template. */
export function renderPlan(plan: TemplatePlan[]): string {
  return plan
    .map((entry) => {
      const head = `${MARK[entry.action]} ${entry.name}  ${entry.action}${entry.id ? ` ${entry.id}` : ''}  (${entry.source})`;
      return [head, ...entry.changes.map((c) => `    ${renderChange(c)}`)].join('\n');
    })
    .join('\n');
}

/** The closing line: what happened, or what a dry run would do, or that there is nothing to do. */
export function renderSummary(plan: TemplatePlan[], dryRun: boolean): string {
  const count = (action: TemplatePlan['action']) => plan.filter((p) => p.action === action).length;
  const [create, update, unchanged] = [count('create'), count('update'), count('unchanged')];
  if (create + update === 0) {
    return `Nothing to change: ${unchanged} template${unchanged === 1 ? '' : 's'} already match${unchanged === 1 ? 'es' : ''} the Clerk instance.`;
  }
  return dryRun
    ? `Dry run: would create ${create}, update ${update}, leave ${unchanged} unchanged. Nothing was sent to Clerk.`
    : `Done: created ${create}, updated ${update}, ${unchanged} unchanged.`;
}

/** Every issue, one per line, prefixed by its file and JSON Pointer. */
export function renderIssues(issues: TemplateIssue[]): string {
  return issues.map((i) => `  ${i.source}${i.pointer ? ` ${i.pointer}` : ''}: ${i.message}`).join('\n');
}

/** The id_token the middleware would issue, as JSON, with the per-request claims named. */
export function renderPreview(template: string, preview: IdTokenPreview): string {
  const lines = [
    `id_token claims from template "${template}" (as the middleware would issue them):`,
    JSON.stringify(preview.claims, null, 2),
    `  + ${PER_REQUEST_CLAIMS.join(', ')}: set per authorization request by the middleware`,
  ];
  if (preview.clerkIssuer) lines.push(`  Clerk's own "iss" (${preview.clerkIssuer}) was dropped: the middleware is the issuer.`);
  if (preview.nullClaims.length > 0) {
    lines.push(`  warning: null for this user: ${preview.nullClaims.join(', ')} (this user has no value for it, or Clerk does not know the shortcode)`);
  }
  return lines.join('\n');
}

function renderChange({ kind, path, from, to }: TemplateChange): string {
  if (kind === 'added') return `+ ${path}: ${JSON.stringify(to)}`;
  if (kind === 'removed') return `- ${path}: ${JSON.stringify(from)}`;
  return `~ ${path}: ${JSON.stringify(from)} → ${JSON.stringify(to)}`;
}
