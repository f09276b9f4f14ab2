/**
 * Delivery against a raw client posting the same number of events (issue 13's two figures).
 *
 * Engine: ready-made events fed by `/emulator/replay` (JSON Lines, 20,000 a request) → signed
 * batches of 500 → the express receiver answering 200. End-to-end: `/api/batch` sends (20
 * requests × 1,000 recipients a call) → `delivery` lifecycle events → the same batches. Both on a
 * durable store, with virtual time run forward by `clock/advance` so batch windows cost no real
 * time. Baseline: an undici Pool posting pre-built 500-event bodies to the same receiver. The
 * emulator posts one webhook's batches in order, one at a time (SPEC §5, oldest first), so the
 * baseline also posts one at a time.
 */
import * as path from 'node:path';
import { Pool } from 'undici';
import { spawnReady, type Spawned } from '../lib';
import { client, sampleEvent, startEmulator, webhookFor, type Client, type EmulatorReady } from './emulator';
import type { CountingReceiver } from './receiver';

/** `n` events from number `from` on as pre-built `{"events":[…]}` bodies of 500 (the raw baseline's). */
export function rawBodies(from: number, n: number): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < n; i += 500) {
    bodies.push(JSON.stringify({ events: Array.from({ length: Math.min(500, n - i) }, (_, k) => sampleEvent(from + i + k)) }));
  }
  return bodies;
}

/** Posts `bodies` to `url` one at a time (each after the previous answer) from one undici connection; returns the ms it took. */
export async function postOneAtATime(url: string, bodies: string[]): Promise<number> {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: 1 });
  try {
    const t0 = performance.now();
    for (const body of bodies) {
      const r = await pool.request({ method: 'POST', path: u.pathname, headers: { 'content-type': 'application/json' }, body });
      await r.body.dump();
    }
    return performance.now() - t0;
  } finally {
    await pool.close();
  }
}

/** Events/s of a raw Pool posting `n` events in pre-built 500-event bodies. */
export async function rawDelivery(rx: CountingReceiver, n: number): Promise<number> {
  const target = rx.events + n;
  const ms = await postOneAtATime(rx.url, rawBodies(0, n));
  await rx.waitFor(target);
  return n / (ms / 1000);
}

/**
 * A baseline of `bench/baselines/` in a process of its own, answering POSTs on its ready line's
 * `http`: its pid, `post` (a non-200 answer is an error; the caller reads the body), and `close`.
 * `MT_BENCH_BASELINE_NODE_ARGS` (space-separated) goes to node before it, as
 * `MT_BENCH_EMULATOR_NODE_ARGS` does for the emulator (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
async function baselineProcess(script: string, opts: { tsx?: boolean; connections?: number } = {}) {
  const s = await spawnReady<{ http: string }>([...(process.env.MT_BENCH_BASELINE_NODE_ARGS ?? '').split(' ').filter(Boolean), ...(opts.tsx ? ['--import', 'tsx'] : []), path.join(__dirname, '..', 'baselines', script)]);
  const pool = new Pool(s.ready.http, { connections: opts.connections ?? 1 });
  return {
    pid: s.proc.pid,
    async post(p: string, body: string) {
      const r = await pool.request({ method: 'POST', path: p, body });
      if (r.statusCode !== 200) {
        await r.body.dump();
        throw new Error(`${script} ${p} → ${r.statusCode}`);
      }
      return r.body;
    },
    async close() {
      await pool.close();
      await s.stop();
    },
  };
}

/**
 * The same raw sender in a process of its own (`bench/baselines/rawSender.ts`), as the emulator is:
 * each batch then crosses from one process to another, which the in-process baseline never does.
 * A reference beside the baseline, not a goal of its own.
 */
export async function rawDeliveryProcess(rx: CountingReceiver): Promise<{ run(n: number): Promise<number>; readonly pid: number | undefined; close(): Promise<void> }> {
  const b = await baselineProcess('rawSender.ts', { tsx: true });
  return {
    pid: b.pid,
    async run(n) {
      const target = rx.events + n;
      const { ms } = (await (await b.post('/run', JSON.stringify({ url: rx.url, n }))).json()) as { ms: number };
      await rx.waitFor(target);
      return n / (ms / 1000);
    },
    close: b.close,
  };
}

/** A delivery round's two phases: its requests answered (feed), then its events delivered (drain), in ms. */
export interface RoundPhases {
  feedMs: number;
  drainMs: number;
}

export interface DeliveryEmulator {
  /** Events/s for `n` messages sent (or events replayed), delivered and received. */
  run(n: number): Promise<number>;
  /** The same, fed by replay instead of sends. */
  replay(n: number): Promise<number>;
  /** The emulator's process, for its CPU time. */
  readonly pid: number | undefined;
  /** The last round's two phases. */
  readonly last: RoundPhases;
  close(): Promise<void>;
}

const REPLAY_CHUNK = 20_000;
const RECIPIENTS = 1000;

/** `n` ready-made events from number `from` on, as JSON Lines request bodies of 20,000. */
export function replayBodies(from: number, n: number): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < n; i += REPLAY_CHUNK) {
    bodies.push(Array.from({ length: Math.min(REPLAY_CHUNK, n - i) }, (_, k) => JSON.stringify(sampleEvent(from + i + k))).join('\n'));
  }
  return bodies;
}

/**
 * `/api/batch` bodies for `n` recipients from number `from` on: 20 requests of 1,000 recipients a
 * call (the last call smaller when n is not a multiple).
 */
