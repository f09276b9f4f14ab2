/**
 * The emulator's web UI in real headless Chromium (issue 15): the real process (dist/emulator.js
 * with dist/web), a browser page per scenario, screenshots into test-results/web/. Skips (with the
 * reason printed) only when /usr/bin/chromium is missing, like the webview tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { chromiumMissing, launchChromium } from './webviewPage';

export { chromiumMissing };

export const SHOTS = path.resolve(__dirname, '../../test-results/web');

export interface WebUiBrowser {
  browser: Browser;
  /** A fresh context (own cookies) and page; `errors` collects script errors and CSP violations. */
  page(opts?: { colorScheme?: 'light' | 'dark' }): Promise<{ page: Page; context: BrowserContext; errors: string[] }>;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<WebUiBrowser> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await launchChromium();
  return {
    browser,
    async page(opts = {}) {
      const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: opts.colorScheme ?? 'light' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && !/status of 40[134]/.test(m.text()) && errors.push(m.text()));
      return { page, context, errors };
    },
    close: () => browser.close(),
  };
}

export const inspector = (page: Page): FrameLocator => page.frameLocator('#inspector-frame');
export const form = (page: Page): FrameLocator => page.frameLocator('#form-frame');

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Polls `fn` until it returns a truthy value (the UI is live: it converges on the emulator's state). */
export async function until<T>(fn: () => Promise<T>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
