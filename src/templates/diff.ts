/**
 * The provisioning plan: which local templates Clerk lacks (create), holds differently (update) or already
 * holds (unchanged), with a field-level diff for `--dry-run` and the exact request body. Pure: no I/O.
 * Templates on the instance that no file names are left alone: provisioning never deletes.
 *
 * @see https://clerk.com/docs/reference/backend-api/tag/JWT-Templates JWT template endpoints
 */
import { isDeepStrictEqual } from 'node:util';
import type { LoadedTemplate, RemoteTemplate } from './definition.js';

export type TemplateAction = 'create' | 'update' | 'unchanged';

/** One difference between the file and the instance. `from` is absent for additions, `to` for removals. */
export interface TemplateChange {
  /** `claims.<name>`, `lifetime` or `allowed_clock_skew`. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

/** The create/update body in `@clerk/backend`'s camelCase (it snake-cases the top level only, not claims). */
export interface TemplateRequestBody {
  name: string;
  claims: Record<string, unknown>;
  lifetime?: number;
  allowedClockSkew?: number;
}

export interface TemplatePlan {
  name: string;
  source: string;
  action: TemplateAction;
  /** The instance's template id, when it exists. */
  id?: string;
  changes: TemplateChange[];
  /** What to send: POST body for `create`, PATCH body for `update`; absent for `unchanged`. */
  body?: TemplateRequestBody;
}

/**
 * Compares each local template with the instance's template of the same name. Claims compare deep-equal
 * (key order does not matter); `lifetime` and `allowed_clock_skew` compare only when the file sets them.
 */
export function planTemplates(local: LoadedTemplate[], remote: RemoteTemplate[]): TemplatePlan[] {
  const byName = new Map(remote.map((t) => [t.name, t]));
  return local.map(({ source, template }) => {
    const existing = byName.get(template.name);
    const body: TemplateRequestBody = { name: template.name, claims: template.claims };
    if (!existing) {
      if (template.lifetime !== undefined) body.lifetime = template.lifetime;
      if (template.allowedClockSkew !== undefined) body.allowedClockSkew = template.allowedClockSkew;
      const changes: TemplateChange[] = Object.entries(template.claims).map(([claim, to]) => ({ path: `claims.${claim}`, kind: 'added', to }));
      if (body.lifetime !== undefined) changes.push({ path: 'lifetime', kind: 'added', to: body.lifetime });
      if (body.allowedClockSkew !== undefined) changes.push({ path: 'allowed_clock_skew', kind: 'added', to: body.allowedClockSkew });
      return { name: template.name, source, action: 'create', changes, body };
    }
    const changes = [
      ...claimChanges(existing.claims ?? {}, template.claims),
      ...numberChange('lifetime', existing.lifetime, template.lifetime),
      ...numberChange('allowed_clock_skew', existing.allowedClockSkew, template.allowedClockSkew),
    ];
    if (changes.length === 0) return { name: template.name, source, action: 'unchanged', id: existing.id, changes };
    // PATCH requires name and claims. Unmanaged numbers are sent back as the instance has them, so an update
    // never resets them to Clerk's defaults, whatever PATCH does with absent members.
    const lifetime = template.lifetime ?? existing.lifetime ?? undefined;
    const allowedClockSkew = template.allowedClockSkew ?? existing.allowedClockSkew ?? undefined;
    if (lifetime !== undefined) body.lifetime = lifetime;
    if (allowedClockSkew !== undefined) body.allowedClockSkew = allowedClockSkew;
    return { name: template.name, source, action: 'update', id: existing.id, changes, body };
  });
}

/** True when applying the plan would send at least one write request. */
export function planHasChanges(plan: TemplatePlan[]): boolean {
  return plan.some((p) => p.action !== 'unchanged');
}

function claimChanges(from: Record<string, unknown>, to: Record<string, unknown>): TemplateChange[] {
  const changes: TemplateChange[] = [];
  for (const [claim, value] of Object.entries(to)) {
    if (!Object.hasOwn(from, claim)) changes.push({ path: `claims.${claim}`, kind: 'added', to: value });
    else if (!isDeepStrictEqual(from[claim], value)) changes.push({ path: `claims.${claim}`, kind: 'changed', from: from[claim], to: value });
  }
  for (const [claim, value] of Object.entries(from)) {
    if (!Object.hasOwn(to, claim)) changes.push({ path: `claims.${claim}`, kind: 'removed', from: value });
  }
  return changes;
}

function numberChange(path: string, from: number | null | undefined, to: number | undefined): TemplateChange[] {
  if (to === undefined || from === to) return [];
  return from === undefined || from === null ? [{ path, kind: 'added', to }] : [{ path, kind: 'changed', from, to }];
}
