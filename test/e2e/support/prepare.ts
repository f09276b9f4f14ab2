/**
 * What the real-VS-Code suites need before they start: the e2e cache (scripts/e2e/setup.mjs installs
 * what is missing), the in-host mocha suite bundled to JS, and the packaged .vsix.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { Paths } from './codeServer';

export const ROOT = path.resolve(__dirname, '../../..');
export const RESULTS = path.join(ROOT, 'test-results');

export async function e2ePaths(): Promise<Paths> {
  const { setup } = (await import(path.join(ROOT, 'scripts/e2e/setup.mjs'))) as { setup: () => Paths };
  return setup();
}

/** test/e2e/exthost → .vscode-test/exthost/index.js (mocha resolves from the project's node_modules). */
export async function bundleHostSuite(): Promise<string> {
  const outfile = path.join(ROOT, '.vscode-test', 'exthost', 'index.js');
  await build({
    entryPoints: [path.join(ROOT, 'test/e2e/exthost/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}

/** `npm run package` → the .vsix a user installs. */
export function packageVsix(): string {
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return path.join(ROOT, 'mailtrap-webhooks-emulator.vsix');
}

/** A fresh, empty workspace folder. */
export function tempWorkspace(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mt-ws-'));
}

/** Emulator settings for tests: free ports (the machine is shared), nothing on disk. */
export const TEST_SETTINGS = {
  'mailtrapEmulator.httpPort': 0,
  'mailtrapEmulator.smtpPort': 0,
  'mailtrapEmulator.dataLocation': 'memory',
} as const;

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every window's running emulator, as the extension records it in its global storage (`emulators/<pid>.json`). */
export function emulatorRecords(userDataDir: string): { pid: number; http: string; token: string; workspace: string }[] {
  const out: string[] = [];
  const find = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isFile() && /^\d+\.json$/.test(e.name) && path.basename(dir) === 'emulators') out.push(p);
      else if (e.isDirectory()) find(p);
    }
  };
  find(userDataDir);
  if (!out.length) throw new Error('the extension recorded no running emulator');
  return out.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
}
