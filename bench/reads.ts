/**
 * How long the inspection reads take in a long session (issue 13, eighteenth step): the lists the
 * inspector, the web UI and a user's test suite ask for, and Mailtrap's Email Logs and Stats APIs.
 *   npm run bench:reads [-- --calls=6]        (EMU_JS=… for another build)
 *
 * An emulator past the retention caps (120,000 recipients sent by /api/batch and delivered, as in
 * the delivery bench), once it is idle: each read is asked `--calls` times, one request at a time;
 * the figures are the first call and the median of the rest. Then a burst of 20,000 recipients is
 * delivered and each read is asked once at once, before quiet time has done its work (what a
 * suite reading right after its sends meets).
 *
 * Baseline, same run: a trivial express server in a process of its own answering each path with a
 * body of the same size as the emulator's answer (what moving that answer costs here).
 */
import { countingReceiver } from './scenarios/receiver';
import { burst, client, startEmulator, webhookFor } from './scenarios/emulator';
import { median, printTable, round, settle, spawnReady, tmpDir } from './lib';

const CALLS = Number(process.argv.find((a) => a.startsWith('--calls='))?.split('=')[1] ?? 6);
const FILL = 120_000;
const BURST = 20_000;
const ALL_TIME = 'start_date=2000-01-01&end_date=2100-12-31';

const READS: [string, string][] = [
  ['messages list', '/emulator/messages?limit=50'],
  ['events list', '/emulator/events?limit=50'],
  ['events of an address', '/emulator/events?limit=50&email=user5@example.net'],
  ['deliveries, summaries', '/emulator/deliveries?limit=50&summary=true'],
  ['email logs list', '/api/email_logs'],
  ['email logs, to filter', '/api/email_logs?filters[to][operator]=ci_contain&filters[to][value]=user7'],
  ['email logs, status filter', '/api/email_logs?filters[status][operator]=equal&filters[status][value]=not_delivered'],
  ['email logs, events filter', '/api/email_logs?filters[events][operator]=include_event&filters[events][value]=open'],
  ['stats', `/api/stats?${ALL_TIME}`],
  ['stats by date', `/api/stats/date?${ALL_TIME}`],
  ['stats by provider', `/api/stats/email_service_providers?${ALL_TIME}`],
  ['status', '/emulator/status'],
];

/** Answers each path with a body of the size given at start (JSON: {path: bytes}). */
const TRIVIAL = `
const express = require('express');
const sizes = JSON.parse(process.argv[1]);
const bodies = Object.fromEntries(Object.entries(sizes).map(([p, n]) => [p, JSON.stringify({ pad: 'x'.repeat(Math.max(0, n - 10)) })]));
const app = express();
app.use((req, res) => res.type('json').send(bodies[req.originalUrl] ?? '{}'));
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ http: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

async function timed(get: () => Promise<unknown>): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const body = await get();
  return { ms: performance.now() - t, bytes: JSON.stringify(body ?? null).length };
}

async function main() {
  const rx = await countingReceiver();
  const emu = await startEmulator(['--data', tmpDir()]);
  const c = client(emu.ready, 1);
  const rows: Record<string, string | number>[] = [];
  const figures: Record<string, { first: number; median: number; afterBurst: number; baseline: number; bytes: number }> = {};
  try {
    await c.call('POST', '/api/webhooks', webhookFor(rx.url));
    await burst(c, rx, 0, FILL);
    // Past the compaction at rest (5 s after the last commit), then idle.
    await new Promise((r) => setTimeout(r, 6000));
    await settle([emu.proc.pid], 15_000);
    const sizes: Record<string, number> = {};
    for (const [name, p] of READS) {
      const first = await timed(() => c.call('GET', p));
      const rest: number[] = [];
      for (let i = 1; i < CALLS; i++) rest.push((await timed(() => c.call('GET', p))).ms);
      sizes[p] = first.bytes;
      figures[name] = { first: round(first.ms, 1), median: round(median(rest), 1), afterBurst: 0, baseline: 0, bytes: first.bytes };
    }
    await burst(c, rx, FILL, BURST);
    for (const [name, p] of READS) figures[name].afterBurst = round((await timed(() => c.call('GET', p))).ms, 1);
    const trivial = await spawnReady<{ http: string }>(['-e', TRIVIAL, JSON.stringify(sizes)]);
    const t = client({ ...emu.ready, http: trivial.ready.http }, 1);
    try {
      for (const [name, p] of READS) {
        const ms: number[] = [];
        for (let i = 0; i < CALLS; i++) ms.push((await timed(() => t.call('GET', p))).ms);
        figures[name].baseline = round(median(ms), 1);
      }
    } finally {
      await t.close();
      await trivial.stop();
    }
    for (const [name] of READS) {
      const f = figures[name];
      rows.push({ read: name, bytes: f.bytes, 'first ms': f.first, 'then, median ms': f.median, 'right after a burst ms': f.afterBurst, 'baseline ms': f.baseline });
    }
    printTable(rows);
    console.log(JSON.stringify({ calls: CALLS, figures }));
  } finally {
    await c.close();
    await emu.stop();
    await rx.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
