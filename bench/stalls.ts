/**
 * How long a request waits on the emulator after a burst, in a long session (issue 13, seventeenth
 * step): what a person at the inspector meets when the traffic they sent has been delivered.
 *   npm run bench:stalls [-- --rounds=3]        (EMU_JS=… for another build)
 *
 * An emulator past the retention caps (120,000 recipients sent by /api/batch and delivered, as in
 * the delivery bench) takes a burst of 20,000 recipients, delivered to an express receiver. Then a
 * poller asks it every 20 ms for 8 s, one request at a time, for `/emulator/status`, and every
 * tenth time for the messages list (`/emulator/messages?limit=50`, the inspector's list). Meanwhile
 * the emulator does what it leaves for quiet time: the read model's rows, retention, the maps of
 * filtered reads, and the compaction at rest (5 s after the last commit). The figures are the
 * longest wait and the 99th percentile of the waits of each round, and the messages list's
 * longest.
 *
 * Baseline, same run, before each round: the same poller against a trivial express server in a
 * process of its own (what this machine's scheduling alone makes a request wait).
 */
import { countingReceiver } from './scenarios/receiver';
import { burst, client, startEmulator, webhookFor } from './scenarios/emulator';
import { median, printTable, round, spawnReady, tmpDir } from './lib';

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 3);
const POLL_MS = 8000;
const BURST = 20_000;
const FILL = 120_000;

const TRIVIAL = `
const express = require('express');
const app = express();
app.get('/emulator/status', (_req, res) => res.json({ ok: true }));
app.get('/emulator/messages', (_req, res) => res.json({ data: [] }));
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ http: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

interface Waits {
  all: number[];
  list: number[];
}

/** Ask `get` every 20 ms for `ms`, one request at a time; the waits, in ms. */
async function poll(get: (path: string) => Promise<unknown>, ms: number): Promise<Waits> {
  const waits: Waits = { all: [], list: [] };
  const end = performance.now() + ms;
  for (let i = 0; performance.now() < end; i++) {
    const path = i % 10 === 9 ? '/emulator/messages?limit=50' : '/emulator/status';
    const t = performance.now();
    await get(path);
    const d = performance.now() - t;
    waits.all.push(d);
    if (path.startsWith('/emulator/messages')) waits.list.push(d);
    await new Promise((r) => setTimeout(r, 20));
  }
  return waits;
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

async function main() {
  const rx = await countingReceiver();
  const emu = await startEmulator(['--data', tmpDir()]);
  const c = client(emu.ready, 1);
  const trivial = await spawnReady<{ http: string }>(['-e', TRIVIAL]);
  const t = client({ ...emu.ready, http: trivial.ready.http }, 1);
  try {
    await c.call('POST', '/api/webhooks', webhookFor(rx.url));
    await burst(c, rx, 0, FILL);
    let sent = FILL;
    const rows: Record<string, string | number>[] = [];
    const figures = { baselineMax: [] as number[], baselineP99: [] as number[], max: [] as number[], p99: [] as number[], listMax: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      const b = await poll((p) => t.call('GET', p), POLL_MS);
      await burst(c, rx, sent, BURST);
      sent += BURST;
      const e = await poll((p) => c.call('GET', p), POLL_MS);
      figures.baselineMax.push(Math.max(...b.all));
      figures.baselineP99.push(p99(b.all));
      figures.max.push(Math.max(...e.all));
      figures.p99.push(p99(e.all));
      figures.listMax.push(Math.max(...e.list));
      rows.push({
        round: r + 1,
        'baseline max ms': round(Math.max(...b.all), 1),
        'baseline p99 ms': round(p99(b.all), 1),
        'emulator max ms': round(Math.max(...e.all), 1),
        'emulator p99 ms': round(p99(e.all), 1),
        'messages list max ms': round(Math.max(...e.list), 1),
        requests: e.all.length,
      });
    }
    printTable(rows);
    const medians = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(median(v), 1)]));
    console.log(`medians of ${ROUNDS} rounds: longest wait ${medians.max} ms (baseline ${medians.baselineMax}), p99 ${medians.p99} ms (baseline ${medians.baselineP99}), messages list longest ${medians.listMax} ms`);
    console.log(JSON.stringify({ rounds: ROUNDS, figures, medians }));
  } finally {
    await t.close();
    await c.close();
    await trivial.stop();
    await emu.stop();
    await rx.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
