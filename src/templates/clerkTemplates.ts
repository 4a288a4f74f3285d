/**
 * The Clerk Backend API calls provisioning makes, through `@clerk/backend`'s `jwtTemplates` API: list every
 * template (all pages), then send the plan's creates and updates. Errors are Clerk's
 * `ClerkAPIResponseError`, passed through untouched for the CLI to report.
 *
 * @see https://clerk.com/docs/reference/backend-api/tag/JWT-Templates
 */
import type { ClerkClient } from '@clerk/backend';
import type { RemoteTemplate } from './definition.js';
import type { TemplatePlan } from './diff.js';

type JwtTemplatesApi = ClerkClient['jwtTemplates'];

/** Clerk allows up to 500 per page; 100 keeps responses small and is still one page for most instances. */
export const LIST_PAGE_SIZE = 100;

/**
 * Every template of the instance. `@clerk/backend` sends `paginated=true`, so each page is
 * `{ data, totalCount }`; a bare array (a server that ignores the flag) is taken as the whole list.
 */
export async function listAllTemplates(api: Pick<JwtTemplatesApi, 'list'>, pageSize: number = LIST_PAGE_SIZE): Promise<RemoteTemplate[]> {
  const all: RemoteTemplate[] = [];
  for (let offset = 0; ; ) {
    const page = (await api.list({ limit: pageSize, offset })) as unknown;
    const { data, totalCount } = Array.isArray(page)
      ? { data: page as RemoteTemplate[], totalCount: page.length }
      : (page as { data: RemoteTemplate[]; totalCount?: number });
    all.push(...data.map(toRemoteTemplate));
    offset += data.length;
    if (Array.isArray(page) || data.length === 0 || data.length < pageSize || (totalCount !== undefined && offset >= totalCount)) {
      return all;
    }
  }
}

/** The outcome of one applied plan entry. */
export interface AppliedTemplate {
  name: string;
  action: 'create' | 'update';
  id: string;
}

/**
 * Sends the plan's writes in order: POST for `create`, PATCH (with `name` and `claims`, which Clerk requires on
 * PATCH too) for `update`. Stops at the first error; `applied` tells what was done before it.
 */
export async function applyPlan(
  api: Pick<JwtTemplatesApi, 'create' | 'update'>,
  plan: TemplatePlan[],
  applied: AppliedTemplate[] = [],
): Promise<AppliedTemplate[]> {
  for (const entry of plan) {
    if (entry.action === 'create' && entry.body) {
      const created = await api.create(entry.body);
      applied.push({ name: entry.name, action: 'create', id: created.id });
    } else if (entry.action === 'update' && entry.body && entry.id) {
      const updated = await api.update({ templateId: entry.id, ...entry.body });
      applied.push({ name: entry.name, action: 'update', id: updated.id ?? entry.id });
    }
  }
  return applied;
}

function toRemoteTemplate(t: RemoteTemplate): RemoteTemplate {
  return { id: t.id, name: t.name, claims: t.claims ?? {}, lifetime: t.lifetime, allowedClockSkew: t.allowedClockSkew };
}
