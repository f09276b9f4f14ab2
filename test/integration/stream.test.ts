/**
 * The live stream as the real emulator process sends it: a client subscribes to
 * GET /emulator/stream, causes every event type there is (StreamEventMap in emulator/http/dto.ts),
 * and checks each payload at run time, strictly (no field missing, none undeclared), with the
 * guards derived from that same map (emulator/http/streamGuards.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamMessage } from '../../emulator/http/dto';
import { decodeStreamMessage, STREAM_EVENT_NAMES } from '../../emulator/http/streamGuards';
import { SseParser, type SseEvent } from '../../src/emulator/sseClient';
import { useEmulatorProcess } from '../helpers/emulatorProcess';

/** Polls until `cond` holds (real time, bounded): a wait, not a timing assertion. */
async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !cond(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('GET /emulator/stream, against the declared contract', () => {
  // One retry: the first failed attempt leaves the batch retrying, the second pauses its webhook.
  const t = useEmulatorProcess(['--memory', '--retries', '1']);

  it('every event type is sent, and every payload is exactly its declared type', { timeout: 60_000 }, async () => {
    const { ready } = t.emu;
    const received: SseEvent[] = [];
    const ctrl = new AbortController();
    const res = await fetch(`${ready.http}/emulator/stream`, { headers: { Authorization: `Bearer ${ready.token}` }, signal: ctrl.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reading = (async () => {
      const parser = new SseParser();
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received.push(...parser.push(decoder.decode(chunk, { stream: true })));
      } catch {
        /* aborted at the end */
      }
    })();
    const seen = (name: string) => received.some((e) => e.name === name);
    await waitFor(() => seen('hello'), 'hello');

    const ok = async (method: string, path: string, body?: unknown) => {
      const r = await t.call(method, path, body);
      assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
      return r.json;
    };
    // A sink that always answers 500 stands in for a broken endpoint.
    await ok('PUT', '/emulator/sinks/broken', { responses: [{ status: 500 }] });
    const domain = await ok('POST', '/api/domains', { domain: { domain_name: 'stream.test' } });
    await ok('PATCH', `/api/domains/${domain.id}`, { domain: { open_tracking_enabled: false } });
    const hook = (await ok('POST', '/api/webhooks', { webhook: { url: `${ready.http}/sink/broken`, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] } })).data;
    await ok('PATCH', `/api/webhooks/${hook.id}`, { webhook: { event_types: ['delivery', 'bounce'] } });
    const gone = (await ok('POST', '/api/webhooks', { webhook: { url: 'http://127.0.0.1:9/gone', webhook_type: 'email_sending', sending_stream: 'bulk', domain_id: domain.id, event_types: ['open'] } })).data;
    await ok('DELETE', `/api/webhooks/${gone.id}`);
    // From a domain the emulator creates on first use (--domains auto), verified: its mail is delivered.
    await ok('POST', '/api/send', { from: { email: 'app@sender.test' }, to: [{ email: 'ann@example.com' }], subject: 'Hi', text: 'Hi' });
    await ok('POST', '/emulator/clock/advance', { seconds: 3 }); // the delivery event
    await ok('POST', '/emulator/clock/advance', { seconds: 31 }); // the batch, its first attempt: 500, retrying
    await waitFor(() => seen('sink.request'), 'the sink to be reached');
    await ok('POST', '/emulator/clock/advance', { seconds: 301 }); // the retry: 500, failed, webhook paused
    await ok('DELETE', `/api/domains/${domain.id}`);
    await waitFor(() => STREAM_EVENT_NAMES.every(seen), 'every event type', 20_000).catch(() => {}); // the assertion below names what is missing
    assert.deepEqual(STREAM_EVENT_NAMES.filter((n) => !seen(n)), [], 'every event type was caused');
    ctrl.abort();
    await reading;

    const messages: StreamMessage[] = [];
    for (const e of received) {
      const d = decodeStreamMessage(e.name, e.data, true);
      assert.ok(d.ok, `${e.name} does not match dto.ts: ${d.ok ? '' : d.problems.join('; ')}\n${JSON.stringify(e.data)}`);
      messages.push(d.message);
    }

    // And they say what happened.
    const paused = messages.find((m) => m.name === 'webhook.paused');
    assert.ok(paused?.name === 'webhook.paused');
    assert.deepEqual({ id: paused.data.webhook.id, url: paused.data.webhook.url, active: paused.data.webhook.active, attempts: paused.data.attempts, lastError: paused.data.lastError }, { id: hook.id, url: `${ready.http}/sink/broken`, active: false, attempts: 2, lastError: 'status 500' });
    const updates = messages.flatMap((m) => (m.name === 'delivery.updated' && m.data.id === paused.data.deliveryId ? [m.data.status] : []));
    assert.deepEqual(updates, ['retrying', 'failed']);
    const sink = messages.find((m) => m.name === 'sink.request');
    assert.ok(sink?.name === 'sink.request');
    assert.deepEqual([sink.data.sink, sink.data.request.method, sink.data.request.answeredStatus], ['broken', 'POST', 500]);
    assert.ok(messages.some((m) => m.name === 'webhook.deleted' && m.data.id === gone.id));
    assert.ok(messages.some((m) => m.name === 'domain.deleted' && m.data.domain_name === 'stream.test'));
    assert.ok(messages.some((m) => m.name === 'message.created' && m.data.from === 'app@sender.test'));
  });

  it('a payload that is not what dto.ts declares is refused, with where it differs', () => {
    const bad = decodeStreamMessage('webhook.paused', { webhookId: 1, deliveryId: 7, attempts: 41, lastError: 'status 500' }, true);
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.problems.includes('webhook.paused.webhook: missing') && bad.problems.includes('webhook.paused.webhookId: not declared in dto.ts'));
    assert.equal(decodeStreamMessage('webhook.exploded', {}).ok, false);
  });
});
