/**
 * Loads a built webview (media/dist/<bundle>.js) in real headless Chromium, inside the same HTML
 * shell and CSP the extension uses, with a stub `acquireVsCodeApi` whose messages go to a host
 * function in the test. Skips (with the reason printed) only when /usr/bin/chromium is missing.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { nonce, pageHtml } from '../../src/webviews/html';

/** Browser globals inside page.evaluate callbacks (this tsconfig has no DOM lib). */
declare const window: any, document: any;

export const CHROMIUM = '/usr/bin/chromium';
/** Headless system Chromium with the flags this machine needs (no sandbox, no network chatter). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
export const chromiumMissing = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (install it: apt-get install -y chromium)`;
if (chromiumMissing) console.log(`# SKIP webview UI tests: ${chromiumMissing}`);

const ROOT = path.resolve(__dirname, '../..');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** Answers one message from the webview; returns messages to post back (init, response, error). */
/** The stub VS Code API: records posts and relays them to the test's host function. */
const STUB_VSCODE_API = `
window.__posted = [];
window.acquireVsCodeApi = () => ({
  postMessage(m) {
    window.__posted.push(m);
    window.__host(m).then((replies) => replies.forEach((r) => window.postMessage(r, '*')));
  },
  getState() { return undefined; },
  setState() {},
});`;

export type Host = (msg: any) => unknown[] | Promise<unknown[]>;

export type WebviewPage = Page & {
  /** Everything the webview posted, in order. */
  posted(): Promise<any[]>;
  /** Posts a host → webview message (an event). */
  push(msg: unknown): Promise<void>;
  /** Script errors, console errors and CSP violations seen so far. */
  errors: string[];
};

export interface WebviewHarness {
  browser: Browser;
  open(bundle: 'form' | 'inspector' | 'message', host: Host): Promise<WebviewPage>;
  close(): Promise<void>;
}

export async function startWebviewHarness(): Promise<WebviewHarness> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (url.pathname.startsWith('/page/')) {
      const bundle = url.pathname.slice(6);
      const origin = `http://${req.headers.host}`;
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(pageHtml({ title: bundle, cspSource: origin, nonce: nonce(), scriptUri: `${origin}/media/dist/${bundle}.js`, styleUri: `${origin}/media/webview.css` }));
      return;
    }
    const file = path.join(ROOT, path.normalize(url.pathname));
    if (!file.startsWith(path.join(ROOT, 'media')) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  return {
    browser,
    async open(bundle, host) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      await page.exposeFunction('__host', async (msg: unknown) => host(msg));
      // A string, not a function: tsx would add helpers (__name) the page does not have.
      await page.addInitScript({ content: STUB_VSCODE_API });
      await page.goto(`${base}/page/${bundle}`);
      return Object.assign(page, {
        posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
        push: (msg: unknown) => page.evaluate((m) => window.postMessage(m, '*'), msg),
        errors,
      });
    },
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
