import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { FORBIDDEN_TEMPLATE_CLAIMS } from '../../src/templates/claims.js';
import { loadTemplates, PACKAGE_TEMPLATES_DIR, TEMPLATE_SCHEMA_FILE, templateFilesIn } from '../../src/templates/load.js';

const schemaPath = path.join(PACKAGE_TEMPLATES_DIR, TEMPLATE_SCHEMA_FILE);

async function allTemplateFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json') && !e.name.endsWith('.schema.json'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('clerk-templates/', () => {
  it('template.schema.json - refuses exactly the claims src/templates/claims.ts forbids (editors and CLI agree)', async () => {
    const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
    assert.deepEqual([...schema.properties.claims.propertyNames.not.enum].sort(), [...FORBIDDEN_TEMPLATE_CLAIMS].sort());
  });

  it('every template file - valid, and its $schema points at template.schema.json', async () => {
    const files = await allTemplateFiles(PACKAGE_TEMPLATES_DIR);
    assert.ok(files.length >= 2);
    for (const file of files) {
      const json = JSON.parse(await readFile(file, 'utf8'));
      assert.equal(path.resolve(path.dirname(file), json.$schema), schemaPath, `${file} $schema`);
    }
    const { templates, issues } = await loadTemplates(files.filter((f) => !f.includes(`${path.sep}extras${path.sep}`)));
    assert.deepEqual(issues, []);
    assert.equal(templates.length, 1);
    const extras = await loadTemplates(files.filter((f) => f.includes(`${path.sep}extras${path.sep}`)));
    assert.deepEqual(extras.issues, []);
  });

  it('the default set - only mcp-id-token, with the standard OIDC profile and email claims from Clerk shortcodes', async () => {
    const files = await templateFilesIn(PACKAGE_TEMPLATES_DIR);
    assert.deepEqual(files.map((f) => path.basename(f)), ['mcp-id-token.json']);
    const { templates } = await loadTemplates(files);
    assert.deepEqual(templates[0].template, {
      name: 'mcp-id-token',
      claims: {
        name: '{{user.full_name}}',
        given_name: '{{user.first_name}}',
        family_name: '{{user.last_name}}',
        preferred_username: '{{user.username}}',
        picture: '{{user.image_url}}',
        email: '{{user.primary_email_address}}',
        email_verified: '{{user.email_verified}}',
      },
      lifetime: 60,
      allowedClockSkew: 5,
    });
  });

  it('extras/ - the organization and public-metadata variant keeps the name mcp-id-token, so it replaces the default', async () => {
    const { templates } = await loadTemplates([path.join(PACKAGE_TEMPLATES_DIR, 'extras', 'mcp-id-token-with-org.json')]);
    assert.equal(templates[0].template.name, 'mcp-id-token');
    assert.equal(templates[0].template.claims.org_id, '{{org.id}}');
    assert.equal(templates[0].template.claims.public_metadata, '{{user.public_metadata}}');
  });
});
