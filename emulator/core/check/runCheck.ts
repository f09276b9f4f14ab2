/**
 * Runs the endpoint check: the probes one after another through the outbound port, each ended
 * by the injected clock. An answer later than the timeout still counts for acceptance (so one
 * slow handler fails `latency` only), but the check waits at most `lateMs` more for it.
 */
import type { Clock } from '../clock';
import { USER_AGENT } from '../delivery/attempt';
import { contentType } from '../delivery/body';
import { SIGNATURE_HEADER } from '../delivery/signature';
import type { WebhookSender } from '../delivery/types';
import type { Random } from '../ports';
import { ProbeFactory } from './probes';
import { isAccepted, type CheckInput, type CheckReport, type Probe, type ProbeOutcome } from './types';
import { judge, type Outcomes } from './verdicts';

export interface CheckDeps {
  sender: WebhookSender;
  /** Ends probes; a real-time clock (an endpoint's latency is not emulated time). */
  clock: Clock;
  random: Random;
  /** Emitted after each probe (progress in the CLI and the extension). */
  onProbe?: (o: ProbeOutcome) => void;
}

/** How long past the timeout a late answer is still waited for: the timeout again, from 5 to 10 s. */
export const lateWindowMs = (timeoutMs: number): number => Math.min(Math.max(timeoutMs, 5_000), 10_000);

export async function sendProbe(deps: CheckDeps, url: string, probe: Probe, timeoutMs: number): Promise<ProbeOutcome> {
  const ac = new AbortController();
  let gaveUp = false;
  const timer = deps.clock.after(timeoutMs + lateWindowMs(timeoutMs), () => {
    gaveUp = true;
    ac.abort();
  });
  let r;
  try {
    r = await deps.sender.send({
      url,
      headers: { 'Content-Type': contentType(probe.format), 'User-Agent': USER_AGENT, [SIGNATURE_HEADER]: probe.signature },
      body: probe.body,
      signal: ac.signal,
    });
  } finally {
    timer.cancel();
  }
  const status = gaveUp ? null : r.status;
  const location = status !== null && status >= 300 && status < 400 ? (Object.entries(r.headers).find(([k]) => k.toLowerCase() === 'location')?.[1] ?? null) : null;
  return {
    kind: probe.kind,
    format: probe.format,
    eventCount: probe.eventCount,
    bytes: Buffer.byteLength(probe.body),
    status,
    error: gaveUp ? `no answer within ${Math.round((timeoutMs + lateWindowMs(timeoutMs)) / 1000)} s` : r.error,
    durationMs: Math.max(0, Math.round(r.durationMs)),
    late: gaveUp || r.durationMs > timeoutMs,
    location,
  };
}

export async function runCheck(input: CheckInput, deps: CheckDeps): Promise<CheckReport> {
  const probes = new ProbeFactory(input.secret, deps.random, () => deps.clock.now());
  const out: Outcomes = {};
  const send = async (p: Probe): Promise<ProbeOutcome> => {
    const o = await sendProbe(deps, input.url, p, input.timeoutMs);
    out[p.kind] = o;
    deps.onProbe?.(o);
    return o;
  };

  const basic = await send(probes.basic(input.format));
  // A JSON Lines batch refused: is it the format, or everything? The same batch as JSON tells.
  if (input.format === 'jsonlines' && basic.status !== null && !isAccepted(basic)) await send(probes.basic('json', 'basic-json'));
  const first = out['basic-json'] ?? basic;
  if (first.status === null) {
    // Nothing answered at all: every further probe would wait as long and tell nothing new.
    const why = first.late ? 'the endpoint did not answer the first batch in time' : `the endpoint could not be reached (${first.error})`;
    return judge(input, out, why);
  }
  // The other rules are checked in the format the endpoint takes, so a format problem fails `format` alone.
  const format = isAccepted(basic) || !isAccepted(out['basic-json']) ? input.format : 'json';
  const types = probes.eventTypes(format);
  await send(types);
  await send(probes.fullBatch(format));
  await send(probes.redelivery(types));
  await send(probes.wrongSignature(format));
  return judge(input, out);
}
