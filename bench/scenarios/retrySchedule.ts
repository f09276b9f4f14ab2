/**
 * The whole default retry schedule (41 attempts, 40 × 300 s) of one batch under a single
 * `POST /emulator/clock/advance`, against the express receiver answering 500 every time.
 * For reference only, the same advance with nothing due is measured too.
 */
import { client, sampleEvent, startEmulator, webhookFor } from './emulator';
import { countingReceiver } from './receiver';

const SPAN_S = 40 * 300 + 60;

export async function retrySchedule(): Promise<{ ms: number; emptyMs: number; attempts: number }> {
  const rx = await countingReceiver(500);
  const emu = await startEmulator(['--memory']);
  const c = client(emu.ready);
  try {
    let t0 = performance.now();
    await c.call('POST', '/emulator/clock/advance', { seconds: SPAN_S });
    const emptyMs = performance.now() - t0;
    await c.call('POST', '/api/webhooks', webhookFor(rx.url));
    await c.call('POST', '/emulator/replay', { events: [sampleEvent(1)] });
    await c.call('POST', '/emulator/clock/advance', { seconds: 29 }); // the batch window, minus 1 s
    t0 = performance.now();
    await c.call('POST', '/emulator/clock/advance', { seconds: 1 + SPAN_S }); // attempt 1 … 41
    const ms = performance.now() - t0;
    return { ms, emptyMs, attempts: rx.requests };
  } finally {
    await c.close();
    await emu.stop();
    await rx.close();
  }
}
