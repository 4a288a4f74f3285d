/**
 * The machine-readable report (`--json`): the findings exactly as the checks produced them, plus the summary.
 * Its shape is the `CheckReport` type; a finding is `{ id, status, rule, enforcedBy, message, fix?, url? }`.
 */
import type { CheckReport } from '../runCheck.js';

export function renderJson(report: CheckReport): string {
  const { url, issuer, issuerSource, ok, summary, findings } = report;
  return `${JSON.stringify({ url, issuer, issuerSource, ok, summary, findings }, null, 2)}\n`;
}
