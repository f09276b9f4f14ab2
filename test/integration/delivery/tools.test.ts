/** The test button, the sink, replay validation, status and the live stream. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyWebhookSignature } from 'mailtrap';
import { always } from '../../helpers/receiver';
import { sharedSample, useTestEmulator } from '../../helpers/inProcessEmulator';
import { MAX_REPLAY_EVENTS, REPLAY_PART } from '../../../emulator/core/replay';
import { REUSE_FROM } from '../../../emulator/http/reusedBody';
import { SHARED_FROM } from '../../../emulator/http/replayLines';
import * as net from 'node:net';

const sample = sharedSample;
const fx = useTestEmulator();
const receiver = fx.receiver;


describe('test button', () => {
  it('sends one signed dummy event per selected type at once; ok only for 200; no retries', async () => {
    const r = await receiver(always(200));
    const hook = await fx.t.webhook({ url: r.url, event_types: ['delivery', 'soft_bounce', 'spam_complaint', 'click'] });
    const res = await fx.t.call('POST', `/emulator/webhooks/${hook.id}/test`);
    assert.equal(res.status, 200);
    assert.equal(res.json.ok, true);
    assert.equal(res.json.status, 200);
    assert.equal(res.json.error, null);
    assert.equal(typeof res.json.durationMs, 'number');
    assert.equal(r.requests.length, 1, 'sent at once, without waiting for a batch window');
    const q = r.requests[0];
    assert.deepEqual(JSON.parse(q.body).events.map((e: { event: string }) => e.event), ['delivery', 'soft bounce', 'spam', 'click']);
    assert.ok(verifyWebhookSignature(q.body, String(q.headers['mailtrap-signature']), hook.signing_secret));

    const failing = await receiver(() => ({ status: 202, body: 'accepted' }));
    const hook2 = await fx.t.webhook({ url: failing.url, payload_format: 'jsonlines' });
    const res2 = await fx.t.call('POST', `/emulator/webhooks/${hook2.id}/test`);
    assert.deepEqual({ ok: res2.json.ok, status: res2.json.status, body: res2.json.responseBody }, { ok: false, status: 202, body: 'accepted' });
    assert.equal(failing.requests[0].headers['content-type'], 'application/jsonl');
    await fx.t.advance(3600);
    assert.equal(failing.requests.length, 1, 'the test is never retried');
    const [d] = (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook2.id}`)).json.data;
    assert.equal(d.kind, 'test');
    assert.equal(d.status, 'failed');
    assert.equal((await fx.t.call('GET', `/api/webhooks/${hook2.id}`)).json.data.active, true, 'a failed test does not pause');
    assert.equal((await fx.t.call('POST', '/emulator/webhooks/424242/test')).status, 404);
  });
});

describe('sink', () => {
  it('records what reaches it and answers from its script', async () => {
    const put = await fx.t.call('PUT', '/emulator/sinks/demo', { responses: [{ status: 500, body: 'nope' }, { status: 200, delayMs: 20 }] });
    assert.equal(put.status, 200);
    const sinkUrl = put.json.data.url;
    assert.equal(sinkUrl, `${fx.t.emu.ready.http}/sink/demo`);
    const hook = await fx.t.webhook({ url: `${sinkUrl}?token=s3cret`, event_types: ['bounce'], sending_stream: 'bulk' });
    await fx.t.replay(sample('bulk-bounce-storm.jsonl'));
    await fx.t.advance(30);
    await fx.t.advance(300);
    const got = (await fx.t.call('GET', '/emulator/sinks/demo')).json.data;
    assert.deepEqual(got.requests.map((x: { answeredStatus: number }) => x.answeredStatus), [500, 200]);
    const [first, second] = got.requests;
    assert.equal(first.method, 'POST');
    assert.equal(first.query, 'token=s3cret');
    assert.equal(second.body, first.body);
    assert.ok(verifyWebhookSignature(first.body, first.headers['mailtrap-signature'], hook.signing_secret));
    assert.equal(first.headers.authorization, undefined, 'the sink needs no token');
    const [d] = (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}`)).json.data;
    assert.equal(d.status, 'delivered');

    assert.equal((await fx.t.call('DELETE', '/emulator/sinks/demo')).status, 204);
    assert.deepEqual((await fx.t.call('GET', '/emulator/sinks/demo')).json.data.requests, []);
  });

  it('a hanging sink ends in the emulator timeout; bad scripts are a 400', async () => {
    await fx.t.call('PUT', '/emulator/sinks/slow', { responses: [{ hang: true }, { status: 200 }] });
    const hook = await fx.t.webhook({ url: `${fx.t.emu.ready.http}/sink/slow`, event_types: ['open'] });
    await fx.t.replay({ events: [{ event: 'open', message_id: 'm', email: 'a@b.test', sending_stream: 'transactional', sending_domain_name: 'b.test' }] });
    await fx.t.advance(30);
    await fx.t.advance(30);
    const [d] = (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}`)).json.data;
    assert.equal(d.status, 'retrying');
    assert.match(d.attempts[0].error, /timeout/);
    for (const bad of [{}, { responses: [] }, { responses: [{ status: 99 }] }, { responses: [{ delayMs: -1 }] }, { responses: [{ status: 200 }], repeat: 'x' }]) {
      const res = await fx.t.call('PUT', '/emulator/sinks/x', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(typeof res.json.error, 'string');
    }
    assert.equal((await fx.t.call('GET', '/emulator/sinks/x', undefined, { Authorization: 'Bearer wrong' })).status, 401);
  });
});

describe('replay', () => {
  it('JSON and JSON Lines samples, with fresh ids and timestamps unless keep_ids', async () => {
    const json = JSON.parse(sample('all-event-types.json'));
    const a = await fx.t.replay(json);
    assert.equal(a.recorded, 9);
    const sampleIds = json.events.map((e: { event_id: string }) => e.event_id);
    assert.ok(a.event_ids.every((id: string) => !sampleIds.includes(id)), 'fresh event ids');
    const stored = fx.t.emu.core.events.list({ limit: 1 })[0].payload;
    assert.ok(Math.abs(stored.timestamp - fx.t.emu.core.clock.now() / 1000) < 5, 'the current virtual time');

    const jsonl = sample('bulk-bounce-storm.jsonl');
    const kept = await fx.t.replay(jsonl, '?keep_ids=true');
    assert.equal(kept.recorded, 40);
    assert.deepEqual(kept.event_ids, jsonl.trim().split('\n').map((l) => JSON.parse(l).event_id));
  });

  // The answer's event ids are written as bytes as they come (issue 13): each is what the request
  // said with keep_ids, whatever characters it holds, and the answer is JSON as res.json sends it.
  it('with keep_ids, the answer names each event id as it came, any character in it', async () => {
    const ids = ['plain-id', 'q"uote', 'back\\slash', 'caf\u00e9', 'ctl\u0001\u001f', 'line\u2028sep', 'emoji \ud83d\ude00', 'a b'];
    const events = ids.map((event_id, i) => ({ event: 'open', message_id: `m-k${i}`, event_id, timestamp: 1, email: 'k@b.test', sending_stream: 'transactional', sending_domain_name: 'b.test' }));
    const res = await fetch(`${fx.t.emu.ready.http}/emulator/replay?keep_ids=true`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fx.t.emu.ready.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    const text = await res.text();
    assert.equal(text, JSON.stringify({ data: { recorded: ids.length, event_ids: ids } }), 'the text JSON.stringify makes of the same answer');
  });

  // JSON Lines in UTF-8 are read off their bytes (issue 13: a line in the emulator's own form is
  // taken without a JSON parse); any other charset is decoded first. Either way a line means what
  // its text says: a byte order mark and CRLF endings are allowed, and each line's text is its own.
  it('JSON Lines as their text says, in UTF-8 (byte order mark, CRLF, non-ASCII) and in another charset', async () => {
    const post = async (body: Buffer, contentType: string) => {
      const res = await fetch(`${fx.t.emu.ready.http}/emulator/replay`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${fx.t.emu.ready.token}`, 'Content-Type': contentType },
        body,
      });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { data: { event_ids: string[] } }).data.event_ids;
    };
    const base = { event: 'delivery', message_id: 'm-lines', event_id: 'old', timestamp: 1, email: 'lines@b.test', sending_stream: 'transactional', sending_domain_name: 'b.test' };
    const own = JSON.stringify({ ...base, category: 'plain', custom_variables: { n: 1, ok: true } });
    const accented = JSON.stringify({ ...base, category: 'caf\u00e9 \u2028 \ud83d\ude00' });
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${own}\r\n${accented}\r\n\r\n${own}`)]);
    const ids = await post(utf8, 'application/jsonl; charset=UTF-8');
    const latin1 = Buffer.from(`${JSON.stringify({ ...base, category: 'caf\u00e9' })}\n${own}`, 'latin1');
    ids.push(...(await post(latin1, 'application/x-ndjson; charset=ISO-8859-1')));
    const got = ids.map((id) => fx.t.emu.core.events.list({ limit: 500 }).find((e) => e.payload.event_id === id)!);
    assert.deepEqual(
      got.map((e) => e.payload.category),
      ['plain', 'caf\u00e9 \u2028 \ud83d\ude00', 'plain', 'caf\u00e9', 'plain'],
    );
    for (const e of got) {
      assert.equal(e.payload.email, 'lines@b.test');
      assert.notEqual(e.payload.event_id, 'old');
      // The stored JSON (the body a webhook gets) is the payload's, fresh id and time included.
      assert.equal(typeof e.json === 'string' ? e.json : e.json.text(), JSON.stringify(e.payload));
    }
    assert.deepEqual(got[0].payload.custom_variables, { n: 1, ok: true });
  });

  it('a bad event is a 400 naming it, and nothing is recorded', async () => {
    const before = fx.t.emu.core.events.count({});
    const lines = sample('bulk-bounce-storm.jsonl').trim().split('\n');
    lines[2] = JSON.stringify({ ...JSON.parse(lines[2]), event: 'exploded' });
    let r = await fx.t.call('POST', '/emulator/replay', lines.join('\n'), { 'Content-Type': 'application/jsonl' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /line 3: 'event'/);
    lines[2] = '{not json';
    r = await fx.t.call('POST', '/emulator/replay', lines.join('\n'), { 'Content-Type': 'application/x-ndjson' });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /line 3: not valid JSON/);
    r = await fx.t.call('POST', '/emulator/replay', { events: [{ event: 'delivery' }] });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /events\[0\]: 'message_id' is required/);
    r = await fx.t.call('POST', '/emulator/replay', { nope: true });
    assert.equal(r.status, 400);
    assert.equal(fx.t.emu.core.events.count({}), before);
  });

  // A replay is recorded in parts as its lines are read (issue 13: a part's objects die young),
  // all in one transaction: it answers as one recording does.
  it('a replay longer than a part is one recording: a refused line or one event too many rolls back every part; a whole one is announced once, in order', async () => {
    const r = await receiver(always(200));
    const hook = await fx.t.webhook({ url: r.url, event_types: ['soft_bounce'] });
    const n = REPLAY_PART * 2 + 500;
    const event = (i: number) => ({
      event: 'soft bounce',
      message_id: `m-part-${i % 70}`,
      event_id: 'old',
      timestamp: 1,
      email: `Part${i}@B.test`,
      sending_stream: 'transactional',
      sending_domain_name: 'b.test',
      response: '452 mailbox full',
      response_code: 452,
    });
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify(event(i)));
    const jsonl = { 'Content-Type': 'application/jsonl' };
    const before = fx.t.emu.core.events.count({});
    const announced: number[][] = [];
    const off = fx.t.emu.core.bus.on('events.recorded', ({ ids }) => announced.push([...ids]));
    try {
      const bad = [...lines];
      bad[n - 10] = JSON.stringify({ ...event(n - 10), email: ' ' });
      let res = await fx.t.call('POST', '/emulator/replay', bad.join('\n'), jsonl);
      assert.equal(res.status, 400);
      assert.match(res.json.error, new RegExp(`line ${n - 9}: 'email' is required`), 'the line past two parts is named');
      bad[n - 10] = '{"event":';
      res = await fx.t.call('POST', '/emulator/replay', bad.join('\n'), jsonl);
      assert.match(res.json.error, new RegExp(`line ${n - 9}: not valid JSON`));
      res = await fx.t.call('POST', '/emulator/replay', Array.from({ length: MAX_REPLAY_EVENTS + 1 }, (_, i) => lines[i % n]).join('\n'), jsonl);
      assert.equal(res.status, 400);
      assert.match(res.json.error, new RegExp(`at most ${MAX_REPLAY_EVENTS} events per replay`));
      assert.equal(fx.t.emu.core.events.count({}), before, 'no part of a refused replay is kept');
      assert.equal(announced.length, 0, 'nor announced');
      await fx.t.advance(30);
      assert.equal(r.requests.length, 0, 'nor queued');

      const ok = await fx.t.replay(lines.join('\n'));
      assert.equal(ok.recorded, n);
      assert.equal(new Set(ok.event_ids).size, n, 'each a fresh id');
      assert.equal(announced.length, 1, 'announced once');
      assert.equal(announced[0].length, n);
      assert.ok(announced[0].every((id, i) => i === 0 || id === announced[0][i - 1] + 1), 'by its ids, in order');
      assert.equal(fx.t.emu.core.events.count({}), before + n);
      await fx.t.advance(30);
      const bodies = r.requests.map((q) => JSON.parse(q.body).events as { event_id: string; email: string; response_code: number }[]);
      assert.deepEqual(bodies.map((b) => b.length), [500, 500, 500, 500, 500, 48]);
      assert.deepEqual(bodies.flat().map((e) => e.event_id), ok.event_ids, 'every event once, in line order');
      assert.deepEqual(bodies.flat().map((e) => e.email), lines.map((_, i) => `Part${i}@B.test`));

      // A batch's record lists its first 50 distinct message ids, and its events' keys are searchable.
      const list = async (q: string) => (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}${q}`)).json.data as { id: number; messageIds: string[] }[];
      const all = await list('');
      assert.equal(all.length, 6);
      assert.deepEqual(all[all.length - 1].messageIds, Array.from({ length: 50 }, (_, i) => `m-part-${i}`));
      assert.deepEqual((await list('&email=part1007@b.test')).map((d) => d.id), [all[3].id], 'an address, any case: the second batch');
      assert.equal((await list('&message_id=m-part-69')).length, 6);
      assert.equal((await list(`&q=${encodeURIComponent('part2547@')}`)).length, 1);
    } finally {
      off();
    }
  });
  it('large replays one after another and side by side are each recorded as sent; one cut short records nothing', async () => {
    // Bodies from REUSE_FROM up are read into a buffer the next one reuses (issue 13): what a
    // replay recorded must not change when the next overwrites that buffer.
    const r = await receiver(always(200));
    await fx.t.webhook({ url: r.url, event_types: ['delivery'] });
    // Lines in the emulator's own form (its field order), the fast path of replay.ts.
    const body = (tag: string, n = 1500) =>
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ event: 'delivery', message_id: `m-${tag}-${i}`, event_id: 'x', timestamp: 1, email: `${tag}${i}@reuse.test`, sending_stream: 'transactional', sending_domain_name: 'reuse.test', category: `c-${tag}`.repeat(20) }),
      ).join('\n');
    const emailsOf = (tag: string, n = 1500) => Array.from({ length: n }, (_, i) => `${tag}${i}@reuse.test`);
    const jsonl = { 'Content-Type': 'application/jsonl' };
    assert.ok(Buffer.byteLength(body('a')) >= REUSE_FROM, 'a body the buffer is reused for');
    const before = fx.t.emu.core.events.count({});

    // A replay over a socket of its own: its headers and the first half of its body now, the rest
    // (or nothing: cut short) when `rest` is called; resolves with the answer's status line.
    const url = new URL(fx.t.emu.ready.http);
    const byHand = async (bytes: Buffer) => {
      const s = net.connect(Number(url.port), url.hostname);
      await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
      let answer = '';
      s.on('data', (c: Buffer) => (answer += c.toString('latin1')));
      const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
      s.write(`POST /emulator/replay HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${fx.t.emu.ready.token}\r\nContent-Type: application/jsonl\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`);
      s.write(bytes.subarray(0, bytes.length >> 1));
      await fx.t.call('GET', '/emulator/status'); // the server has read that much by the time it answers this
      return {
        rest: async () => {
          s.end(bytes.subarray(bytes.length >> 1));
          await closed;
          return answer.split('\r\n')[0];
        },
        cutShort: async () => {
          s.end();
          await closed;
        },
      };
    };

    await (await byHand(Buffer.from(body('cut')))).cutShort();
    assert.equal((await fx.t.replay(body('a'))).recorded, 1500);
    assert.equal((await fx.t.replay(body('b'))).recorded, 1500);
    // Side by side: d comes whole while c is half read.
    const c = await byHand(Buffer.from(body('c')));
    assert.equal((await fx.t.call('POST', '/emulator/replay', body('d'), jsonl)).status, 200);
    assert.equal(await c.rest(), 'HTTP/1.1 200 OK');
    assert.equal(fx.t.emu.core.events.count({}), before + 4 * 1500, 'the cut-short one recorded nothing');
    await fx.t.advance(30);
    const sent = r.requests.flatMap((q) => JSON.parse(q.body).events as { email: string; category: string }[]);
    const byTag = (tag: string) => sent.filter((e) => e.email.startsWith(tag) && e.email.endsWith('@reuse.test') && /^[abcd]\d/.test(e.email));
    for (const tag of ['a', 'b', 'c', 'd']) {
      assert.deepEqual(byTag(tag).map((e) => e.email), emailsOf(tag), `replay ${tag}: every event as sent, in order`);
      assert.ok(byTag(tag).every((e) => e.category === `c-${tag}`.repeat(20)));
    }
  });
  it('a replay of 1 MB or more, its lines made on two threads: recorded, answered and sent in line order; a refused line in its back half named', async () => {
    const r = await receiver(always(200));
    await fx.t.webhook({ url: r.url, event_types: ['delivery', 'bounce'] });
    const n = 6000;
    const event = (i: number) => ({ event: i % 4 === 3 ? 'bounce' : 'delivery', message_id: `m-two-${i}`, event_id: 'x', timestamp: 1, email: `two${i}@threads.test`, sending_stream: 'transactional', sending_domain_name: 'threads.test', category: 'c'.repeat(60) });
    // The emulator's own form, with every fifth line in another field order (parsed).
    const text = Array.from({ length: n }, (_, i) => (i % 5 === 1 ? JSON.stringify(Object.fromEntries(Object.entries(event(i)).reverse())) : JSON.stringify(event(i))));
    assert.ok(Buffer.byteLength(text.join('\n')) >= SHARED_FROM, 'a body shared with the worker');
    const jsonl = { 'Content-Type': 'application/jsonl' };
    const before = fx.t.emu.core.events.count({});
    const bad = [...text];
    bad[n - 7] = JSON.stringify({ ...event(n - 7), sending_stream: 'nope' });
    const refused = await fx.t.call('POST', '/emulator/replay', bad.join('\n'), jsonl);
    assert.equal(refused.status, 400);
    assert.match(refused.json.error, new RegExp(`line ${n - 6}: 'sending_stream' must be transactional or bulk`));
    assert.equal(fx.t.emu.core.events.count({}), before, 'nothing recorded');

    const now = Math.floor((await fx.t.call('GET', '/emulator/clock')).json.unix);
    const ok = await fx.t.replay(text.join('\n'));
    assert.equal(ok.recorded, n);
    assert.equal(new Set(ok.event_ids).size, n, 'each a fresh id');
    assert.equal(fx.t.emu.core.events.count({}), before + n);
    await fx.t.advance(30);
    const sent = r.requests.flatMap((q) => JSON.parse(q.body).events as Record<string, unknown>[]);
    assert.deepEqual(sent.map((e) => e.event_id), ok.event_ids, 'every event once, in line order, under the id the answer gave it');
    assert.deepEqual(
      sent.map((e) => ({ ...e, event_id: 'x', timestamp: 1 })),
      Array.from({ length: n }, (_, i) => event(i)),
    );
    assert.ok(sent.every((e) => e.timestamp === now || e.timestamp === now + 1), 'the time of the replay');
  });
});

describe('status and stream', () => {
  it('status counts pending deliveries; the stream carries delivery events without bodies', async () => {
    const r = await receiver(always(500));
    const hook = await fx.t.webhook({ url: r.url, event_types: ['reject'] });
    const ac = new AbortController();
    const res = await fetch(`${fx.t.emu.ready.http}/emulator/stream`, { headers: { Authorization: `Bearer ${fx.t.emu.ready.token}` }, signal: ac.signal });
    const reader = res.body!.getReader();
    let text = '';
    const pending = (async () => {
      const dec = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) break;
        text += dec.decode(value);
        if (new RegExp(`event: delivery\\.updated\ndata: \\{"id":\\d+,"kind":"batch","webhookId":${hook.id},`).test(text)) break;
      }
    })();
    await fx.t.replay({ events: [{ event: 'reject', message_id: 'm', email: 'x@y.test', sending_stream: 'transactional', sending_domain_name: 'y.test', reason: 'r' }] });
    await fx.t.advance(30);
    await pending;
    ac.abort();
    const ofHook = (name: string) =>
      [...text.matchAll(new RegExp(`event: ${name}\ndata: (.*)\n`, 'g'))].map((m) => JSON.parse(m[1])).filter((d) => d.webhookId === hook.id);
    const [dto] = ofHook('delivery\\.created');
    assert.ok(dto, text);
    assert.equal(dto.status, 'pending');
    assert.equal('body' in dto, false);
    const [updated] = ofHook('delivery\\.updated');
    assert.equal(updated.status, 'retrying');
    assert.equal(updated.attempts[0].response.status, 500);
    assert.equal('body' in updated.attempts[0].request, false);
    assert.ok((await fx.t.call('GET', '/emulator/status')).json.pendingDeliveries >= 1);
  });
});

describe('inspector search (?q=)', () => {
  it('matches part of an email or its domain, the start of a message id, or a batch id; wildcards are literal', async () => {
    const r = await receiver(always(200));
    const hook = await fx.t.webhook({ url: r.url, event_types: ['delivery'] });
    await fx.t.replay({
      events: [
        { event: 'delivery', message_id: 'aaaa1111-x', email: 'ann@shop.example', sending_stream: 'transactional', sending_domain_name: 'example.com' },
        { event: 'delivery', message_id: 'bbbb2222-y', email: 'bob_x@other.test', sending_stream: 'transactional', sending_domain_name: 'example.com' },
      ],
    });
    await fx.t.advance(30);
    const ids = async (q: string) =>
      (await fx.t.call('GET', `/emulator/deliveries?webhook_id=${hook.id}&q=${encodeURIComponent(q)}`)).json.data.map((d: { id: number }) => d.id);
    const [batch] = await ids('shop.example');
    assert.ok(batch, 'a domain finds the batch');
    assert.deepEqual(await ids('ANN@'), [batch], 'part of an address, any case');
    assert.deepEqual(await ids('bbbb'), [batch], 'a message id prefix');
    assert.deepEqual(await ids(`#${batch}`), [batch], 'a batch id');
    assert.deepEqual(await ids('1111'), [], 'message ids match from their start only');
    assert.deepEqual(await ids('%'), [], 'LIKE wildcards are literal');
    assert.deepEqual(await ids('b_x'), [batch], '_ matches itself');
    assert.equal((await fx.t.call('GET', `/emulator/deliveries?q=${'x'.repeat(400)}`)).status, 400);
  });
});
