/** Shared pieces of the benchmarks: repeated runs, statistics, child processes, the table. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

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

export function summarize(f: Figure) {
  return {
    median: round(median(f.runs)),
    min: round(Math.min(...f.runs)),
    max: round(Math.max(...f.runs)),
  };
}

export const round = (n: number, digits = 3): number => {
  const p = 10 ** Math.max(0, digits - Math.floor(Math.log10(Math.abs(n) || 1)) - 1);
  return Math.round(n * p) / p;
};

export async function repeat(times: number, fn: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}

/** Spawns a node script whose first stdout line is JSON (a ready line). */
export async function spawnReady<T = Record<string, unknown>>(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ ready: T; proc: ChildProcess; stop(): Promise<void>; kill9(): Promise<void>; startMs: number }> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    if (err.length > 100_000) err = err.slice(-50_000);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = await new Promise<T>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! });
    rl.once('line', (l) => resolve(JSON.parse(l) as T));
    void exited.then(() => reject(new Error(`${args.join(' ')} exited before ready:\n${err.slice(-2000)}`)));
  });
  const startMs = performance.now() - t0;
  return {
    ready,
    proc,
    startMs,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

export function printTable(rows: Array<Record<string, string | number>>): void {
  const cols = Object.keys(rows[0] ?? {});
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i])).join('  ');
  console.log(line(cols));
  console.log(line(width.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}
