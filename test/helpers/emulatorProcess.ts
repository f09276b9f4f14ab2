/**
 * Runs the built emulator (dist/emulator.js) as a real child process, as users and the extension
 * do, and waits for its ready line.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';
import nodemailer from 'nodemailer';
import type { ReadyInfo } from '../../emulator/http/dto';
import { removedAtExit } from './tempDirs';

export const EMULATOR_JS = path.resolve(__dirname, '../../dist/emulator.js');

export type Ready = ReadyInfo;

export interface RunningEmulator {
  ready: Ready;
  proc: ChildProcess;
  stderr: () => string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill9(): Promise<void>;
}

export function tempDir(prefix = 'mt-emu-'): string {
  return removedAtExit(prefix);
}

export async function startEmulatorProcess(args: string[] = ['--memory'], env: NodeJS.ProcessEnv = {}, script = EMULATOR_JS): Promise<RunningEmulator> {
  const proc = spawn(process.execPath, [script, '--port', '0', '--smtp-port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    // Generous: a busy 2-core CI machine can take seconds to compile and start. On a miss the child is
    // killed, or its pipes would keep this test process alive for ever.
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`no ready line within 30 s; stderr:\n${err}`));
    }, 30_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Ready);
      } catch {
        reject(new Error(`first stdout line is not JSON: ${line}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code} before ready; stderr:\n${err}`));
    });
  });
  return {
    ready,
    proc,
    stderr: () => err,
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** fetch against the emulator with its token. */
/** A nodemailer client of the emulator's SMTP port (plain: it offers no STARTTLS), user `api`, the token as password unless `pass` is given. */
export const smtpTransport = (ready: Ready, pass = ready.token, method: 'PLAIN' | 'LOGIN' = 'PLAIN') =>
  nodemailer.createTransport({ host: '127.0.0.1', port: ready.smtpPort, secure: false, ignoreTLS: true, auth: { user: 'api', pass, method } });

export function api(ready: Ready) {
  return async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(ready.http + p, {
      method,
      headers: {
        Authorization: `Bearer ${ready.token}`,
        ...(body !== undefined && typeof body !== 'string' ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

/**
 * One emulator process shared by a test file: started before its tests, and checked to stop
 * cleanly (SIGTERM → exit 0) after them. Read `.emu` and `.call` inside tests.
 */
export function useEmulatorProcess(args: string[] = ['--memory']): { readonly emu: RunningEmulator; readonly call: ReturnType<typeof api> } {
  let emu: RunningEmulator | undefined;
  let call: ReturnType<typeof api> | undefined;
  before(async () => {
    emu = await startEmulatorProcess(args);
    call = api(emu.ready);
  });
  after(async () => {
    if (emu) assert.equal(await emu.stop(), 0, 'SIGTERM exits 0');
  });
  return {
    get emu() {
      if (!emu) throw new Error('the emulator is not started yet (use it inside a test)');
      return emu;
    },
    get call() {
      if (!call) throw new Error('the emulator is not started yet (use it inside a test)');
      return call;
    },
  };
}
