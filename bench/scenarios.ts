/** The benchmark scenarios of issue 7; each returns one measurement (higher-is-better noted per figure). */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import { Pool } from 'undici';
import { spawnReady } from './lib';

const ROOT = path.resolve(__dirname, '..');
const EMULATOR = path.join(ROOT, 'dist', 'emulator.js');

export interface EmulatorReady {
  http: string;
  httpPort: number;
  smtpPort: number;
  token: string;
}

export const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mt-bench-'));

export function startEmulator(extra: string[] = ['--memory']) {
  return spawnReady<EmulatorReady>([EMULATOR, '--port', '0', '--smtp-port', '0', ...extra], { MT_EMULATOR_LOG_LEVEL: 'warn' });
}

export function client(ready: EmulatorReady) {
  const pool = new Pool(ready.http, { connections: 8 });
  const call = async (method: string, p: string, body?: unknown, contentType = 'application/json') => {
    const r = await pool.request({
      method: method as 'POST',
      path: p,
      headers: { authorization: `Bearer ${ready.token}`, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`${method} ${p} → ${r.statusCode} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { call, close: () => pool.close() };
}

/** An HTTP receiver (plain node:http, same for baseline and emulator) counting events it gets. */
export async function countingReceiver(status = 200) {
  let events = 0;
  let requests = 0;
  let waiter: { n: number; resolve: () => void } | null = null;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      const body = Buffer.concat(chunks).toString();
      try {
        events += (JSON.parse(body) as { events: unknown[] }).events.length;
      } catch {
        events += body.split('\n').filter(Boolean).length;
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (waiter && events >= waiter.n) waiter.resolve();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    get events() {
      return events;
    },
    get requests() {
      return requests;
    },
    waitFor: (n: number) => new Promise<void>((resolve) => (events >= n ? resolve() : (waiter = { n, resolve }))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const sampleEvent = (i: number) => ({
  event: 'delivery',
  message_id: randomUUID(),
  event_id: randomUUID(),
  timestamp: 1764150000 + i,
  email: `user${i}@example.net`,
  sending_stream: 'transactional',
  sending_domain_name: 'bench.test',
  category: 'bench',
  custom_variables: { user_id: String(i) },
});

/** Baseline: a raw undici Pool posting pre-built 500-event batches. Returns events/s. */
export async function baselineRawDelivery(n: number): Promise<number> {
  const rx = await countingReceiver();
  const bodies: string[] = [];
  for (let i = 0; i < n; i += 500) bodies.push(JSON.stringify({ events: Array.from({ length: Math.min(500, n - i) }, (_, k) => sampleEvent(i + k)) }));
  const u = new URL(rx.url);
  const pool = new Pool(u.origin, { connections: 4 });
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const r = await pool.request({ method: 'POST', path: u.pathname, headers: { 'content-type': 'application/json' }, body });
        await r.body.dump();
      }
    }),
  );
  await rx.waitFor(n);
  const secs = (performance.now() - t0) / 1000;
  await pool.close();
  await rx.close();
  return n / secs;
}

/** End to end: /api/batch sends → lifecycle events → signed batches of 500 → receiver. Returns events/s. */
export async function emulatorDelivery(n: number): Promise<number> {
  const rx = await countingReceiver();
  const emu = await startEmulator(['--data', tmpDir()]);
  const c = client(emu.ready);
  await c.call('POST', '/api/webhooks', {
    webhook: { url: rx.url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] },
  });
  const t0 = performance.now();
  const base = { from: { email: 'bench@bench.test' }, subject: 'bench', text: 'hello' };
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < n; i += 500) {
    const requests = Array.from({ length: Math.min(500, n - i) }, (_, k) => ({ to: [{ email: `user${i + k}@example.net` }] }));
    sends.push(c.call('POST', '/api/batch', { base, requests }));
  }
  await Promise.all(sends);
  // Run virtual time forward until every delivery event has reached the receiver.
  for (let guard = 0; rx.events < n && guard < 1000; guard++) {
    await c.call('POST', '/emulator/clock/advance', { seconds: 30 });
  }
  await rx.waitFor(n);
  const secs = (performance.now() - t0) / 1000;
  await c.close();
  await emu.stop();
  await rx.close();
  return n / secs;
}

async function cannon(url: string, p: string, headers: Record<string, string>, body: string, seconds: number): Promise<number> {
  const result = await autocannon({ url: url + p, method: 'POST', headers, body, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load run saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return result.requests.average;
}

const SEND_BODY = JSON.stringify({ from: { email: 'bench@bench.test' }, to: [{ email: 'user@example.net' }], subject: 'bench', text: 'hello' });

/** Send API ingest under autocannon. Returns req/s. */
export async function emulatorSendIngest(seconds: number, durable: boolean): Promise<number> {
  const emu = await startEmulator(durable ? ['--data', tmpDir()] : ['--memory']);
  const rps = await cannon(emu.ready.http, '/api/send', { 'content-type': 'application/json', authorization: `Bearer ${emu.ready.token}` }, SEND_BODY, seconds);
  await emu.stop();
  return rps;
}

export async function baselineSendIngest(seconds: number): Promise<number> {
  const srv = await spawnReady<{ http: string }>([path.join(__dirname, 'baselines', 'trivialSend.mjs')]);
  const rps = await cannon(srv.ready.http, '/api/send', { 'content-type': 'application/json' }, SEND_BODY, seconds);
  await srv.stop();
  return rps;
}

/** SMTP ingest with nodemailer's pooled transport. Returns messages/s. */
export async function smtpIngest(port: number, password: string, messages: number): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, pool: true, maxConnections: 5, maxMessages: Infinity, auth: { user: 'api', pass: password } });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: messages }, (_, i) =>
      transport.sendMail({ from: 'bench@bench.test', to: `user${i}@example.net`, subject: 'bench', text: 'hello' }),
    ),
  );
  const secs = (performance.now() - t0) / 1000;
  transport.close();
  return messages / secs;
}

export async function emulatorSmtp(messages: number): Promise<number> {
  const emu = await startEmulator(['--data', tmpDir()]);
  const r = await smtpIngest(emu.ready.smtpPort, emu.ready.token, messages);
  await emu.stop();
  return r;
}

export async function baselineSmtp(messages: number): Promise<number> {
  const srv = await spawnReady<{ smtpPort: number }>([path.join(__dirname, 'baselines', 'bareSmtp.mjs')]);
  const r = await smtpIngest(srv.ready.smtpPort, 'x', messages);
  await srv.stop();
  return r;
}

/** Wall ms of one clock/advance running a batch's whole 41-attempt schedule against a 500 receiver. */
export async function retrySchedule(): Promise<{ ms: number; attempts: number }> {
  const rx = await countingReceiver(500);
  const emu = await startEmulator(['--memory']);
  const c = client(emu.ready);
  await c.call('POST', '/api/webhooks', {
    webhook: { url: rx.url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] },
  });
  await c.call('POST', '/emulator/replay', { events: [sampleEvent(1)] });
  await c.call('POST', '/emulator/clock/advance', { seconds: 30 }); // first attempt
  const t0 = performance.now();
  await c.call('POST', '/emulator/clock/advance', { seconds: 40 * 300 + 60 });
  const ms = performance.now() - t0;
  const attempts = rx.requests;
  await c.close();
  await emu.stop();
  await rx.close();
  return { ms, attempts };
}

/** A data dir holding `n` stored events (replayed in chunks, then a clean stop). */
export async function dataDirWithEvents(n: number, extra: string[] = []): Promise<{ dir: string; rssMb: number }> {
  const dir = tmpDir();
  const emu = await startEmulator(['--data', dir, ...extra]);
  const c = client(emu.ready);
  for (let i = 0; i < n; i += 5000) {
    const lines = Array.from({ length: Math.min(5000, n - i) }, (_, k) => JSON.stringify(sampleEvent(i + k))).join('\n');
    await c.call('POST', '/emulator/replay', lines, 'application/jsonl');
  }
  const rssMb = readRssMb(emu.proc.pid!);
  await c.close();
  await emu.stop();
  return { dir, rssMb };
}

export function readRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

export async function startToReady(dir: string): Promise<number> {
  const emu = await startEmulator(['--data', dir]);
  const ms = emu.startMs;
  await emu.stop();
  return ms;
}

export async function nodeStart(): Promise<number> {
  const t0 = performance.now();
  const { spawnSync } = await import('node:child_process');
  spawnSync(process.execPath, ['-e', 'console.log(1)']);
  return performance.now() - t0;
}
