import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { CHECKS } from '../../src/check/catalogue.js';
import { fail, pass, summarize, warn } from '../../src/check/finding.js';
import { renderJson } from '../../src/check/report/renderJson.js';
import { renderLine, renderText } from '../../src/check/report/renderText.js';
import type { CheckReport } from '../../src/check/runCheck.js';

const findings = [
  pass('mcp.challenge', '401 with Bearer resource_metadata="https://h/.well-known/oauth-protected-resource/mcp"'),
  fail('prm.resource', 'resource "https://h/mcp/" is not the MCP URL "https://h/mcp" (trailing slash)', { fix: 'serve "resource": "https://h/mcp"', url: 'https://h/.well-known/oauth-protected-resource/mcp' }),
  warn('as.iss_parameter', 'authorization_response_iss_parameter_supported is (absent)', { fix: 'advertise it' }),
];
const report: CheckReport = { url: 'https://h/mcp', issuer: 'https://h', issuerSource: 'protected resource metadata, authorization_servers[0]', findings, summary: summarize(findings), ok: false };

describe('check: the report', () => {
  it('finding() - rule and enforcing clients come from the catalogue; a pass carries no fix', () => {
    assert.deepEqual(pass('as.pkce', 'ok', { fix: 'never shown' }), { id: 'as.pkce', status: 'pass', rule: CHECKS['as.pkce'].rule, enforcedBy: CHECKS['as.pkce'].enforcedBy, message: 'ok' });
  });

  it('renderLine() - verdict, id, message, [rule · clients], fix: one line', () => {
    assert.equal(
      renderLine(findings[1]),
      'FAIL  prm.resource  resource "https://h/mcp/" is not the MCP URL "https://h/mcp" (trailing slash)  [RFC 9728 §3.3 · VS Code, oauth4webapi, MCP SDK v1, MCP SDK v2, MCP Inspector] → fix: serve "resource": "https://h/mcp"',
    );
    assert.equal(renderLine(pass('prm.consistent', 'same')), 'pass  prm.consistent  same  [RFC 9728 §3]');
  });

  it('renderText() - grouped by step in walk order, with the summary last', () => {
    const text = renderText(report);
    assert.equal(
      text,
      [
        'clerk-mcp-issuer check https://h/mcp',
        'issuer "https://h", from the protected resource metadata, authorization_servers[0]',
        '',
        'MCP endpoint and protected resource metadata',
        `  ${renderLine(findings[0], 'mcp.challenge'.length)}`,
        `  ${renderLine(findings[1], 'mcp.challenge'.length)}`,
        '',
        'Authorization server metadata and keys',
        `  ${renderLine(findings[2])}`,
        '',
        '3 checks: 1 pass, 1 warn, 1 fail',
        '',
      ].join('\n'),
    );
  });

  it('renderJson() - parses back to the report', () => {
    assert.deepEqual(JSON.parse(renderJson(report)), JSON.parse(JSON.stringify({ url: report.url, issuer: report.issuer, issuerSource: report.issuerSource, ok: false, summary: report.summary, findings })));
  });

  it('docs/check.md - lists every check with its rule and enforcing clients, as the catalogue defines them', async () => {
    const doc = await readFile(new URL('../../docs/check.md', import.meta.url), 'utf8');
    for (const [id, { title, rule, enforcedBy }] of Object.entries(CHECKS)) {
      const row = `| \`${id}\` | ${title.replace(/\|/g, '\\|')} | ${rule} | ${enforcedBy.length ? enforcedBy.join(', ') : '—'} |`;
      assert.ok(doc.includes(row), `docs/check.md row for ${id}:\n${row}`);
    }
  });
});
