/**
 * Send API ingest under autocannon: `/api/send` with one recipient, against a trivial express
 * handler answering like Mailtrap (`bench/baselines/trivialSend.mjs`). The same servers serve
 * every round; each gets a warm-up load first (JIT, sql.js page cache).
 */
import autocannon from 'autocannon';
import * as path from 'node:path';
import { spawnReady, tmpDir, type Spawned } from '../lib';
import { startEmulator } from './emulator';

const SEND_BODY = JSON.stringify({ from: { email: 'bench@bench.test' }, to: [{ email: 'user@example.net' }], subject: 'bench', text: 'hello' });

export interface LoadTarget {
  http: string;
  token?: string;
  /** The server's process (for `settle`). */
  pid?: number;
  stop(): Promise<void>;
}

/** Requests/s of `/api/send` under `seconds` of load from 10 connections. */
export async function sendLoad(t: LoadTarget, seconds: number): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (t.token) headers.authorization = `Bearer ${t.token}`;
  const result = await autocannon({ url: `${t.http}/api/send`, method: 'POST', headers, body: SEND_BODY, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load run saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.total / seconds;
}

const target = (s: Spawned<{ http: string; token?: string }>): LoadTarget => ({ http: s.ready.http, token: s.ready.token, pid: s.proc.pid, stop: () => s.stop() });

export async function trivialSendServer(): Promise<LoadTarget> {
  return target(await spawnReady<{ http: string }>([path.join(__dirname, '..', 'baselines', 'trivialSend.mjs')]));
}

export async function emulatorSendServer(durable: boolean): Promise<LoadTarget> {
  return target(await startEmulator(durable ? ['--data', tmpDir()] : ['--memory']));
}
