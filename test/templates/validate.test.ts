import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CLERK_RESERVED_CLAIMS, CLERK_SESSION_ONLY_CLAIMS, ID_TOKEN_ENVELOPE_CLAIMS } from '../../src/templates/claims.js';
import { PACKAGE_TEMPLATES_DIR, TEMPLATE_SCHEMA_FILE } from '../../src/templates/load.js';
import { createTemplateValidator, duplicateNameIssues, type TemplateValidator } from '../../src/templates/validate.js';

describe('validate template files', () => {
  let validate: TemplateValidator;
  before(async () => {
    validate = createTemplateValidator(JSON.parse(await readFile(path.join(PACKAGE_TEMPLATES_DIR, TEMPLATE_SCHEMA_FILE), 'utf8')));
  });
  const ok = { name: 'mcp-id-token', claims: { email: '{{user.primary_email_address}}' } };

  it('a minimal template - name and claims; lifetime and clock skew stay unmanaged', () => {
    assert.deepEqual(validate(ok, 'a.json'), { template: { name: 'mcp-id-token', claims: { email: '{{user.primary_email_address}}' } }, issues: [] });
  });

  it('lifetime and allowed_clock_skew - carried over, within Clerk\'s bounds (30..315360000, 0..300)', () => {
    assert.deepEqual(validate({ ...ok, lifetime: 30, allowed_clock_skew: 0 }, 'a.json').template, { ...ok, lifetime: 30, allowedClockSkew: 0 });
    const { issues } = validate({ ...ok, lifetime: 29, allowed_clock_skew: 301 }, 'a.json');
    assert.deepEqual(issues.map((i) => [i.pointer, i.code]), [['/lifetime', 'schema'], ['/allowed_clock_skew', 'schema']]);
  });

  it('"iss" - refused, explaining that Clerk sets its Frontend API URL and the middleware sets our issuer', () => {
    const { template, issues } = validate({ ...ok, claims: { ...ok.claims, iss: 'https://mcp.example.com' } }, 'a.json');
    assert.equal(template, undefined);
    assert.equal(issues.length, 1);
    assert.equal(issues[0].pointer, '/claims/iss');
    assert.equal(issues[0].code, 'forbidden_claim');
    assert.match(issues[0].message, /Frontend API URL/);
    assert.match(issues[0].message, /jwt_template_reserved_claim/);
    assert.match(issues[0].message, /middleware .* sets "iss" to your MCP issuer itself/);
  });

  for (const claim of [...CLERK_RESERVED_CLAIMS, ...CLERK_SESSION_ONLY_CLAIMS, ...ID_TOKEN_ENVELOPE_CLAIMS]) {
    it(`"${claim}" - refused once, with a reason`, () => {
      const { issues } = validate({ ...ok, claims: { [claim]: 'x' } }, 'a.json');
      assert.deepEqual(issues.map((i) => [i.pointer, i.code]), [[`/claims/${claim}`, 'forbidden_claim']]);
    });
  }

  it('private_metadata - refused anywhere in the claims, also inside interpolation and nested values', () => {
    const { issues } = validate({ ...ok, claims: { a: '{{user.private_metadata}}', b: { c: ['x', 'id {{user.private_metadata.tier}}'] } } }, 'a.json');
    assert.deepEqual(issues.map((i) => [i.pointer, i.code]), [['/claims/a', 'private_metadata'], ['/claims/b/c/1', 'private_metadata']]);
    assert.match(issues[0].message, /browser can mint/);
  });

  it('schema - unknown members, missing name, bad name, non-object claims; every issue of a file at once', () => {
    const { issues } = validate({ claims: [], custom_signing_key: true }, 'a.json');
    assert.deepEqual(issues.map((i) => i.pointer).sort(), ['/', '/', '/claims'].sort());
    assert.ok(issues.some((i) => /unknown member "custom_signing_key"/.test(i.message)));
    assert.ok(issues.some((i) => /missing member "name"/.test(i.message)));
    assert.deepEqual(validate({ ...ok, name: 'has space' }, 'a.json').issues.map((i) => i.pointer), ['/name']);
  });

  it('static JSON values of every type - allowed', () => {
    const claims = { s: 'x', n: 1, b: true, z: null, a: [1, 'two'], obj: { nested: '{{user.public_metadata.profile}}' } };
    assert.deepEqual(validate({ ...ok, claims }, 'a.json').issues, []);
  });

  it('duplicateNameIssues - a name in two files is reported on the second', () => {
    const t = { name: 'mcp-id-token', claims: {} };
    assert.deepEqual(duplicateNameIssues([{ source: 'a.json', template: t }, { source: 'b.json', template: t }]).map((i) => [i.source, i.code]), [['b.json', 'duplicate_name']]);
  });
});
