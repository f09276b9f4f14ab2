/**
 * The endpoint check's core: the batches it builds (Mailtrap's shapes, signed), and its verdicts
 * decided from what a sender got back, with the timeout on an injected clock.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyWebhookSignature } from 'mailtrap';
import { ProbeFactory } from '../../../emulator/core/check/probes';
import { lateWindowMs, runCheck } from '../../../emulator/core/check/runCheck';
import type { CheckInput, ProbeKind } from '../../../emulator/core/check/types';
import { VirtualClock } from '../../../emulator/core/clock';
import { parseBody } from '../../../emulator/core/delivery/body';
import type { SendRequest, SendResult, WebhookSender } from '../../../emulator/core/delivery/types';
import { PAYLOAD_EVENT_NAMES } from '../../../emulator/core/types';
import { FakeRealTime } from '../../helpers/fakeTime';

let n = 0;
const random = { uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, hex: (b: number) => 'f'.repeat(b * 2) };
const SECRET = '0123456789abcdef0123456789abcdef';
const input = (over: Partial<CheckInput> = {}): CheckInput => ({ url: 'http://127.0.0.1:1/h', secret: SECRET, format: 'json', timeoutMs: 30_000, ...over });

/** A sender that answers from a script per probe (recognised by its body), after `ms` of fake real time. */
function scripted(real: FakeRealTime, answer: (req: SendRequest, kind: string) => { status: number | null; ms?: number; error?: string }) {
  const seen: { req: SendRequest; kind: string }[] = [];
  const sender: WebhookSender = {
    async send(req) {
      const body = typeof req.body === 'string' ? req.body : Buffer.from(req.body).toString('utf8');
      const events = parseBody(body, req.headers['Content-Type'] === 'application/jsonl' ? 'jsonlines' : 'json');
      const again = seen.some((s) => s.req.body === req.body);
      const kind = again ? 'redelivery' : events.length === 500 ? 'batch-500' : events.length === 9 ? 'event-types' : verifyWebhookSignature(body, req.headers['Mailtrap-Signature'], SECRET) ? 'basic' : 'wrong-signature';
      seen.push({ req, kind });
      const a = answer(req, kind);
      if (a.status === null && !a.error) {
        // Hangs until the check gives up.
        await new Promise<void>((resolve) => req.signal.addEventListener('abort', () => resolve()));
        return { status: null, headers: {}, body: '', truncated: false, error: 'aborted', durationMs: 0 } satisfies SendResult;
      }
      return { status: a.status, headers: {}, body: '', truncated: false, error: a.error ?? null, durationMs: a.ms ?? 5 };
    },
    async close() {},
  };
  return { sender, seen };
}

const failing = (r: { checks: { id: string; ok: boolean }[] }) => r.checks.filter((c) => !c.ok).map((c) => c.id);

describe('endpoint check probes', () => {
  it('are Mailtrap-shaped and signed with the secret: nine types, 500 events, a byte-identical redelivery, a wrong signature', () => {
    const p = new ProbeFactory(SECRET, random, () => Date.UTC(2026, 0, 1));
    const types = p.eventTypes('jsonlines');
    assert.deepEqual(parseBody(types.body, 'jsonlines').map((e) => e.event), [...PAYLOAD_EVENT_NAMES]);
    assert.ok(verifyWebhookSignature(types.body, types.signature, SECRET));
    const full = p.fullBatch('json');
    const events = parseBody(full.body, 'json');
    assert.equal(events.length, 500);
    assert.equal(new Set(events.map((e) => e.event_id)).size, 500);
    assert.deepEqual(new Set(events.map((e) => e.sending_stream)), new Set(['transactional', 'bulk']));
    const bounce = events.find((e) => e.event === 'bounce')!;
    assert.equal(bounce.response_code, 550);
    assert.equal(bounce.bounce_category, 'badrecipient');
    const again = p.redelivery(types);
    assert.equal(again.body, types.body);
    assert.equal(again.signature, types.signature);
    const wrong = p.wrongSignature('json');
    assert.equal(verifyWebhookSignature(wrong.body, wrong.signature, SECRET), false);
  });
});

