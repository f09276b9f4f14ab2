/**
 * Runs `dist/emulator.js` as its own process, as the CLI and the extension do: its signal
 * handling, store and ports are its own, and nothing a user's test does to its own process
 * (fake timers, signal handlers, exit) reaches inside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export interface ReadyLine {
  ready: true;
  http: string;
  httpPort: number;
  smtpPort: number;
  token: string;
  accountId: number;
  dataDir: string | null;
}

/** The emulator bundle: beside this library in the package (dist/lib → dist), or dist/ of a checkout. */
export function emulatorScript(): string {
  const candidates = [path.resolve(__dirname, '..', 'emulator.js'), path.resolve(__dirname, '..', 'dist', 'emulator.js')];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`mailtrap-webhooks-emulator: cannot find the emulator bundle (looked for ${candidates.join(', ')})`);
  return found;
}

function withoutEmulatorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('MT_EMULATOR_')));
}

export interface Spawned {
  ready: ReadyLine;
  proc: ChildProcess;
  /** Sends SIGTERM, waits for the exit (SIGKILL after `graceMs`); resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export async function spawnEmulator(args: string[], opts: { onLog?: (line: string) => void; startTimeout?: number } = {}): Promise<Spawned> {
  const proc = spawn(process.execPath, [emulatorScript(), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Node, not Electron, whatever started the user's tests. And an emulator whose test process
    // was killed outright (no 'exit' event) exits by itself: `--exit-with-parent`, as an env var so
    // that an emulator build without the option ignores it.
    // The options given are the whole configuration: MT_EMULATOR_* variables of the user's shell
    // (meant for their dev emulator) would otherwise mix in.
    env: { ...withoutEmulatorEnv(process.env), ELECTRON_RUN_AS_NODE: '1', MT_EMULATOR_EXIT_WITH_PARENT: '1' },
  });
  let stderrTail = '';
  createInterface({ input: proc.stderr! }).on('line', (line) => {
    stderrTail = (stderrTail + line + '\n').slice(-4000);
    opts.onLog?.(line);
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  // A test run that ends without stop() must not leave the emulator behind. SIGKILL, not SIGTERM:
  // once this process is gone nobody reads the emulator's log pipes, and a clean stop writes to
  // them; the store is durable against a kill at any moment anyway.
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`mailtrap-webhooks-emulator: no ready line within ${opts.startTimeout ?? 20_000} ms\n${stderrTail}`));
    }, opts.startTimeout ?? 20_000);
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as ReadyLine);
      } catch {
        reject(new Error(`mailtrap-webhooks-emulator: unexpected first line: ${line}`));
      }
    });
    proc.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`mailtrap-webhooks-emulator: the emulator exited with ${code} before it was ready\n${stderrTail}`));
    });
  });
  // Running, it holds nothing of the test process open: a forgotten stop() cannot hang a test runner.
  proc.unref();
  (proc.stdout as unknown as { unref?: () => void }).unref?.();
  (proc.stderr as unknown as { unref?: () => void }).unref?.();

  let stopping: Promise<number | null> | null = null;
  const stop = (graceMs = 10_000) =>
    (stopping ??= (async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    })());
  return { ready, proc, stop };
}
