/**
 * A finding: one check's verdict on one thing it looked at. Pure check functions return findings; the walker
 * collects them; the renderers print them. `rule` and `enforcedBy` come from the catalogue, so every finding
 * names the spec section and the clients that reject a violation.
 */
import { CHECKS, type CheckId } from './catalogue.js';
import type { ClientName } from './clients.js';

/** `warn`: clients we know still work, but a rule is bent or a stricter client may refuse. */
export type Status = 'pass' | 'warn' | 'fail';

export interface Finding {
  id: CheckId;
  status: Status;
  rule: string;
  enforcedBy: readonly ClientName[];
  /** What was seen, with the exact values compared. */
  message: string;
  /** What to change on the server; absent on a pass. */
  fix?: string;
  /** The URL the finding is about, when there are several of a kind (e.g. one per metadata location). */
  url?: string;
}

export interface FindingDetails {
  fix?: string;
  url?: string;
}

export function finding(id: CheckId, status: Status, message: string, details: FindingDetails = {}): Finding {
  const { rule, enforcedBy } = CHECKS[id];
  return {
    id,
    status,
    rule,
    enforcedBy,
    message,
    ...(status !== 'pass' && details.fix ? { fix: details.fix } : {}),
    ...(details.url ? { url: details.url } : {}),
  };
}

export const pass = (id: CheckId, message: string, details?: FindingDetails) => finding(id, 'pass', message, details);
export const warn = (id: CheckId, message: string, details?: FindingDetails) => finding(id, 'warn', message, details);
export const fail = (id: CheckId, message: string, details?: FindingDetails) => finding(id, 'fail', message, details);

export interface Summary {
  pass: number;
  warn: number;
  fail: number;
}

export function summarize(findings: readonly Finding[]): Summary {
  const summary: Summary = { pass: 0, warn: 0, fail: 0 };
  for (const f of findings) summary[f.status]++;
  return summary;
}

/** Quotes a value as it appears on the wire, so a trailing slash or a `null` is visible in the message. */
export function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}