function batchBodies(from: number, n: number): string[] {
  const base = { from: { email: 'bench@bench.test' }, subject: 'bench', text: 'hello' };
  const bodies: string[] = [];
  for (let i = 0; i < n; i += 20 * RECIPIENTS) {
    const requests = [];
    for (let r = i; r < Math.min(n, i + 20 * RECIPIENTS); r += RECIPIENTS) {
      requests.push({ to: Array.from({ length: Math.min(RECIPIENTS, n - r) }, (_, k) => ({ email: `user${from + r + k}@example.net` })) });
    }
    bodies.push(JSON.stringify({ base, requests }));
  }
  return bodies;
}

/** One durable emulator (`js`: which build) with one webhook to `rx`, reused across rounds. */
export async function deliveryEmulator(rx: CountingReceiver, dataDir: string, js?: string): Promise<DeliveryEmulator> {
  const emu: Spawned<EmulatorReady> = await startEmulator(['--data', dataDir], js);
  const c: Client = client(emu.ready);
  await c.call('POST', '/api/webhooks', webhookFor(rx.url));
  let sent = 0;
  // Lifecycle events fall due 2 s after the send, batches 30 s after that: run time forward.
  const last: RoundPhases = { feedMs: 0, drainMs: 0 };
  const drain = async (target: number, t0: number) => {
    const fed = performance.now();
    for (let guard = 0; rx.events < target && guard < 200; guard++) {
      await c.call('POST', '/emulator/clock/advance', { seconds: 30 });
    }
    await rx.waitFor(target);
    last.feedMs = fed - t0;
    last.drainMs = performance.now() - fed;
  };
  return {
    pid: emu.proc.pid,
    last,
    async run(n) {
      const target = rx.events + n;
      // Built before the clock starts, as the replay's bodies and the raw baseline's are.
      const bodies = batchBodies(sent, n);
      const t0 = performance.now();
      const sends: Promise<unknown>[] = [];
      for (const body of bodies) sends.push(c.call('POST', '/api/batch', body));
      await Promise.all(sends);
      sent += n;
      await drain(target, t0);
      return n / ((performance.now() - t0) / 1000);
    },
    async replay(n) {
      const target = rx.events + n;
      const chunks = replayBodies(sent, n);
      sent += n;
      const t0 = performance.now();
      for (const lines of chunks) await c.call('POST', '/emulator/replay', lines, 'application/jsonl');
      await drain(target, t0);
      return n / ((performance.now() - t0) / 1000);
    },
    async close() {
      await c.close();
      await emu.stop();
    },
  };
}

/**
 * An engine of `bench/baselines/` (the floor, the least engine) with one webhook to `rx`: `call`
 * posts to it; `take(n)` numbers `n` new events (the numbers go on across rounds, so every event
 * is new); `replay(n)` feeds it `n` of them as the emulator's replay rounds do (`/replay` in
 * requests of 20,000 lines, then `/advance` until `rx` has them) and returns their events/s.
 */
async function engineBaseline(script: string, rx: CountingReceiver) {
  const b = await baselineProcess(script, { connections: 2 });
  const call = async (p: string, body: string) => (await b.post(p, body)).dump();
  await call('/webhook', JSON.stringify({ url: rx.url, secret: 'bench-signing-secret' }));
  let sent = 0;
  const take = (n: number) => {
    const from = sent;
    sent += n;
    return from;
  };
  /** The last replay round's two phases, as the emulator's (`deliveryEmulator`'s `last`). */
  const last: RoundPhases = { feedMs: 0, drainMs: 0 };
  return {
    pid: b.pid,
    call,
    take,
    last,
    async replay(n: number) {
      const chunks = replayBodies(take(n), n);
      const target = rx.events + n;
      const t0 = performance.now();
      for (const lines of chunks) await call('/replay', lines);
      const fed = performance.now();
      for (let guard = 0; rx.events < target && guard < 200; guard++) await call('/advance', '');
      await rx.waitFor(target);
      last.feedMs = fed - t0;
      last.drainMs = performance.now() - fed;
      return n / ((performance.now() - t0) / 1000);
    },
    close: b.close,
  };
}

/**
 * The floor (`bench/baselines/minimalEngine.mjs`): the least a durable engine does for the same
 * replayed events (parse, fresh event_id and timestamp, one journal write a request, signed
 * 500-event bodies posted one at a time), with nothing else. Its ratio to raw is the ceiling any
 * engine doing that work reaches on this machine: a reference for the engine's figure, not a goal.
 */
export async function minimalEngine(
  rx: CountingReceiver,
): Promise<{ replay(n: number): Promise<number>; run(n: number): Promise<number>; readonly pid: number | undefined; close(): Promise<void> }> {
  const e = await engineBaseline('minimalEngine.mjs', rx);
  return {
    pid: e.pid,
    replay: e.replay,
    /** The end-to-end floor: the same `/api/batch` calls as the emulator's `run`. */
    async run(n) {
      const target = rx.events + n;
      const bodies = batchBodies(e.take(n), n);
      const t0 = performance.now();
      const calls: Promise<void>[] = [];
      for (const body of bodies) calls.push(e.call('/api/batch', body));
      await Promise.all(calls);
      for (let guard = 0; rx.events < target && guard < 200; guard++) await e.call('/advance', '');
      await rx.waitFor(target);
      return n / ((performance.now() - t0) / 1000);
    },
    close: e.close,
  };
}

/**
 * The least engine (`bench/baselines/leastEngine.mjs`): the floor's protocol on bytes throughout,
 * for lines in the emulator's own form (no parse, no string a line). What an engine written in
 * Node reaches here when it keeps nothing and parses nothing: a reference, not a goal.
 */
export async function leastEngine(
  rx: CountingReceiver,
): Promise<{ replay(n: number): Promise<number>; readonly pid: number | undefined; readonly last: RoundPhases; close(): Promise<void> }> {
  const { pid, replay, close, last } = await engineBaseline('leastEngine.mjs', rx);
  return { pid, replay, close, last };
}
