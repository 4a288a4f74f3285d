/**
 * The example app on a loopback origin, a headless Chromium and a client callback recorder: what every browser
 * test of the example starts, and stops with `close()`. Screenshots go to `ARTIFACTS`.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { createExampleApp, type ExampleApp, type ExampleConfig } from '../../examples/app.js';
import { startLoopbackServer, type LoopbackServer } from '../../src/testing/index.js';
import { startCallbackRecorder, type CallbackRecorder } from './callbackRecorder.js';
import { launchChromium } from './chromium.js';

/** Where the browser tests leave their screenshots (looked at by people, not asserted). */
export const ARTIFACTS = new URL('../../test-artifacts/browser/', import.meta.url);

export interface ExampleInChromium {
  browser: Browser;
  server: LoopbackServer;
  example: ExampleApp;
  callback: CallbackRecorder;
  /** The example's origin: its issuer. */
  issuer: string;
  close(): Promise<void>;
}

/** Starts the example (`config` on top of its dev defaults), Chromium and a callback recorder. */
export async function startExampleInChromium(config: Partial<ExampleConfig> = {}): Promise<ExampleInChromium> {
  const browser = await launchChromium();
  const server = await startLoopbackServer();
  const example = await createExampleApp({ publicUrl: server.origin, logLevel: 'error', ...config });
  server.serve(example.app);
  const callback = await startCallbackRecorder();
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    browser,
    server,
    example,
    callback,
    issuer: server.origin,
    async close() {
      await browser.close();
      await server.close();
      await callback.close();
    },
  };
}
