/**
 * Reading template files from disk: which files, their JSON, and the schema they are checked against.
 * The checks themselves live in `validate.ts`.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedTemplate } from './definition.js';
import { createTemplateValidator, duplicateNameIssues, type TemplateIssue, type TemplateValidator } from './validate.js';

/**
 * The `clerk-templates/` directory shipped with the package. Two levels up from this module both in `src/`
 * (tsx) and in `dist/` (compiled), and listed in package.json `files`.
 */
export const PACKAGE_TEMPLATES_DIR = fileURLToPath(new URL('../../clerk-templates/', import.meta.url));

/** The schema file every template names in `$schema`. */
export const TEMPLATE_SCHEMA_FILE = 'template.schema.json';

/**
 * Where templates are read from when no `--template`/`--dir` is given: a `clerk-templates/` directory in the
 * working directory (a project's own copy, edited to taste), else the package's defaults.
 */
export function defaultTemplatesDir(cwd: string = process.cwd()): string {
  const local = path.join(cwd, 'clerk-templates');
  return existsSync(local) ? local : PACKAGE_TEMPLATES_DIR;
}

/**
 * The template files of a directory: its top-level `*.json` files except the schema. Sub-directories such as
 * `extras/` are not provisioned unless named with `--template`.
 */
export async function templateFilesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json') && !e.name.endsWith('.schema.json'))
    .map((e) => path.join(dir, e.name))
    .sort();
}

/** The validator for template files, built from the package's schema file. */
export async function loadTemplateValidator(): Promise<TemplateValidator> {
  const schema = JSON.parse(await readFile(path.join(PACKAGE_TEMPLATES_DIR, TEMPLATE_SCHEMA_FILE), 'utf8')) as object;
  return createTemplateValidator(schema);
}

/**
 * Reads, parses and validates template files. Every problem of every file is collected, so one run shows the
 * whole list; templates are returned only when there is none.
 */
export async function loadTemplates(files: string[], validate?: TemplateValidator): Promise<{ templates: LoadedTemplate[]; issues: TemplateIssue[] }> {
  const check = validate ?? (await loadTemplateValidator());
  const templates: LoadedTemplate[] = [];
  const issues: TemplateIssue[] = [];
  for (const file of files) {
    const source = displayPath(file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      issues.push({ source, pointer: '', code: 'unreadable', message: `cannot read the file: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}` });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      issues.push({ source, pointer: '', code: 'invalid_json', message: `not valid JSON: ${(cause as Error).message}` });
      continue;
    }
    const result = check(value, source);
    issues.push(...result.issues);
    if (result.template) templates.push({ source, template: result.template });
  }
  issues.push(...duplicateNameIssues(templates));
  return issues.length > 0 ? { templates: [], issues } : { templates, issues };
}

/** A path as a user recognises it: relative below the working directory, absolute elsewhere. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(file);
}
