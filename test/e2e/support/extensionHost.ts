/**
 * Runs a mocha suite inside the real extension host of code-server (full `vscode` API), the way
 * VS Code's own smoke-test driver does: the workbench is opened with extensionDevelopmentPath and
 * extensionTestsPath in its `payload`, and the host reports through two exposed functions.
 */
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { startCodeServer, type Paths } from './codeServer';
import { alive } from './prepare';

export interface HostRun {
  exitCode: number;
  log: string[];
  /** One entry per mocha test, from the in-host reporter's `MTRESULT {...}` lines. */
  results: { title: string; state: 'passed' | 'failed'; error?: string }[];
  /** Emulator pids the suite reported (`MTPID n`) that still ran after the host finished: orphans. */
  orphans: number[];
}

export async function runInExtensionHost(opts: {
  paths: Paths;
  browser: Browser;
  workspace: string;
  extensionPath: string;
  testsIndex: string;
  settings?: Record<string, unknown>;
  timeoutMs?: number;
}): Promise<HostRun> {
  const cs = await startCodeServer({ paths: opts.paths, workspace: opts.workspace, smokeDriver: true, settings: opts.settings });
  const context = await opts.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const log: string[] = [];
  try {
    const exited = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
        log.push(`${type}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
      });
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${path.resolve(p)}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(opts.extensionPath)],
      ['extensionTestsPath', remote(opts.testsIndex)],
    ]);
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(opts.workspace)}&payload=${encodeURIComponent(payload)}`);
    const timeout = opts.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await Promise.race([
      exited,
      new Promise<number>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`extension-host tests did not finish within ${timeout} ms; log:\n${log.join('\n')}\n${cs.log().slice(-3000)}`)), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
    const results = log
      .map((l) => /MTRESULT (\{.*\})/.exec(l)?.[1])
      .filter((x): x is string => !!x)
      .map((j) => JSON.parse(j) as HostRun['results'][number]);
    // Checked before code-server stops: stopping kills its whole process group, which would hide an orphan.
    const pids = [...new Set(log.map((l) => /MTPID (\d+)/.exec(l)?.[1]).filter((x): x is string => !!x).map(Number))];
    const deadline = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return { exitCode, log, results, orphans: pids.filter(alive) };
  } finally {
    await context.close();
    await cs.stop();
  }
}
