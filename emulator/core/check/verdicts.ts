/**
 * Pure verdicts: what the probes got back → one result per check, each failure with its fix.
 * Each check judges one rule, so one mistake fails one check: "accepted" is any 2xx (the exact
 * 200 is `status-200`'s rule), and a late answer still tells whether the batch was accepted
 * (lateness is `latency`'s rule).
 */
import type { PayloadFormat } from '../types';
import { FULL_BATCH } from './probes';
import { isAccepted, type CheckId, type CheckInput, type CheckReport, type CheckResult, type ProbeKind, type ProbeOutcome } from './types';

export type Outcomes = Partial<Record<ProbeKind, ProbeOutcome>>;

const secs = (ms: number): string => `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
const kb = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;
const formatName = (f: PayloadFormat): string => (f === 'jsonlines' ? 'JSON Lines' : 'JSON');

const BATCH_NAMES: Record<ProbeKind, string> = {
  basic: 'a one-event batch',
  'basic-json': 'a one-event batch as JSON',
  'event-types': 'a batch with one event of each of the nine types',
  'batch-500': `a full batch of ${FULL_BATCH} events`,
  redelivery: 'the same batch sent again (same event_id values)',
  'wrong-signature': 'a batch signed with the wrong secret',
};

/** What came back, in a few words: "answered 204", "no answer within 30 s", "could not connect (ECONNREFUSED)". */
export function describeAnswer(o: ProbeOutcome, timeoutMs: number): string {
  if (o.status === null) {
    if (o.late) return `no answer within ${secs(timeoutMs)}`;
    return `no answer (${o.error ?? 'connection failed'})`;
  }
  let s = `answered ${o.status}`;
  if (o.location) s += ` redirecting to ${o.location}`;
  if (o.error) s += ` but the answer was cut short (${o.error})`;
  if (o.late) s += ` after ${secs(o.durationMs)}, later than Mailtrap waits (${secs(timeoutMs)})`;
  return s;
}

/** A fix for a refusal that is not about the check's own rule (wrong URL, auth, crash…), or null. */
export function refusalFix(o: ProbeOutcome): string | null {
  const s = o.status;
  if (s === null) {
    return o.late
      ? null
      : 'Mailtrap could not reach the endpoint: check that the handler is running and the URL (host, port, path) is right.';
  }
  if (s >= 300 && s < 400) return 'Mailtrap does not follow redirects: use the final URL (https, trailing slash and all) as the webhook URL.';
  if (s === 401 || s === 403) {
    return 'A correctly signed batch was refused: check that --secret is this webhook\'s signing secret and that the HMAC is computed over the raw body bytes, before any JSON parsing.';
  }
  if (s === 404 || s === 405) return 'Check the URL path and that the handler accepts POST.';
  if (s === 413) return 'Raise the body size limit (express.json() accepts 100 KB by default; a full batch needs more: express.json({ limit: \'10mb\' })).';
  return null;
}

interface Judged {
  ok: boolean;
  detail: string;
  fix?: string;
}

const notChecked = (why: string): Judged => ({ ok: false, detail: `not checked: ${why}` });

function fallbackNote(o: ProbeOutcome, input: CheckInput): string {
  return o.format !== input.format ? ` (sent as ${formatName(o.format)}: the endpoint refused ${formatName(input.format)}, see format)` : '';
}

/** An acceptance check over one probe: ok on any 2xx (late or not), else the probe's refusal with `fix`. */
function acceptance(o: ProbeOutcome | undefined, input: CheckInput, stop: string | null, fix: string): Judged {
  if (!o) return notChecked(stop ?? 'the probe was not sent');
  const what = BATCH_NAMES[o.kind];
  const size = o.eventCount > 1 ? `, ${kb(o.bytes)}` : '';
  if (isAccepted(o)) return { ok: true, detail: `accepted ${what}${size}: ${describeAnswer(o, input.timeoutMs)}${fallbackNote(o, input)}` };
  if (o.status === null && o.late) return { ok: false, detail: `${describeAnswer(o, input.timeoutMs)} to ${what}${fallbackNote(o, input)}`, fix: 'See latency.' };
  return { ok: false, detail: `${describeAnswer(o, input.timeoutMs)} to ${what}${size}${fallbackNote(o, input)}`, fix: refusalFix(o) ?? fix };
}

/** The correctly signed one-event batch in a format the endpoint takes, if any. */
function baseline(out: Outcomes): ProbeOutcome | undefined {
  if (isAccepted(out.basic)) return out.basic;
  return out['basic-json'] ?? out.basic;
}

const FIX: Record<CheckId, string> = {
  'status-200':
    'Answer with status 200 exactly (express: res.sendStatus(200)), not 201, 202 or 204: Mailtrap counts only 200 as delivered, retries anything else 40 times, every 5 minutes, and then pauses the webhook.',
  latency:
    'Answer 200 as soon as the batch is received (store or queue it) and process the events afterwards: Mailtrap waits 30 s at most, then sends the whole batch again.',
  'event-types':
    'Handle all nine event types, including "soft bounce" (with a space), "spam", "suspension" and "reject", and fields only some carry (response, bounce_category, reason, url); ignore the types you do not use and still answer 200.',
  'batch-500':
    `Mailtrap sends up to ${FULL_BATCH} events in one POST: allow a body of several MB (express.json({ limit: '10mb' })), and store them in one go (a bulk insert or a queue) rather than one slow call per event.`,
  format: '',
  redelivery:
    'Mailtrap resends a whole batch, with the same event_id values, after a failed or slow attempt: treat an event_id you already have as done (skip it, do not fail on a unique key) and answer 200.',
  signature:
    'Verify Mailtrap-Signature: the lowercase hex HMAC-SHA256 of the raw body keyed by the signing secret (verifyWebhookSignature from the mailtrap package does it), compared in constant time; answer 401 when it does not match.',
};

const FORMAT_FIX: Record<PayloadFormat, string> = {
  json: 'Parse the body as JSON: {"events":[…]} with Content-Type application/json.',
  jsonlines:
    'This webhook sends JSON Lines (Content-Type application/jsonl, one event a line): read the raw body as text, split it on newlines and JSON.parse each non-empty line, or create the webhook with payload_format json.',
};

function status200(out: Outcomes, input: CheckInput): Judged {
  const base = baseline(out);
  if (!base) return notChecked('no batch was sent');
  const odd = (Object.values(out) as ProbeOutcome[]).filter(
    (o) => o.kind !== 'wrong-signature' && o.status !== null && o.status !== 200 && o.status >= 200 && o.status < 300,
  );
  if (base.status === 200 && base.error === null && odd.length === 0) {
    return { ok: true, detail: `answered 200 to ${BATCH_NAMES[base.kind]}, and no other 2xx to any batch` };
  }
  const first = base.status !== null && base.status >= 200 && base.status < 300 && base.status !== 200 ? base : odd[0];
  if (first) {
    return {
      ok: false,
      detail: `answered ${first.status} instead of 200 to ${BATCH_NAMES[first.kind]}: Mailtrap would retry it 40 times, every 5 minutes, and then pause the webhook`,
      fix: FIX['status-200'],
    };
  }
  if (base.status === null && base.late) return { ok: false, detail: `${describeAnswer(base, input.timeoutMs)} to ${BATCH_NAMES[base.kind]}`, fix: 'See latency.' };
  return { ok: false, detail: `${describeAnswer(base, input.timeoutMs)} to ${BATCH_NAMES[base.kind]}`, fix: refusalFix(base) ?? 'The handler failed on a plain delivery event: see its logs.' };
}

function latency(out: Outcomes, input: CheckInput): Judged {
  const all = Object.values(out) as ProbeOutcome[];
  const measured = all.filter((o) => o.status !== null || o.late);
  if (!measured.length) return notChecked('no batch got an answer');
  const late = measured.filter((o) => o.late);
  if (late.length) {
    const worst = late.map((o) => `${describeAnswer(o, input.timeoutMs)} to ${BATCH_NAMES[o.kind]}`);
    return { ok: false, detail: `${worst[0]}${late.length > 1 ? ` (and ${late.length - 1} more late)` : ''}`, fix: FIX.latency };
  }
  const slowest = measured.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  return { ok: true, detail: `every batch answered within ${secs(input.timeoutMs)} (slowest: ${Math.round(slowest.durationMs)} ms, ${BATCH_NAMES[slowest.kind]})` };
}

function format(out: Outcomes, input: CheckInput): Judged {
  const o = out.basic;
  if (!o) return notChecked('no batch was sent');
  const name = formatName(input.format);
  if (isAccepted(o)) return { ok: true, detail: `accepted ${name} (${input.format === 'jsonlines' ? 'application/jsonl, one event a line' : 'application/json, {"events":[…]}'})` };
  const json = out['basic-json'];
  const also = json ? (isAccepted(json) ? ', but accepted the same batch as JSON' : ', and refused it as JSON too') : '';
  if (o.status === null) return { ok: false, detail: `${describeAnswer(o, input.timeoutMs)} to a ${name} batch`, fix: refusalFix(o) ?? 'See latency.' };
  const fix = json && !isAccepted(json) ? (refusalFix(o) ?? FORMAT_FIX[input.format]) : FORMAT_FIX[input.format];
  return { ok: false, detail: `${describeAnswer(o, input.timeoutMs)} to a ${name} batch${also}`, fix };
}

function signature(out: Outcomes, input: CheckInput, stop: string | null): Judged {
  const o = out['wrong-signature'];
  if (!o) return notChecked(stop ?? 'the probe was not sent');
  if (isAccepted(o)) {
    return {
      ok: false,
      detail: `${describeAnswer(o, input.timeoutMs)} to a batch signed with the wrong secret: the handler does not verify signatures, so anyone who knows the URL can post fake events`,
      fix: FIX.signature,
    };
  }
  if (!isAccepted(baseline(out))) {
    return { ok: false, detail: `not conclusive: the endpoint ${describeAnswer(o, input.timeoutMs)} to a wrongly signed batch, but refused correctly signed batches too` };
  }
  return { ok: true, detail: `verifies signatures: ${describeAnswer(o, input.timeoutMs)} to a batch signed with the wrong secret` };
}

/**
 * The report. `stop` says why the check stopped early (the endpoint never answered the first
 * batch); checks whose probes were not sent fail with it.
 */
export function judge(input: CheckInput, out: Outcomes, stop: string | null = null): CheckReport {
  const judged: Record<CheckId, Judged> = {
    'status-200': status200(out, input),
    latency: latency(out, input),
    'event-types': acceptance(out['event-types'], input, stop, FIX['event-types']),
    'batch-500': acceptance(out['batch-500'], input, stop, FIX['batch-500']),
    format: format(out, input),
    redelivery: acceptance(out.redelivery, input, stop, FIX.redelivery),
    signature: signature(out, input, stop),
  };
  const checks: CheckResult[] = (Object.keys(judged) as CheckId[]).map((id) => {
    const j = judged[id];
    const r: CheckResult = { id, ok: j.ok, severity: id === 'signature' ? 'warning' : 'required', detail: j.detail };
    if (!j.ok && j.fix) r.fix = j.fix;
    return r;
  });
  return { ok: checks.every((c) => c.ok || c.severity !== 'required'), checks };
}
