/**
 * Local validation of template files, before anything is sent to Clerk: the JSON Schema
 * (`clerk-templates/template.schema.json`) plus the rules a schema message explains badly: which claims are
 * refused and why, shortcodes that would leak private metadata, names used twice. Pure: no I/O.
 *
 * @see https://clerk.com/docs/guides/sessions/jwt-templates
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { FORBIDDEN_SHORTCODE_PATTERN, forbiddenClaimReason } from './claims.js';
import type { JsonValue, LoadedTemplate, TemplateDefinition } from './definition.js';

/** One problem in one template file. */
export interface TemplateIssue {
  /** The file (or label) the template came from. */
  source: string;
  /** JSON Pointer into the file, e.g. `/claims/iss`. */
  pointer: string;
  /** Stable code for `--json` consumers. */
  code: 'unreadable' | 'invalid_json' | 'schema' | 'forbidden_claim' | 'private_metadata' | 'duplicate_name';
  message: string;
}

/** A checker for parsed template files, built once from the schema document. */
export type TemplateValidator = (value: unknown, source: string) => { template?: TemplateDefinition; issues: TemplateIssue[] };

/**
 * Builds the validator from the schema document (the caller reads it; this module stays free of I/O).
 *
 * @see https://json-schema.org/draft-07 JSON Schema draft-07, the version editors support best
 */
export function createTemplateValidator(schema: object): TemplateValidator {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const check: ValidateFunction = ajv.compile(schema);
  return (value, source) => {
    const issues: TemplateIssue[] = [];
    const claims = isObject(value) && isObject(value.claims) ? value.claims : undefined;
    // Forbidden claims first and in our words: the schema only knows "must NOT be valid".
    for (const claim of Object.keys(claims ?? {})) {
      const reason = forbiddenClaimReason(claim);
      if (reason) issues.push({ source, pointer: `/claims/${escapePointer(claim)}`, code: 'forbidden_claim', message: reason });
    }
    if (!check(value)) {
      for (const error of check.errors ?? []) {
        // Already reported above with the reason.
        if (error.instancePath === '/claims' && (error.keyword === 'propertyNames' || error.keyword === 'not')) continue;
        if (error.propertyName !== undefined && error.instancePath === '/claims') continue;
        issues.push({ source, pointer: error.instancePath || '/', code: 'schema', message: schemaMessage(error) });
      }
    }
    for (const pointer of privateMetadataPointers(claims ?? {}, '/claims')) {
      issues.push({
        source,
        pointer,
        code: 'private_metadata',
        message:
          'private_metadata must never be in a template: any signed-in browser can mint a token from a template ' +
          '(getToken({ template })) and read it. Use public_metadata, or read private data on the server.',
      });
    }
    if (issues.length > 0) return { issues };
    const file = value as { name: string; claims: Record<string, JsonValue>; lifetime?: number; allowed_clock_skew?: number };
    const template: TemplateDefinition = { name: file.name, claims: file.claims };
    if (file.lifetime !== undefined) template.lifetime = file.lifetime;
    if (file.allowed_clock_skew !== undefined) template.allowedClockSkew = file.allowed_clock_skew;
    return { template, issues };
  };
}

/** Template names are unique per Clerk instance; two files naming one template would fight on every run. */
export function duplicateNameIssues(templates: LoadedTemplate[]): TemplateIssue[] {
  const seen = new Map<string, string>();
  const issues: TemplateIssue[] = [];
  for (const { source, template } of templates) {
    const first = seen.get(template.name);
    if (first !== undefined) {
      issues.push({
        source,
        pointer: '/name',
        code: 'duplicate_name',
        message: `template "${template.name}" is also defined in ${first}; a name may appear in one file only`,
      });
    } else {
      seen.set(template.name, source);
    }
  }
  return issues;
}

function schemaMessage(error: NonNullable<ValidateFunction['errors']>[number]): string {
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return `unknown member "${extra}" (allowed: $schema, name, claims, lifetime, allowed_clock_skew)`;
  }
  if (error.keyword === 'required') return `missing member "${(error.params as { missingProperty: string }).missingProperty}"`;
  return `${error.instancePath || 'the template'} ${error.message ?? 'is invalid'}`;
}

function* privateMetadataPointers(value: unknown, pointer: string): Generator<string> {
  if (typeof value === 'string') {
    if (FORBIDDEN_SHORTCODE_PATTERN.test(value)) yield pointer;
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* privateMetadataPointers(item, `${pointer}/${i}`);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) yield* privateMetadataPointers(item, `${pointer}/${escapePointer(key)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @see https://www.rfc-editor.org/rfc/rfc6901#section-3 JSON Pointer escaping */
function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
