/**
 * The Send and Batch APIs' fast path (emulator/http/fastSend.ts, issue 13): a plain send is
 * answered without express, byte for byte as the express route answers it, and everything that is
 * not plain (and every error) is still the express app's. Shapes: Mailtrap's Send API answers
 * `{"success":true,"message_ids":[…]}` and `{"success":false,"errors":[…]}` (mailtrap-openapi
 * specs/email-sending.openapi.yml), with `application/json; charset=utf-8`.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { createApp, DEFAULT_BODY_LIMIT_BYTES } from '../../../emulator/http/app';
import { withFastSend } from '../../../emulator/http/fastSend';
import { createLogger } from '../../../emulator/log';
import { api, startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';
import { startTestEmulator, type TestEmulator } from '../../helpers/inProcessEmulator';

const MAIL = { from: { email: 'app@fast.test' }, to: [{ email: 'user@example.net' }], subject: 'hi', text: 'hello' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
}
async function post(base: string, path: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(base + path, { method: 'POST', headers, body });
  const text = await res.text();
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => (h[k] = v));
  return { status: res.status, headers: h, body: text ? JSON.parse(text) : undefined };
}
/** What a client can see of an answer, ids and the date aside. */
const shape = (a: Answer) => ({
  status: a.status,
  headers: Object.keys(a.headers).filter((k) => k !== 'date' && k !== 'content-length').sort().map((k) => `${k}: ${a.headers[k]}`),
  body: JSON.parse(JSON.stringify(a.body ?? null).replace(/"[0-9a-f]{8}-[0-9a-f-]{27}"/g, '"<id>"')),
});

describe('send fast path, over the real process: the same answers as the express route', () => {
  let emu: RunningEmulator;
  let auth: Record<string, string>;
  before(async () => {
    emu = await startEmulatorProcess(['--memory']);
    auth = { Authorization: `Bearer ${emu.ready.token}` };
  });
  after(() => emu.stop());

  // A query string sends a request down the express route (same handler, same answer expected).
  const both = async (path: string, body: string | Buffer, headers: Record<string, string>) => {
    const fast = await post(emu.ready.http, path, body, headers);
    const slow = await post(emu.ready.http, `${path}?via=express`, body, headers);
    assert.deepEqual(shape(fast), shape(slow), `${path}: ${JSON.stringify(fast.body)} vs ${JSON.stringify(slow.body)}`);
    return fast;
  };
  const json = { 'Content-Type': 'application/json' };

  it('a send, a batch, and the bulk stream: 200 with the ids, and the message is there at once', async () => {
    const sent = await both('/api/send', JSON.stringify(MAIL), { ...auth, ...json });
    assert.equal(sent.status, 200);
    assert.equal(sent.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(sent.body.success, true);
    assert.match(sent.body.message_ids[0], UUID);
    const read = await api(emu.ready)('GET', `/emulator/messages/${sent.body.message_ids[0]}`);
    assert.equal(read.status, 200, 'read-your-writes');
    const batch = await both('/api/batch', JSON.stringify({ base: MAIL, requests: [{}, { to: [{ email: 'two@example.net' }, { email: 'three@example.net' }] }, { from: {} }] }), { ...auth, ...json });
    assert.equal(batch.status, 200);
    assert.deepEqual(batch.body.responses.map((r: { success: boolean }) => r.success), [true, true, false]);
    assert.equal(batch.body.responses[1].message_ids.length, 2);
    const bulk = await both('/bulk/api/send', JSON.stringify(MAIL), { 'Api-Token': emu.ready.token, 'Content-Type': 'application/json; charset=UTF-8' });
    assert.equal(bulk.status, 200);
  });

  it('errors keep their one rendering: malformed JSON, a non-object, a bad send, a wrong token, an empty body', async () => {
    const cases: [string, string, Record<string, string>, number][] = [
      ['/api/send', '{"from":', { ...auth, ...json }, 400],
      ['/api/send', '"just a string"', { ...auth, ...json }, 400],
      ['/api/send', '   ', { ...auth, ...json }, 400],
      ['/api/send', '', { ...auth, ...json }, 400],
      ['/api/send', JSON.stringify({ ...MAIL, from: undefined }), { ...auth, ...json }, 400],
      ['/api/send', JSON.stringify({ ...MAIL, subject: undefined }), { ...auth, ...json }, 400],
      ['/api/send', JSON.stringify(MAIL), { Authorization: 'Bearer wrong', ...json }, 401],
      ['/api/batch', JSON.stringify({ requests: [] }), { ...auth, ...json }, 400],
      ['/api/batch', '[1]', { ...auth, ...json }, 400],
    ];
    for (const [path, body, headers, status] of cases) {
      const a = await both(path, body, headers);
      assert.equal(a.status, status, `${path} ${body}: ${JSON.stringify(a.body)}`);
      assert.equal(a.body.success, false);
      assert.ok(a.body.errors.length > 0);
    }
    const malformed = await post(emu.ready.http, '/api/send', '{"from":', { ...auth, ...json });
    assert.deepEqual(malformed.body, { success: false, errors: ['Malformed JSON in request body'] });
  });

  it('a UTF-8 byte-order mark and a gzip body are read as express reads them', async () => {
    const bom = await both('/api/send', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(MAIL))]), { ...auth, ...json });
    assert.equal(bom.status, 200);
    const gz = await both('/api/send', gzipSync(JSON.stringify(MAIL)), { ...auth, ...json, 'Content-Encoding': 'gzip' });
    assert.equal(gz.status, 200);
  });
});

