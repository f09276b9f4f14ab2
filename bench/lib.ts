/**
 * Shared pieces of the benchmarks: statistics, interleaved rounds, child processes, the table.
 *
 * The machines are 2-core and shared, so load from elsewhere comes and goes during a run. Every
 * goal is therefore a ratio against a baseline measured in the same run, and the two sides are
 * measured in alternating rounds (baseline, subject, subject, baseline, …) so that a burst of
 * outside load hits both; the ratio reported is the median of the per-round ratios.
 */
import { removedAtExit } from '../test/helpers/tempDirs';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(__dirname, '..');
/** The build under test; `EMU_JS=/other/dist/emulator.js` benches another build (an A/B). */
export const EMULATOR_JS = process.env.EMU_JS ?? path.join(ROOT, 'dist', 'emulator.js');

export interface Figure {
  name: string;
  unit: string;
  runs: number[];
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const round = (n: number, digits = 3): number => {
  if (!Number.isFinite(n)) return n;
  const p = 10 ** Math.max(0, digits - Math.floor(Math.log10(Math.abs(n) || 1)) - 1);
  return Math.round(n * p) / p;
};

export function summarize(f: Figure) {
  return { median: round(median(f.runs)), min: round(Math.min(...f.runs)), max: round(Math.max(...f.runs)) };
}

export async function repeat(times: number, fn: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}

/**
 * Measures each side `rounds` times, alternating the order every round (A B, B A, …), each
 * measurement after `before` (e.g. `settle`). Returns every side's measurements in round order.
 */
export async function interleave<K extends string>(
  rounds: number,
  sides: Record<K, () => Promise<number>>,
  before: () => Promise<void> = async () => undefined,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(sides) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < rounds; r++) {
    for (const k of r % 2 ? [...keys].reverse() : keys) {
      await before();
      out[k].push(await sides[k]());
    }
  }
  return out;
}

/**
 * Waits until the processes have used under 5 ms of CPU together in 300 ms (at most `maxMs`): what
 * an emulator does once idle (its read model written into SQLite, a compaction, lifecycle events
 * falling due on a real-time clock) would otherwise run during the next side's round, slowing
 * whichever side that is, often the baseline.
 */
export async function settle(pids: (number | undefined)[], maxMs = 5000): Promise<void> {
  const cpu = () => pids.reduce<number>((ms, pid) => ms + (pid === undefined ? 0 : (readCpuMs(pid) ?? 0)), 0);
  const t0 = performance.now();
  for (let last = cpu(); performance.now() - t0 < maxMs; ) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = cpu();
    if (now - last < 5) return;
    last = now;
  }
}

/** `run(n)`'s result, and the CPU µs a unit process `pid` used meanwhile (NaN without /proc or a pid). */
export async function withCpuPerUnit<T>(pid: number | undefined, n: number, run: (n: number) => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  const before = pid === undefined ? null : readCpuMs(pid);
  const result = await run(n);
  const after = pid === undefined ? null : readCpuMs(pid);
  return { result, cpuUs: before === null || after === null ? NaN : ((after - before) * 1000) / n };
}

/** Median of the per-round ratios a[i] / b[i]. */
export const pairedRatio = (a: number[], b: number[]): number => median(a.map((x, i) => x / b[i]));

/** A data dir, removed when the bench exits (a full run writes ~1 GB of them). */
export const tmpDir = (): string => removedAtExit('mt-bench-');

export interface Spawned<T> {
  ready: T;
  proc: ChildProcess;
  /** Real ms from spawn to the first stdout line. */
  startMs: number;
  stop(): Promise<void>;
}

/** Spawns a node script whose first stdout line is JSON (a ready line). */
export async function spawnReady<T = Record<string, unknown>>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Spawned<T>> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    if (err.length > 100_000) err = err.slice(-50_000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  // `MT_BENCH_STDOUT_TO`: a file that gets every spawned process's stdout too (e.g. --trace-gc's lines).
  const copyTo = process.env.MT_BENCH_STDOUT_TO;
  if (copyTo) proc.stdout!.on('data', (c: Buffer) => fs.appendFileSync(copyTo, c));
  const ready = await new Promise<T>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    // The first JSON line; anything before it (node's own tracing, e.g. --trace-gc) is skipped.
    const onLine = (l: string) => {
      if (!l.startsWith('{')) return;
      rl.off('line', onLine);
      resolve(JSON.parse(l) as T);
    };
    rl.on('line', onLine);
    void exited.then(() => reject(new Error(`${args.join(' ')} exited before ready:\n${err.slice(-2000)}`)));
  });
  const startMs = performance.now() - t0;
  return {
    ready,
    proc,
    startMs,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc; null where there is no
 * /proc. CPU per unit holds up on a loaded machine better than throughput does.
 */
export function readCpuMs(pid: number): number | null {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux the benchmarks run on. */
const CLOCK_TICKS = 100;

export function readRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  const cols = Object.keys(rows[0] ?? {});
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i])).join('  ').trimEnd();
  console.log(line(cols));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}
