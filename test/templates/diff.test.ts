import assert from 'node:assert/strict';
import { planHasChanges, planTemplates } from '../../src/templates/diff.js';
import type { LoadedTemplate, RemoteTemplate } from '../../src/templates/definition.js';

const local = (template: LoadedTemplate['template']): LoadedTemplate => ({ source: 'clerk-templates/t.json', template });
const remote = (t: Partial<RemoteTemplate>): RemoteTemplate => ({ id: 'jtmp_1', name: 'mcp-id-token', claims: {}, lifetime: 60, allowedClockSkew: 5, ...t });

describe('planTemplates', () => {
  it('a template the instance lacks - create, with every claim as an addition and the POST body', () => {
    const [plan] = planTemplates([local({ name: 'mcp-id-token', claims: { email: '{{user.primary_email_address}}' }, lifetime: 60 })], []);
    assert.deepEqual(plan, {
      name: 'mcp-id-token',
      source: 'clerk-templates/t.json',
      action: 'create',
      changes: [
        { path: 'claims.email', kind: 'added', to: '{{user.primary_email_address}}' },
        { path: 'lifetime', kind: 'added', to: 60 },
      ],
      body: { name: 'mcp-id-token', claims: { email: '{{user.primary_email_address}}' }, lifetime: 60 },
    });
  });

  it('equal claims in another key order, same numbers - unchanged, no body', () => {
    const plan = planTemplates(
      [local({ name: 'mcp-id-token', claims: { a: 1, b: { x: [1, 2], y: null } }, lifetime: 60, allowedClockSkew: 5 })],
      [remote({ claims: { b: { y: null, x: [1, 2] }, a: 1 } })],
    );
    assert.deepEqual(plan, [{ name: 'mcp-id-token', source: 'clerk-templates/t.json', action: 'unchanged', id: 'jtmp_1', changes: [] }]);
    assert.equal(planHasChanges(plan), false);
  });

  it('a changed, an added and a removed claim - update with a PATCH body of name and claims', () => {
    const [plan] = planTemplates(
      [local({ name: 'mcp-id-token', claims: { email: '{{user.primary_email_address}}', picture: '{{user.image_url}}' } })],
      [remote({ claims: { email: '{{user.email}}', legacy: 'x' }, lifetime: 120, allowedClockSkew: 10 })],
    );
    assert.equal(plan.action, 'update');
    assert.equal(plan.id, 'jtmp_1');
    assert.deepEqual(plan.changes, [
      { path: 'claims.email', kind: 'changed', from: '{{user.email}}', to: '{{user.primary_email_address}}' },
      { path: 'claims.picture', kind: 'added', to: '{{user.image_url}}' },
      { path: 'claims.legacy', kind: 'removed', from: 'x' },
    ]);
    // Unmanaged numbers are sent back as the instance holds them, so a PATCH never resets them.
    assert.deepEqual(plan.body, { name: 'mcp-id-token', claims: { email: '{{user.primary_email_address}}', picture: '{{user.image_url}}' }, lifetime: 120, allowedClockSkew: 10 });
  });

  it('lifetime and allowed_clock_skew - compared only when the file sets them', () => {
    const claims = { email: 'x' };
    assert.equal(planTemplates([local({ name: 'mcp-id-token', claims })], [remote({ claims, lifetime: 999, allowedClockSkew: 42 })])[0].action, 'unchanged');
    const [plan] = planTemplates([local({ name: 'mcp-id-token', claims, lifetime: 60, allowedClockSkew: 5 })], [remote({ claims, lifetime: 999, allowedClockSkew: 42 })]);
    assert.deepEqual(plan.changes, [
      { path: 'lifetime', kind: 'changed', from: 999, to: 60 },
      { path: 'allowed_clock_skew', kind: 'changed', from: 42, to: 5 },
    ]);
    assert.deepEqual(plan.body, { name: 'mcp-id-token', claims, lifetime: 60, allowedClockSkew: 5 });
  });

  it('templates on the instance that no file names - left alone (never deleted, not in the plan)', () => {
    const plan = planTemplates([], [remote({ name: 'someone-elses' })]);
    assert.deepEqual(plan, []);
  });
});
