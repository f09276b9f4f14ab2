/**
 * Wall time of the full default retry schedule (41 attempts, 40 × 300 s) under one
 * `POST /emulator/clock/advance`, against a real receiver that always answers 500.
 * Baseline in the same run: one advance of the same length with nothing due.
 *
 *   node --import tsx bench/retrySchedule.ts [runs]
 */
import { always, startReceiver } from '../test/helpers/receiver';
import { startTestEmulator } from '../test/helpers/inProcessEmulator';

async function once(): Promise<{ scheduleMs: number; emptyMs: number; attempts: number }> {
  const t = await startTestEmulator();
  const r = await startReceiver(always(500));
  try {
    let s = performance.now();
    await t.advance(41 * 300);
    const emptyMs = performance.now() - s;
    await t.webhook({ url: r.url });
    await t.replay({ events: [{ event: 'delivery', message_id: 'm', email: 'a@b.test', sending_stream: 'transactional', sending_domain_name: 'b.test' }] });
    await t.advance(29);
    s = performance.now();
    await t.advance(1 + 40 * 300);
    const scheduleMs = performance.now() - s;
    return { scheduleMs, emptyMs, attempts: r.requests.length };
  } finally {
    await t.close();
    await r.close();
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  if (results.some((x) => x.attempts !== 41)) throw new Error(`expected 41 attempts, got ${results.map((x) => x.attempts)}`);
  console.log(
    JSON.stringify({
      bench: '41-attempt retry schedule under one clock advance',
      runs,
      attempts: 41,
      medianMs: Math.round(median(results.map((x) => x.scheduleMs))),
      minMs: Math.round(Math.min(...results.map((x) => x.scheduleMs))),
      maxMs: Math.round(Math.max(...results.map((x) => x.scheduleMs))),
      baselineEmptyAdvanceMs: Math.round(median(results.map((x) => x.emptyMs)) * 10) / 10,
    }),
  );
}

void main();
