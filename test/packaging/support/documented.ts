/**
 * The commands the README and docs/ tell a reader to type: every line of their `sh` code blocks, with its
 * trailing `# comment` removed. The packaging tests run them as written (placeholders such as
 * `https://mcp.example.com/mcp` or `<client_id>` filled in with the test's own server and tokens).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface DocumentedCommand {
  /** `README.md` or `docs/check.md`. */
  file: string;
  line: number;
  /** The command as written, without its comment. */
  command: string;
}

/** Markdown files a reader follows: the README and every page of docs/. */
export function documentationFiles(): string[] {
  return ['README.md', ...readdirSync(path.join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
}

/** Every command line of every `sh` block, in document order. */
export function documentedCommands(files = documentationFiles()): DocumentedCommand[] {
  const commands: DocumentedCommand[] = [];
  for (const file of files) {
    let inShell = false;
    readFileSync(path.join(REPO_ROOT, file), 'utf8')
      .split('\n')
      .forEach((text, index) => {
        const fence = /^\s*```(\S*)/.exec(text);
        if (fence) {
          inShell = !inShell && ['sh', 'bash', 'shell', 'console'].includes(fence[1]);
          return;
        }
        if (!inShell) return;
        const command = text.replace(/(^|\s+)#(\s.*)?$/, '').trim();
        if (command) commands.push({ file, line: index + 1, command });
      });
  }
  return commands;
}

/** The installed-package form: `npx clerk-mcp-issuer …`, possibly at the end of a pipe. */
export const isInstalledCli = (c: DocumentedCommand) => /(^|\|\s*)npx clerk-mcp-issuer(\s|$)/.test(c.command);
/** The checkout form: an npm script of this repository that runs a CLI command. */
export const isCheckoutCli = (c: DocumentedCommand) => /^npm run (cli|check|keys|provision)(\s|$)/.test(c.command);
/** A clone's first steps: install, start the example, run the tests. */
export const isCloneStep = (c: DocumentedCommand) => /^npm (install|ci|start|test)(\s|&&|$)/.test(c.command) && c.file === 'README.md';

/** The body of the first fenced block of `lang` under the `## heading` of a markdown file. */
export function fencedBlock(file: string, heading: string, lang: string): string {
  const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no section "${heading}"`);
  const end = text.indexOf('\n## ', start + heading.length + 2);
  const section = text.slice(start, end < 0 ? undefined : end);
  const block = new RegExp('\\n```' + lang + '\\n([\\s\\S]*?)\\n```').exec(section);
  if (!block) throw new Error(`${file} "${heading}" has no \`\`\`${lang} block`);
  return `${block[1]}\n`;
}
