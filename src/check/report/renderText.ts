/**
 * The readable report: one line per finding — verdict, check id, what was seen, the rule and the clients that
 * enforce it, and for a warning or failure the fix — grouped by the part of the OAuth surface, in walk order.
 */
import { CHECKS, SECTIONS, type Section } from '../catalogue.js';
import type { Finding } from '../finding.js';
import type { CheckReport } from '../runCheck.js';

const LABEL = { pass: 'pass', warn: 'WARN', fail: 'FAIL' } as const;

export function renderText(report: CheckReport): string {
  const lines = [`clerk-mcp-issuer check ${report.url}`, `issuer ${JSON.stringify(report.issuer)}, from the ${report.issuerSource}`];
  for (const section of Object.keys(SECTIONS) as Section[]) {
    const inSection = report.findings.filter((f) => CHECKS[f.id].section === section);
    if (inSection.length === 0) continue;
    lines.push('', SECTIONS[section]);
    const width = Math.max(...inSection.map((f) => f.id.length));
    for (const f of inSection) lines.push(`  ${renderLine(f, width)}`);
  }
  const { pass, warn, fail } = report.summary;
  lines.push('', `${report.findings.length} checks: ${pass} pass, ${warn} warn, ${fail} fail`);
  return `${lines.join('\n')}\n`;
}

export function renderLine(f: Finding, width = f.id.length): string {
  const who = f.enforcedBy.length > 0 ? ` · ${f.enforcedBy.join(', ')}` : '';
  return `${LABEL[f.status]}  ${f.id.padEnd(width)}  ${f.message}  [${f.rule}${who}]${f.fix ? ` → fix: ${f.fix}` : ''}`;
}
