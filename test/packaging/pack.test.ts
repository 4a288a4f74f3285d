/**
 * The package as a user gets it: `npm pack` (prepack builds dist/), installed from the tarball into scratch
 * projects, one ESM and one CommonJS, with nothing of this repository beside them. Every `npx clerk-mcp-issuer …`
 * line of the README and docs/ runs there as written; `require()` and `import` load both entry points; the
 * README's test file passes under `node --test` and exits; the tarball holds LICENSE and no test files, and its
 * source maps carry the sources they name.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { documentedCommands, fencedBlock, isInstalledCli, REPO_ROOT } from './support/documented.js';
import { assertRan, startDocumentedWorld, type DocumentedWorld } from './support/documentedRun.js';
import { explain, scratchDir, sh } from './support/shell.js';

interface PackedFile {
  path: string;
}

describe('packaging: the packed tarball in scratch projects (ESM and CommonJS)', function () {
  this.timeout(300_000);
  let scratch: { dir: string; remove(): Promise<void> };
  let tarball: string;
  let files: string[];
  const projects = { esm: '', cjs: '' };

  before(async () => {
    scratch = await scratchDir('pack');
    const packed = await sh(`npm pack --json --pack-destination "${scratch.dir}"`, { cwd: REPO_ROOT, timeoutMs: 180_000 });
    assert.equal(packed.code, 0, explain(packed));
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: PackedFile[] }>;
    tarball = path.join(scratch.dir, info.filename);
    files = info.files.map((f) => f.path);
    for (const [kind, type] of [['esm', 'module'], ['cjs', 'commonjs']] as const) {
      const dir = path.join(scratch.dir, kind);
      await mkdir(dir);
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: `scratch-${kind}`, private: true, type }));
      const install = await sh(`npm install "${tarball}" express`, { cwd: dir, timeoutMs: 180_000 });
      assert.equal(install.code, 0, explain(install));
      projects[kind] = dir;
    }
  });
  after(() => scratch?.remove());

  describe('the tarball', () => {
    it('holds LICENSE, README, package.json, the entry points, the CLI, the templates and the docs', () => {
      for (const file of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'dist/cli/main.js', 'clerk-templates/mcp-id-token.json', 'docs/check.md']) {
        assert.ok(files.includes(file), `${file} is in the tarball`);
      }
    });

    it('holds no tests, sources, examples, bench, vendored specs or CI files', () => {
      const stray = files.filter((f) => /^(test|src|examples|bench|scripts|\.ci)\//.test(f) || /\.test\.[jt]s$/.test(f) || f.startsWith('tsconfig'));
      assert.deepEqual(stray, []);
    });

    it('every source map carries the sources it names (src/ is not shipped)', async () => {
      const maps = files.filter((f) => f.endsWith('.map'));
      assert.ok(maps.length > 0);
      const root = path.join(projects.esm, 'node_modules', 'clerk-mcp-issuer');
      for (const map of maps) {
        const { sources, sourcesContent } = JSON.parse(await readFile(path.join(root, map), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
        sources.forEach((source, i) => {
          const shipped = files.includes(path.posix.join(path.posix.dirname(map), source));
          assert.ok(shipped || typeof sourcesContent?.[i] === 'string', `${map}: ${source} is neither shipped nor inlined`);
        });
      }
    });

    it('LICENSE is the MIT license of the clerk-mcp-issuer contributors', async () => {
      const license = await readFile(path.join(projects.esm, 'node_modules', 'clerk-mcp-issuer', 'LICENSE'), 'utf8');
      assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 clerk-mcp-issuer contributors\n/);
    });
  });

  describe('loading it', () => {
    it('CommonJS: require() of clerk-mcp-issuer and clerk-mcp-issuer/testing (Node ≥ 20.19 require(esm))', async () => {
      const script = "const { createMcpIssuer } = require('clerk-mcp-issuer'); const { createDevClerk, getAccessToken } = require('clerk-mcp-issuer/testing'); console.log(typeof createMcpIssuer, typeof createDevClerk, typeof getAccessToken);";
      await writeFile(path.join(projects.cjs, 'load.js'), script);
      const run = await sh('node load.js', { cwd: projects.cjs });
      assert.equal(run.code, 0, explain(run));
      assert.equal(run.stdout, 'function function function\n');
    });

    it('ESM: import of clerk-mcp-issuer and clerk-mcp-issuer/testing', async () => {
      const script = "import { createMcpIssuer } from 'clerk-mcp-issuer'; import { createDevClerk, getAccessToken } from 'clerk-mcp-issuer/testing'; console.log(typeof createMcpIssuer, typeof createDevClerk, typeof getAccessToken);";
      await writeFile(path.join(projects.esm, 'load.js'), script);
      const run = await sh('node load.js', { cwd: projects.esm });
      assert.equal(run.code, 0, explain(run));
      assert.equal(run.stdout, 'function function function\n');
    });

    it("the README's test file (\"Testing your own MCP server\") passes under node --test and exits", async () => {
      await mkdir(path.join(projects.esm, 'test'), { recursive: true });
      await writeFile(path.join(projects.esm, 'test', 'mcp.test.mjs'), fencedBlock('README.md', '## Testing your own MCP server', 'js'));
      const run = await sh('node --test', { cwd: projects.esm, timeoutMs: 60_000 });
      assert.equal(run.code, 0, explain(run));
      assert.match(run.stdout, /^# pass 2$/m);
      assert.match(run.stdout, /^# fail 0$/m);
    });
  });

  describe('every documented `npx clerk-mcp-issuer …` line, as written', () => {
    let world: DocumentedWorld;
    before(async () => {
      world = await startDocumentedWorld();
    });
    after(() => world?.close());

    const commands = documentedCommands().filter(isInstalledCli);
    it('the docs document the CLI commands this checks', () => {
      for (const form of ['--help', 'keys generate', 'keys public', 'keys rotate', 'keys retire', 'provision --dry-run', 'provision --verify', 'check https://mcp.example.com/mcp', '--interactive', '--token-response', '--id-token']) {
        assert.ok(commands.some((c) => c.command.includes(form)), form);
      }
    });

    for (const kind of ['esm', 'cjs'] as const) {
      for (const documented of commands) {
        it(`${kind}: ${documented.file}:${documented.line} \`${documented.command}\` exits 0`, async () => {
          const run = await world.run(documented, projects[kind]);
          assertRan(documented, run);
          if (/ check /.test(documented.command) && !documented.command.includes('--json')) assert.match(run.stdout, /\n\d+ checks: \d+ pass, 0 warn, 0 fail\n$/);
        });
      }
    }
  });
});
