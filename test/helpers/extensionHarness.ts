/**
 * Runs the extension's host code against the fake `vscode` and the real dist/emulator.js:
 * `activateExtension()` calls the real `activate` with a fake ExtensionContext.
 */
import './vscodeHook';
import * as path from 'node:path';
import { fake, resetFake, Uri } from './fakeVscode';
import { tempDir } from './emulatorProcess';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** Polls until `cond` holds (real time; a wait, not a timing assertion). */
export async function waitFor<T>(cond: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class FakeSecretStorage {
  readonly data = new Map<string, string>();
  get = async (k: string) => this.data.get(k);
  store = async (k: string, v: string) => void this.data.set(k, v);
  delete = async (k: string) => void this.data.delete(k);
  onDidChange = () => ({ dispose() {} });
}

/** Settings that never collide with other tests or a real emulator on 8780/2525. */
export const TEST_SETTINGS = {
  'mailtrapEmulator.httpPort': 0,
  'mailtrapEmulator.smtpPort': 0,
  'mailtrapEmulator.dataLocation': 'memory',
};

export async function activateExtension(settings: Record<string, unknown> = {}, storage = tempDir('mt-ext-')) {
  resetFake();
  for (const [k, v] of Object.entries({ ...TEST_SETTINGS, ...settings })) fake.settings.set(k, v);
  const ext = await import('../../src/extension');
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file(REPO_ROOT),
    storageUri: Uri.file(path.join(storage, 'workspace')),
    globalStorageUri: Uri.file(path.join(storage, 'global')),
    secrets: new FakeSecretStorage(),
  };
  ext.activate(context as never);
  return {
    context,
    ext,
    async dispose() {
      await ext.deactivate();
      for (const d of context.subscriptions) d.dispose();
    },
  };
}

export { fake };
