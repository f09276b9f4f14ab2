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
 * lines printed are per event, medians of the rounds; the last two say how far an engine doing only
 * the measured work, and nothing else, could get: with each line parsed and its JSON made, and
 * with a line in the emulator's own form taken as the emulator takes it since the twentieth step
 * (`replayEvents`: checked by its form, its bytes copied, no parse).
 */
import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pool } from 'undici';
import { parseReplay, replayEvents } from '../emulator/core/replay';
import { payloadUtf8 } from '../emulator/core/sending/eventBuilder';
import type { EventPayload } from '../emulator/core/events';
import { uuidV4 } from '../emulator/random';
import { median, spawnReady, tmpDir } from './lib';
import { rawDelivery, replayBodies } from './scenarios/delivery';
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

/** What is measured, per event; `least`: part of the least an engine does for it (the ceiling's sum). */
const MEASURES = {
  raw: { label: 'raw undici → express receiver, the whole of it (same run)', least: false },
  receiverParse: { label: 'the receiver: JSON.parse of its 500-event bodies', least: false },
  read: { label: 'its line read off a socket, in a 20,000-line request body (CPU of the reading process)', least: true },
  parse: { label: 'JSON.parse of a replayed line', least: true },
  stringify: { label: 'JSON.stringify of the parsed event', least: false },
  payload: { label: "the emulator's payload JSON as bytes (payloadUtf8)", least: true },
  id: { label: 'a fresh event id (uuidV4)', least: true },
  journal: { label: 'its line journaled: SHA-1 and write(2) of the request body', least: true },
  sign: { label: 'HMAC-SHA256 of its 500-event bodies', least: true },
  textPath: { label: 'the line parsed, checked, to payload, JSON and id (parseReplay and payloadUtf8)', least: false },
  ownForm: { label: "the line in the emulator's own form to payload, JSON and id (replayEvents, no parse)", least: false },
} as const;
/** What `ownForm` stands for in the second ceiling's sum. */
const OWN_FORM_REPLACES: readonly Measure[] = ['parse', 'payload', 'id'];
type Measure = keyof typeof MEASURES;

async function main() {
  const body = replayBodies(0, N)[0];
  const lines = body.split('\n');
  const bodies: string[] = [];
  for (let i = 0; i < N; i += 500) bodies.push(`{"events":[${lines.slice(i, i + 500).join(',')}]}`);
  const costs = Object.fromEntries(Object.keys(MEASURES).map((k) => [k, [] as number[]])) as Record<Measure, number[]>;
  const time = (key: Measure, fn: () => void) => {
    const t0 = performance.now();
    fn();
    costs[key].push(((performance.now() - t0) * 1000) / N);
  };
  const rx = await countingReceiver();
  await rawDelivery(rx, 2000);
  const reader = await spawnReady<{ url: string }>(['-e', BODY_READER]);
  const readerPool = new Pool(reader.ready.url, { connections: 1 });
  const bodyBytes = Buffer.from(body, 'utf8');
  const journal = fs.openSync(path.join(tmpDir(), 'journal.log'), 'a');
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    costs.raw.push(1e6 / (await rawDelivery(rx, N)));
    time('receiverParse', () => {
      for (const b of bodies) sink += (JSON.parse(b) as { events: unknown[] }).events.length;
    });
    let parsed: EventPayload[] = [];
    time('parse', () => {
      parsed = body.split('\n').map((l) => JSON.parse(l) as EventPayload);
    });
    time('stringify', () => {
      for (const e of parsed) sink += JSON.stringify(e).length;
    });
    time('payload', () => {
      for (const e of parsed) sink += payloadUtf8(e).end;
    });
    time('textPath', () => {
      for (const e of parseReplay(body, { keepIds: false, now: 1_764_150_000_000, uuid: uuidV4 })) sink += payloadUtf8(e).end;
    });
    time('ownForm', () => {
      sink += replayEvents(bodyBytes, { keepIds: false, now: 1_764_150_000_000, uuid: uuidV4 }).jsons.length;
    });
    time('id', () => {
      for (let i = 0; i < N; i++) sink += uuidV4().length;
    });
    time('sign', () => {
      for (const b of bodies) sink += createHmac('sha256', 'bench-signing-secret').update(b).digest('hex').length;
    });
    const res = await readerPool.request({ method: 'POST', path: '/', headers: { 'content-type': 'application/jsonl' }, body: bodyBytes });
    const read = (await res.body.json()) as { cpuUs: number; chars: number };
    if (read.chars !== body.length) throw new Error('the body reader lost characters');
    costs.read.push(read.cpuUs / N);
    time('journal', () => {
      const sum = createHash('sha1').update(bodyBytes).digest('hex');
      sink += fs.writeSync(journal, `${sum} `) + fs.writeSync(journal, bodyBytes);
    });
  }
  await rx.close();
  await readerPool.close();
  await reader.stop();
  fs.closeSync(journal);

  const keys = Object.keys(MEASURES) as Measure[];
  const width = Math.max(...keys.map((k) => MEASURES[k].label.length));
  console.log(`${'per event'.padEnd(width)}  µs (median of ${ROUNDS})  min  max`);
  for (const k of keys) {
    const v = costs[k];
    console.log(`${MEASURES[k].label.padEnd(width)}  ${median(v).toFixed(2).padStart(6)}  ${Math.min(...v).toFixed(2)}  ${Math.max(...v).toFixed(2)}`);
  }
  const raw = median(costs.raw);
  const least = keys.filter((k) => MEASURES[k].least).reduce((sum, k) => sum + median(costs[k]), 0);
  const ceiling = raw / (raw + least);
  console.log(
    `An engine doing only this for an event (read, parse, its JSON, an id, journal, sign: ${least.toFixed(2)} µs) and nothing else, no event kept or queued, no GC of what it keeps, on one thread, reaches at most ${ceiling.toFixed(3)} × raw here.`,
  );
  const leastOwn = least - OWN_FORM_REPLACES.reduce((sum, k) => sum + median(costs[k]), 0) + median(costs.ownForm);
  console.log(
    `With the line in the emulator's own form taken without a parse (read, the line to payload, JSON and id, journal, sign: ${leastOwn.toFixed(2)} µs): at most ${(raw / (raw + leastOwn)).toFixed(3)} × raw.`,
  );
  const usPerEvent = Object.fromEntries(keys.map((k) => [MEASURES[k].label, +median(costs[k]).toFixed(2)]));
  console.log(JSON.stringify({ rounds: ROUNDS, ceiling: +ceiling.toFixed(3), ceilingOwnForm: +(raw / (raw + leastOwn)).toFixed(3), events: N, bytesPerLine: Math.round(body.length / N), usPerEvent, check: sink > 0 }));
}

void main();