describe('endpoint check verdicts', () => {
  const run = async (answer: Parameters<typeof scripted>[1], over: Partial<CheckInput> = {}) => {
    const real = new FakeRealTime();
    const clock = new VirtualClock(real, 1);
    const { sender, seen } = scripted(real, answer);
    const pending = runCheck(input(over), { sender, clock, random });
    // Fake real time moves only here: enough for any timeout and late window to pass.
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      real.tick(10_000);
    }
    const report = await pending;
    return { report, kinds: seen.map((s) => s.kind as ProbeKind) };
  };
  const good = (_: SendRequest, kind: string) => ({ status: kind === 'wrong-signature' ? 401 : 200 });

  it('a good handler passes everything, after five probes in order', async () => {
    const { report, kinds } = await run(good);
    assert.deepEqual(failing(report), []);
    assert.equal(report.ok, true);
    assert.deepEqual(kinds, ['basic', 'event-types', 'batch-500', 'redelivery', 'wrong-signature']);
  });

  it('one mistake fails one check', async () => {
    const cases: [string, Parameters<typeof scripted>[1], string[]][] = [
      ['202', (r, k) => ({ status: k === 'wrong-signature' ? 401 : 202 }), ['status-200']],
      ['201 on the big batch only', (r, k) => ({ status: k === 'batch-500' ? 201 : good(r, k).status }), ['status-200']],
      ['slow big batch', (r, k) => ({ status: good(r, k).status, ms: k === 'batch-500' ? 31_000 : 5 }), ['latency']],
      ['413 on the big batch', (r, k) => ({ status: k === 'batch-500' ? 413 : good(r, k).status }), ['batch-500']],
      ['chokes on a type', (r, k) => ({ status: k === 'event-types' || k === 'redelivery' ? 500 : good(r, k).status }), ['event-types', 'redelivery']],
      ['409 on a duplicate', (r, k) => ({ status: k === 'redelivery' ? 409 : good(r, k).status }), ['redelivery']],
      ['no signature check', () => ({ status: 200 }), ['signature']],
    ];
    for (const [name, answer, expected] of cases) {
      const { report } = await run(answer);
      assert.deepEqual(failing(report), expected, name);
      assert.equal(report.ok, expected.every((id) => id === 'signature'), name);
    }
  });

  it('JSON Lines refused but JSON accepted: only `format` fails, the rest is checked as JSON', async () => {
    const { report, kinds } = await run((r, k) => ({ status: r.headers['Content-Type'] === 'application/jsonl' ? 400 : good(r, k).status }), { format: 'jsonlines' });
    assert.deepEqual(failing(report), ['format']);
    assert.deepEqual(kinds, ['basic', 'basic', 'event-types', 'batch-500', 'redelivery', 'wrong-signature']);
    assert.match(report.checks.find((c) => c.id === 'event-types')!.detail, /sent as JSON: the endpoint refused JSON Lines, see format/);
  });

  it('a handler that never answers: the clock ends the first probe after the timeout and its late window, and the check stops', async () => {
    const { report, kinds } = await run(() => ({ status: null }), { timeoutMs: 2_000 });
    assert.deepEqual(kinds, ['basic']);
    assert.equal(lateWindowMs(2_000), 5_000);
    const latency = report.checks.find((c) => c.id === 'latency')!;
    assert.equal(latency.detail, 'no answer within 2 s to a one-event batch');
    assert.match(report.checks.find((c) => c.id === 'batch-500')!.detail, /^not checked: the endpoint did not answer the first batch in time$/);
    assert.equal(report.ok, false);
  });

  it('a handler that refuses every batch is not credited with verifying signatures', async () => {
    const { report } = await run(() => ({ status: 500 }));
    const sig = report.checks.find((c) => c.id === 'signature')!;
    assert.equal(sig.ok, false);
    assert.match(sig.detail, /^not conclusive/);
  });
});
