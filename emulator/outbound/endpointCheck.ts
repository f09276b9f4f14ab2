/**
 * The endpoint check wired to the real world: undici for the requests and a real-time clock for
 * the timeout (an endpoint's latency is wall time, whatever the emulator's time scale).
 */
import { runCheck } from '../core/check/runCheck';
import type { CheckInput, CheckReport, ProbeOutcome } from '../core/check/types';
import { VirtualClock } from '../core/clock';
import { cryptoRandom } from '../random';
import { realTime } from '../realTime';
import { UndiciWebhookSender } from './webhookSender';

export async function checkEndpoint(input: CheckInput, onProbe?: (o: ProbeOutcome) => void): Promise<CheckReport> {
  // Its own connections: the check never shares sockets (or a slow endpoint's queue) with delivery.
  const sender = new UndiciWebhookSender();
  sender.preload();
  const clock = new VirtualClock(realTime, 1);
  try {
    return await runCheck(input, { sender, clock, random: cryptoRandom, onProbe });
  } finally {
    clock.stop();
    await sender.close();
  }
}
