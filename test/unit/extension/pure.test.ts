/** The extension's pure helpers: settings → flags, the ready line, durations, webhook URLs, curl, SSE parsing. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeliveryDto } from '../../../emulator/http/dto';
import { scenarioAddress, SCENARIOS, testEmailBody } from '../../../src/commands/scenarios';
import { scenarioFor } from '../../../emulator/core/sending/scenarios';
import { snippet } from '../../../src/commands/snippets';
import { parseReadyLine, ReadyLineError } from '../../../src/emulator/readyLine';
import { SseParser } from '../../../src/emulator/sseClient';
import { assembleWebhookUrl, splitWebhookUrl } from '../../../src/protocol/webhookUrl';
import { emulatorArgs, readSettings } from '../../../src/settings';
import { displayUrl, parseDuration, webhookHealth } from '../../../src/views/format';
import { curlFor } from '../../../src/webviews/curl';
import { deliveryQuery } from '../../../src/webviews/inspectorHandlers';

const READY = '{"ready":true,"http":"http://127.0.0.1:8780","httpPort":8780,"smtpPort":2525,"token":"abc","accountId":1,"dataDir":null,"ui":"http://127.0.0.1:8780/#login=0a1b"}';

describe('settings', () => {
  test('defaults give the documented ports and a workspace data dir', () => {
    const s = readSettings((_k, d) => d);
    assert.deepEqual(emulatorArgs(s, '/data'), ['--port', '8780', '--smtp-port', '2525', '--time-scale', '1', '--batch-interval', '30', '--domains', 'auto', '--exit-with-parent', '--data', '/data']);
    assert.equal(s.dataLocation, 'workspace');
  });
  test('memory location passes --memory; invalid values fall back to defaults', () => {
    const values: Record<string, unknown> = { httpPort: 70000, smtpPort: 0, timeScale: -1, batchIntervalSeconds: 5, dataLocation: 'memory', domains: 'strict' };
    const s = readSettings((k, d) => (k in values ? (values[k] as typeof d) : d));
    assert.deepEqual(emulatorArgs(s, null), ['--port', '8780', '--smtp-port', '0', '--time-scale', '1', '--batch-interval', '5', '--domains', 'strict', '--exit-with-parent', '--memory']);
    assert.equal(readSettings((k, d) => (k === 'domains' ? ('lenient' as typeof d) : d)).domains, 'auto', 'an unknown value falls back to auto');
  });
});

describe('ready line', () => {
  test('a valid line is parsed', () => {
    assert.deepEqual(parseReadyLine(READY), JSON.parse(READY));
  });
  test('a ui link on another origin is dropped (the extension only opens its own emulator)', () => {
    assert.equal(parseReadyLine(READY.replace('http://127.0.0.1:8780/#', 'http://evil.test/#')).ui, '');
    assert.equal(parseReadyLine(READY.replace(',"ui":"http://127.0.0.1:8780/#login=0a1b"', '')).ui, '');
  });
  test('garbage, missing token or bad ports are rejected with a reason', () => {
    assert.throws(() => parseReadyLine('Listening on 8780'), /not JSON/);
    assert.throws(() => parseReadyLine(READY.replace('"token":"abc"', '"token":""')), ReadyLineError);
    assert.throws(() => parseReadyLine(READY.replace('"httpPort":8780', '"httpPort":0')), /ports/);
    assert.throws(() => parseReadyLine('{"ready":false}'), /ready/);
  });
});

test('durations accept seconds and units', () => {
  assert.equal(parseDuration('90'), 90);
  assert.equal(parseDuration('45s'), 45);
  assert.equal(parseDuration('10m'), 600);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('2d'), 172800);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(parseDuration('0'), undefined);
  assert.equal(parseDuration('5x'), undefined);
});

describe('webhook URL fields', () => {
  test('basic auth and token are assembled into the URL and split back', () => {
    const r = assembleWebhookUrl({ url: 'https://hooks.example.com/mt', username: 'me', password: 'p@ss:w', token: 't 1' });
    assert.ok('url' in r);
    assert.equal(r.url, 'https://me:p%40ss%3Aw@hooks.example.com/mt?token=t+1');
    assert.deepEqual(splitWebhookUrl(r.url), { url: 'https://hooks.example.com/mt', username: 'me', password: 'p@ss:w', token: 't 1' });
  });
  test('empty, non-http and password-without-user are errors', () => {
    assert.deepEqual(assembleWebhookUrl({ url: ' ', username: '', password: '', token: '' }), { error: 'is required' });
    assert.deepEqual(assembleWebhookUrl({ url: 'ftp://x', username: '', password: '', token: '' }), { error: 'must start with http:// or https://' });
    assert.match((assembleWebhookUrl({ url: 'http://x', username: '', password: 'p', token: '' }) as { error: string }).error, /user name/);
  });
  test('the tree never shows a basic-auth password', () => {
    assert.equal(displayUrl('https://me:secret@h.example/x'), 'https://me:***@h.example/x');
  });
});

test('webhook health: paused, failing when the latest batch is retrying, else active', () => {
  const w = { id: 1, url: 'http://x', active: true, webhook_type: 'email_sending', payload_format: 'json' as const, sending_stream: null, domain_id: null, event_types: [] };
  assert.equal(webhookHealth({ ...w, active: false }, undefined), 'paused');
  assert.equal(webhookHealth(w, { status: 'retrying' } as DeliveryDto), 'failing');
  assert.equal(webhookHealth(w, { status: 'delivered' } as DeliveryDto), 'active');
});

test('copy as curl repeats the exact request, safely quoted', () => {
  const body = `{"events":[{"category":"it's"}]}`;
  const d = { webhookUrl: 'http://127.0.0.1:9/h', payloadFormat: 'json', body, attempts: [] } as unknown as DeliveryDto;
  const attempt = {
    request: { method: 'POST', url: 'http://127.0.0.1:9/h', headers: { 'content-type': 'application/json', 'mailtrap-signature': 'abc', 'content-length': '30' }, body },
  } as unknown as DeliveryDto['attempts'][number];
  const curl = curlFor(d, attempt);
  assert.match(curl, /^curl -X POST 'http:\/\/127\.0\.0\.1:9\/h'/);
  assert.match(curl, /-H 'mailtrap-signature: abc'/);
  assert.doesNotMatch(curl, /content-length/);
  assert.ok(curl.includes(`--data-binary '{"events":[{"category":"it'\\''s"}]}'`));
});

test('inspector search is free text for the emulator (part of an email or domain, a message id prefix, a batch id)', () => {
  assert.deepEqual(deliveryQuery({ search: 'b.c', status: 'failed' }, 10, 9999), {
    webhook_id: undefined, status: 'failed', event: undefined, q: 'b.c', before: 10, limit: 500,
  });
  assert.equal(deliveryQuery({ search: ' 4f1c ' }).q, '4f1c');
  assert.equal(deliveryQuery({ search: '  ' }).q, undefined);
});

test('scenarios put the plus-tag SPEC §3 defines on the recipient', () => {
  const bounce = SCENARIOS.find((s) => s.id === 'bounce')!;
  assert.equal(scenarioAddress(bounce), 'test+bounce@example.com');
  assert.equal(scenarioAddress(SCENARIOS.find((s) => s.id === 'soft-bounce')!), 'test+soft-bounce@example.com');
  assert.deepEqual(testEmailBody(bounce, 'acme.test').to, [{ email: 'test+bounce@example.com' }]);
  assert.equal(testEmailBody(bounce, 'acme.test').from.email, 'hello@acme.test');
  // Every quick-pick entry is a scenario the emulator knows by that name (its own parser decides).
  for (const s of SCENARIOS) assert.equal(scenarioFor(scenarioAddress(s)), s.id, s.id);
  assert.equal(SCENARIOS.length, 14);
});

test('snippets point nodemailer and the SDK at the running emulator', () => {
  const r = parseReadyLine(READY);
  assert.match(snippet('nodemailer', r), /port: 2525[\s\S]*user: 'api', pass: 'abc'/);
  assert.match(snippet('mailtrap', r), /token: 'abc', accountId: 1[\s\S]*http:\/\/127\.0\.0\.1:8780\/bulk/);
  assert.match(snippet('env', r), /SMTP_PORT=2525/);
});

test('SSE parser handles split chunks, comments and multi-line data', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('event: hello\ndata: {"a"'), []);
  assert.deepEqual(p.push(':1}\n\n: keep-alive\n\nevent: x\r\ndata: one\r\ndata: two\r\n\r\n'), [
    { name: 'hello', data: { a: 1 } },
    { name: 'x', data: 'one\ntwo' },
  ]);
});

describe('issue #17 helpers', () => {
  test('webhook labels start with what tells webhooks apart; never userinfo', async () => {
    const { webhookLabel, basicAuthUser } = await import('../../../src/protocol/webhookUrl');
    const self = 'http://127.0.0.1:8780';
    assert.equal(webhookLabel('http://127.0.0.1:8780/sink/demo', self), '/sink/demo');
    assert.equal(webhookLabel('http://localhost:8780/sink/demo?token=abcdef', self), '/sink/demo?token=abcd…');
    assert.equal(webhookLabel('http://127.0.0.1:3000/hooks', self), ':3000/hooks');
    assert.equal(webhookLabel('https://ann%40x.test:pw@hooks.example.com/mt', self), 'hooks.example.com/mt');
    assert.equal(webhookLabel('https://hooks.example.com/', self), 'hooks.example.com');
    assert.equal(basicAuthUser('https://ann%40x.test:pw@hooks.example.com/mt'), 'ann@x.test');
    assert.equal(displayUrl('https://ann%40x.test:pw@hooks.example.com/mt'), 'https://ann@x.test:***@hooks.example.com/mt');
  });

  test('one vocabulary for event types; durations for people', async () => {
    const { eventLabel } = await import('../../../src/protocol/eventLabels');
    const { formatDuration } = await import('../../../src/views/format');
    assert.deepEqual(['soft_bounce', 'soft bounce', 'spam_complaint', 'spam', 'delivery'].map(eventLabel), ['Soft bounce', 'Soft bounce', 'Spam complaint', 'Spam complaint', 'Delivery']);
    assert.deepEqual([45, 90, 5400, 86400, 90061].map(formatDuration), ['45s', '1m30s', '1h30m', '1d', '1d1h1m1s']);
  });

  test('a free port is written where the setting comes from', async () => {
    const { portTarget } = await import('../../../src/emulator/ports');
    assert.equal(portTarget({ workspaceValue: 9999, globalValue: 1 }, true), 2);
    assert.equal(portTarget({ globalValue: 9999 }, true), 1);
    assert.equal(portTarget({}, true), 2);
    assert.equal(portTarget({}, false), 1);
  });

  test('a basic-auth curl carries the real Authorization only when asked', () => {
    const body = '{"events":[]}';
    const d = { webhookUrl: 'http://127.0.0.1:9/h', payloadFormat: 'json', body } as unknown as DeliveryDto;
    const attempt = { request: { method: 'POST', url: 'http://127.0.0.1:9/h', headers: { Authorization: 'Basic [redacted]', 'mailtrap-signature': 's' }, body } } as unknown as DeliveryDto['attempts'][number];
    const withPw = curlFor(d, attempt, { user: 'ann@x.test', password: "p'w", reveal: true });
    assert.ok(withPw.includes(`-H 'Authorization: Basic ${Buffer.from("ann@x.test:p'w").toString('base64')}'`));
    assert.ok(!withPw.includes('[redacted]'));
    const without = curlFor(d, attempt, { user: 'ann@x.test', password: "p'w", reveal: false });
    assert.ok(without.includes(`-u 'ann@x.test:PASSWORD'`));
    assert.ok(!without.includes("p'\\''w") && !without.includes(Buffer.from("ann@x.test:p'w").toString('base64')));
  });
});
