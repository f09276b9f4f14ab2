/**
 * Helpers for the suites that run inside the real extension host: the extension's test exports,
 * condition waits (never fixed sleeps as assertions), and a small authenticated fetch.
 */
import * as vscode from 'vscode';
import type { ExtensionExports } from '../../../src/extension';

export const EXTENSION_ID = 'mailtrap-emulator.mailtrap-webhooks-emulator';

export async function extensionExports(): Promise<ExtensionExports> {
  const ext = vscode.extensions.getExtension<ExtensionExports>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** Polls `probe` until it returns a truthy value; the timeout error says what was awaited. */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 30_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as Truthy<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reported to the runner outside: every emulator pid seen, checked for orphans after the host exits. */
export function reportPid(pid: number | undefined): void {
  if (pid) console.log(`MTPID ${pid}`);
}

/** The running emulator (waits for it), with its pid reported. */
export async function running(x: ExtensionExports) {
  const ready = await waitFor('the emulator to be running', () => x.controller.state === 'running' && x.controller.ready);
  const pid = x.controller.supervisor.pid!;
  reportPid(pid);
  return { ready, pid, api: x.controller.api! };
}

export async function getJson<T>(base: string, token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * Runs a command the way the palette does (no arguments) and closes whatever quick pick or input
 * box it opens, as a user pressing Escape would; resolves when the command has finished.
 */
export async function runDismissing(command: string, ...args: unknown[]): Promise<unknown> {
  let done = false;
  const run = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => (done = true));
  const closer = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 250));
      if (!done) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
  })();
  const result = await Promise.race([
    run,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${command} did not finish within 20 s`)), 20_000)),
  ]);
  await closer;
  return result;
}

export function tabLabels(): string[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
}
