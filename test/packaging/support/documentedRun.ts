/**
 * Runs a documented CLI command as written, against things the test owns: the kit on loopback (the harness),
 * the Clerk double's Backend API (`CLERK_SECRET_KEY` / `CLERK_API_URL`, as for every CLI test), and real tokens
 * from a sign-in. The placeholders of the docs are filled in with those; nothing else of the command changes.
 * For `--interactive`, the test signs in and consents where a person would, through the printed URL.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startHarness, type Harness } from '../../support/harness.js';
import { authorizationUrl } from '../../support/authorizationUrl.js';
import type { DocumentedCommand } from './documented.js';
import { explain, sh, type ShellRun } from './shell.js';

const REDIRECT = 'http://127.0.0.1:53690/callback';
const AUTHORIZATION_URL = 'authorization URL: ';

export interface DocumentedWorld {
  harness: Harness;
  /** The environment every documented command gets (Clerk = the double; MCP_SIGNING_KEYS for `printenv`). */
  env: Record<string, string>;
  /** The command with the docs' placeholders replaced by this world's values. */
  fill(command: string): string;
  /** Prepares `cwd` for the command (files it reads), runs it, drives `--interactive`. */
  run(documented: DocumentedCommand, cwd: string): Promise<ShellRun>;
  close(): Promise<void>;
}

export async function startDocumentedWorld(): Promise<DocumentedWorld> {
  const harness = await startHarness();
  const clerkApi = await harness.double.listen();
  try {
    const { browser, sessionId } = await harness.signedInBrowser();
    const clientId = await harness.registerPublicClient({ redirect_uris: [REDIRECT], client_name: 'docs test' });
    const nonce = 'n-0S6_WzA2Mj';
    const request = authorizationUrl(harness.issuerUrl, { clientId, redirectUri: REDIRECT }, { scope: 'openid profile email mcp:tools', state: 'st', nonce, resource: harness.mcpUrl });
    const callback = await browser.authorize(request.url);
    assert.ok(callback && callback.searchParams.get('code'), `a code (last page ${browser.lastPage?.status})`);
    const tokenResponse = await fetch(`${harness.issuerUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: callback.searchParams.get('code')!, code_verifier: request.verifier, redirect_uri: REDIRECT }),
    });
    assert.equal(tokenResponse.status, 200);
    const tokenJson = await tokenResponse.text();
    const idToken = JSON.parse(tokenJson).id_token as string;
    assert.ok(idToken);

    const env = {
      CLERK_SECRET_KEY: harness.double.secretKey,
      CLERK_API_URL: clerkApi.url,
      MCP_SIGNING_KEYS: JSON.stringify(harness.signingKeys),
    };
    const fill = (command: string) =>
      command
        .replaceAll('https://mcp.example.com/mcp', harness.mcpUrl)
        .replaceAll('http://localhost:3000/mcp', harness.mcpUrl)
        .replace(/eyJ[A-Za-z0-9_-]*…/g, idToken)
        .replaceAll('<client_id>', clientId)
        .replaceAll('<nonce>', nonce)
        .replaceAll('sess_…', sessionId);

    return {
      harness,
      env,
      fill,
      async run(documented, cwd) {
        const command = fill(documented.command);
        if (command.includes('tokens.json')) await writeFile(path.join(cwd, 'tokens.json'), tokenJson);
        // A rotation in the docs starts from the key file their first step writes; a block read alone lacks it.
        if (command.includes('--in mcp-signing-keys.json') && !existsSync(path.join(cwd, 'mcp-signing-keys.json'))) {
          await writeFile(path.join(cwd, 'mcp-signing-keys.json'), JSON.stringify(harness.signingKeys));
        }
        const signIns: Promise<void>[] = [];
        const run = await sh(command, {
          cwd,
          env,
          onStderrLine: (line) => {
            if (!line.startsWith(AUTHORIZATION_URL)) return;
            signIns.push(
              (async () => {
                const { browser: person } = await harness.signedInBrowser();
                const back = await person.authorize(line.slice(AUTHORIZATION_URL.length));
                assert.ok(back, `the kit sent the browser back to the CLI (last page ${person.lastPage?.status})`);
                await (await fetch(back)).text();
              })(),
            );
          },
        });
        await Promise.all(signIns);
        return run;
      },
      async close() {
        await clerkApi.close();
        await harness.close();
      },
    };
  } catch (error) {
    await clerkApi.close();
    await harness.close();
    throw error;
  }
}

/** Every documented command exits 0; the message shows which line of which file failed, and its output. */
export function assertRan(documented: DocumentedCommand, run: ShellRun): void {
  assert.equal(run.code, 0, `${documented.file}:${documented.line} \`${documented.command}\`\n${explain(run)}`);
}