describe('send fast path: which requests it takes', () => {
  let t: TestEmulator;
  let server: Server;
  let base: string;
  const toExpress: string[] = [];
  before(async () => {
    t = await startTestEmulator();
    // The real app and the real sending core; the app only records which requests reached it.
    const app = createApp({ core: t.emu.core, token: 'test-token', log: createLogger('t', { write: () => undefined }), sending: t.emu.sending, emailLogs: t.emu.emailLogs });
    const recorded = (req: IncomingMessage, res: ServerResponse) => {
      toExpress.push(`${req.method} ${req.url}`);
      app(req as never, res as never);
    };
    server = createServer(withFastSend(recorded, { sending: t.emu.sending, token: 'test-token', bodyLimit: DEFAULT_BODY_LIMIT_BYTES }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await t.close();
  });
  const auth = { Authorization: 'Bearer test-token', 'Content-Type': 'application/json' };

  it('answers a plain send itself, into the same store', async () => {
    toExpress.length = 0;
    for (const path of ['/api/send', '/bulk/api/send']) {
      const a = await post(base, path, JSON.stringify(MAIL), auth);
      assert.equal(a.status, 200);
      const read = await t.call('GET', `/emulator/messages/${a.body.message_ids[0]}`);
      assert.equal(read.status, 200);
    }
    assert.equal((await post(base, '/api/batch', JSON.stringify({ base: MAIL, requests: [{}] }), auth)).status, 200);
    assert.deepEqual(toExpress, []);
  });

  it('hands everything else to express: a query, another type or charset, compression, no token, another route', async () => {
    const cases: [string, string, Record<string, string>][] = [
      ['/api/send?x=1', JSON.stringify(MAIL), auth],
      ['/api/send', JSON.stringify(MAIL), { ...auth, 'Content-Type': 'text/plain' }],
      ['/api/send', JSON.stringify(MAIL), { ...auth, 'Content-Type': 'application/json; charset=latin1' }],
      ['/api/send', JSON.stringify(MAIL), { 'Content-Type': 'application/json' }],
      ['/api/send', JSON.stringify(MAIL), { ...auth, Authorization: 'Bearer nope' }],
      ['/api/sends', JSON.stringify(MAIL), auth],
    ];
    for (const [path, body, headers] of cases) {
      toExpress.length = 0;
      await post(base, path, body, headers);
      assert.equal(toExpress.length, 1, `${path} ${JSON.stringify(headers)} went to express`);
    }
    toExpress.length = 0;
    await post(base, '/api/send', gzipSync(JSON.stringify(MAIL)), { ...auth, 'Content-Encoding': 'gzip' });
    assert.equal(toExpress.length, 1, 'a compressed body went to express');
  });

  it('a body it read and the core refused goes to the express error handler, once', async () => {
    toExpress.length = 0;
    const a = await post(base, '/api/send', JSON.stringify({ ...MAIL, to: [] }), auth);
    assert.equal(a.status, 400);
    assert.equal(a.body.success, false);
    assert.deepEqual(toExpress, ['POST /api/send']);
  });
});
