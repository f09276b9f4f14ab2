/** Figures of the durable store: start-up on a full data dir, and memory after many events. */
import * as fs from 'node:fs';
import { readRssMb, spawnReady, tmpDir } from '../lib';
import { client, sampleEvent, startEmulator } from './emulator';

const CHUNK = 5000;

export interface FilledDir {
  dir: string;
  /** RSS of the emulator right after the last event was stored. */
  rssMb: number;
  /** Events/s while storing (replay of JSON Lines chunks). */
  eventsPerSec: number;
}

/** A data dir holding `n` stored events (replayed in chunks of 5000), then a clean stop. */
export async function fillDataDir(n: number, extra: string[] = []): Promise<FilledDir> {
  const dir = tmpDir();
  const emu = await startEmulator(['--data', dir, ...extra]);
  const c = client(emu.ready, 1);
  const t0 = performance.now();
  for (let i = 0; i < n; i += CHUNK) {
    const lines = Array.from({ length: Math.min(CHUNK, n - i) }, (_, k) => JSON.stringify(sampleEvent(i + k))).join('\n');
    await c.call('POST', '/emulator/replay', lines, 'application/jsonl');
  }
  const eventsPerSec = n / ((performance.now() - t0) / 1000);
  const rssMb = readRssMb(emu.proc.pid!);
  await c.close();
  await emu.stop();
  return { dir, rssMb, eventsPerSec };
}

/**
 * Real ms from spawn to the emulator's ready line on a copy of `dir` made just before (untimed):
 * every start is then the first one after the session that filled it, with that session's
 * journal as the previous one, which is what a user's restart after a busy session meets. (Started
 * on `dir` itself, each start's own clean stop would leave a near-empty previous journal for the
 * next one.)
 */
export async function emulatorStart(dir: string): Promise<number> {
  const copy = tmpDir();
  fs.cpSync(dir, copy, { recursive: true });
  const emu = await startEmulator(['--data', copy]);
  await emu.stop();
  fs.rmSync(copy, { recursive: true, force: true });
  return emu.startMs;
}

/** Real ms from spawn to the first stdout line of a bare node process. */
export async function nodeStart(): Promise<number> {
  const p = await spawnReady(['-e', 'console.log("{}")']);
  await p.stop();
  return p.startMs;
}
