/**
 * What one delivered event costs at least on this machine (issue 13), in one process, against the
 * raw baseline measured in the same run: the work any engine fed by `/emulator/replay` does for an
 * event (the bench's own events), whatever its design.
 *   npm run bench:events [-- --rounds=15]
 * (bundled first: run through tsx, each call into another module goes through an export getter,
 * which made the emulator's payload JSON look ~1 µs an event dearer).
 *
 * In an engine round the events are fed first and delivered after (their batches fall due on the
 * virtual clock), and each batch is posted once the previous one is answered, so a round takes at
 * least the raw baseline's time plus the feed plus the engine's own share of each batch. For the
 * engine to reach 0.5 × raw, all of that beyond the raw time must fit in the raw time itself. The
 * lines printed are per event, medians of the rounds; the last says how far an engine doing only
 * the measured work, and nothing else, could get.
 */
import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool } from 'undici';
import { payloadUtf8 } from '../emulator/core/sending/eventBuilder';
import type { EventPayload } from '../emulator/core/events';
import { uuidV4 } from '../emulator/random';
import { median, spawnReady, tmpDir } from './lib';
import { rawDelivery } from './scenarios/delivery';
import { sampleEvent } from './scenarios/emulator';
import { countingReceiver } from './scenarios/receiver';

/**
 * A server in a process of its own that reads a request's body whole (as the emulator's
 * `express.text` does: the chunks, then one UTF-8 string) and answers with the CPU it spent from
 * the request's arrival to its last byte: the emulator's side of taking a replay body in.
 */
const BODY_READER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  const c0 = process.cpuUsage();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const c = process.cpuUsage(c0);
    res.end(JSON.stringify({ cpuUs: c.user + c.system, chars: text.length }));
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => process.exit(0));
`;

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 15);
const N = 20_000;

async function main() {
  const lines = Array.from({ length: N }, (_, k) => JSON.stringify(sampleEvent(k)));
  const body = lines.join('\n');
  const bodies: string[] = [];
  for (let i = 0; i < N; i += 500) bodies.push(`{"events":[${lines.slice(i, i + 500).join(',')}]}`);
  const costs: Record<string, number[]> = {
    'raw undici → express receiver, the whole of it (same run)': [],
    'the receiver: JSON.parse of its 500-event bodies': [],
    'JSON.parse of a replayed line': [],
    'JSON.stringify of the parsed event': [],
    "the emulator's payload JSON as bytes (payloadUtf8)": [],
    'a fresh event id (uuidV4)': [],
    'HMAC-SHA256 of its 500-event bodies': [],
    'its line read off a socket, in a 20,000-line request body (CPU of the reading process)': [],
    'its line journaled: SHA-1 and write(2) of the request body': [],
  };
  const per = (key: string, ms: number) => costs[key].push((ms * 1000) / N);
  const time = (key: string, fn: () => void) => {
    const t0 = performance.now();
    fn();
    per(key, performance.now() - t0);
  };
  const rx = await countingReceiver();
  await rawDelivery(rx, 2000);
  const reader = await spawnReady<{ url: string }>(['-e', BODY_READER]);
  const readerPool = new Pool(reader.ready.url, { connections: 1 });
  const bodyBytes = Buffer.from(body, 'utf8');
  const journal = fs.openSync(path.join(tmpDir(), 'journal.log'), 'a');
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    costs['raw undici → express receiver, the whole of it (same run)'].push(1e6 / (await rawDelivery(rx, N)));
    time('the receiver: JSON.parse of its 500-event bodies', () => {
      for (const b of bodies) sink += (JSON.parse(b) as { events: unknown[] }).events.length;
    });
    let parsed: EventPayload[] = [];
    time('JSON.parse of a replayed line', () => {
      parsed = body.split('\n').map((l) => JSON.parse(l) as EventPayload);
    });
    time('JSON.stringify of the parsed event', () => {
      for (const e of parsed) sink += JSON.stringify(e).length;
    });
    time("the emulator's payload JSON as bytes (payloadUtf8)", () => {
      for (const e of parsed) sink += payloadUtf8(e).end;
    });
    time('a fresh event id (uuidV4)', () => {
      for (let i = 0; i < N; i++) sink += uuidV4().length;
    });
    time('HMAC-SHA256 of its 500-event bodies', () => {
      for (const b of bodies) sink += createHmac('sha256', 'bench-signing-secret').update(b).digest('hex').length;
    });
    const r = await readerPool.request({ method: 'POST', path: '/', headers: { 'content-type': 'application/jsonl' }, body: bodyBytes });
    const read = (await r.body.json()) as { cpuUs: number; chars: number };
    if (read.chars !== body.length) throw new Error('the body reader lost characters');
    costs['its line read off a socket, in a 20,000-line request body (CPU of the reading process)'].push(read.cpuUs / N);
    time('its line journaled: SHA-1 and write(2) of the request body', () => {
      const sum = createHash('sha1').update(bodyBytes).digest('hex');
      sink += fs.writeSync(journal, `${sum} `) + fs.writeSync(journal, bodyBytes);
    });
  }
  await rx.close();
  await readerPool.close();
  await reader.stop();
  fs.closeSync(journal);
  const width = Math.max(...Object.keys(costs).map((k) => k.length));
  console.log(`${'per event'.padEnd(width)}  µs (median of ${ROUNDS})  min  max`);
  for (const [k, v] of Object.entries(costs)) {
    const s = [...v].sort((a, b) => a - b);
    console.log(`${k.padEnd(width)}  ${median(v).toFixed(2).padStart(6)}  ${s[0].toFixed(2)}  ${s[s.length - 1].toFixed(2)}`);
  }
  const m = (k: string) => median(costs[k]);
  const raw = m('raw undici → express receiver, the whole of it (same run)');
  const least = Object.keys(costs)
    .filter((k) => !k.startsWith('raw') && !k.startsWith('the receiver') && !k.startsWith('JSON.stringify'))
    .reduce((sum, k) => sum + m(k), 0);
  const ceiling = raw / (raw + least);
  console.log(
    `An engine doing only this for an event (read, parse, its JSON, an id, journal, sign: ${least.toFixed(2)} µs) and nothing else, no event kept or queued, no GC of what it keeps, on one thread, reaches at most ${ceiling.toFixed(3)} × raw here.`,
  );
  console.log(JSON.stringify({ rounds: ROUNDS, ceiling: +ceiling.toFixed(3), events: N, bytesPerLine: Math.round(body.length / N), usPerEvent: Object.fromEntries(Object.entries(costs).map(([k, v]) => [k, +median(v).toFixed(2)])), check: sink > 0 }));
}

void main();
