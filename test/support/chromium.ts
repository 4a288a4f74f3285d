/**
 * Debian's Chromium, driven by playwright-core: the real browser for the sign-in and consent walk.
 * Playwright's own browser download (`npx playwright install`) does not work on this project's machines, so
 * the test uses the system package; when it is missing the suite fails (never skips) and says how to install it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The flags this machine needs: no sandbox (root in a container), no GPU, and no background networking —
 * without those, Chromium keeps trying Google's hosts through a closed network. `launch()` gives every run a
 * fresh temporary profile (`--user-data-dir`) by itself.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `extraArgs`: e.g. `--host-resolver-rules=…` to give loopback servers real-looking host names. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's chromium: ` +
        '`apt-get update && apt-get install -y --no-install-recommends chromium` (as .ci/run does); `npx playwright install` does not work here.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...ARGS, ...extraArgs] });
}
