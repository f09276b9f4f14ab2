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
 * lines printed are per event, medians of the rounds.
 */
import { createHmac } from 'node:crypto';
import { payloadUtf8 } from '../emulator/core/sending/eventBuilder';
import type { EventPayload } from '../emulator/core/events';
import { uuidV4 } from '../emulator/random';
import { median } from './lib';
import { rawDelivery } from './scenarios/delivery';
import { sampleEvent } from './scenarios/emulator';
import { countingReceiver } from './scenarios/receiver';

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
  };
  const per = (key: string, ms: number) => costs[key].push((ms * 1000) / N);
  const time = (key: string, fn: () => void) => {
    const t0 = performance.now();
    fn();
    per(key, performance.now() - t0);
  };
  const rx = await countingReceiver();
  await rawDelivery(rx, 2000);
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
  }
  await rx.close();
  const width = Math.max(...Object.keys(costs).map((k) => k.length));
  console.log(`${'per event'.padEnd(width)}  µs (median of ${ROUNDS})  min  max`);
  for (const [k, v] of Object.entries(costs)) {
    const s = [...v].sort((a, b) => a - b);
    console.log(`${k.padEnd(width)}  ${median(v).toFixed(2).padStart(6)}  ${s[0].toFixed(2)}  ${s[s.length - 1].toFixed(2)}`);
  }
  console.log(JSON.stringify({ rounds: ROUNDS, events: N, bytesPerLine: Math.round(body.length / N), usPerEvent: Object.fromEntries(Object.entries(costs).map(([k, v]) => [k, +median(v).toFixed(2)])), check: sink > 0 }));
}

void main();
