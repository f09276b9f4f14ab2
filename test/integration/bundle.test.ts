/**
 * What scripts/build.mjs changes in the emulator's bundle for its start-up (issue 13), checked on
 * the built CLI: one copy of mime-types and of iconv-lite where dependencies nest several of the
 * same version; one ES-module view of each Node built-in, whoever imports it; mime-types' maps of extensions and types built on first use; the packages required
 * only on first use (the webhook sender's undici, the MIME parser and builder) in a bundle of their
 * own, dist/emulator-later.js, with iconv-lite's code tables of the CJK charsets. The parts that use
 * them answer as before: express's default and short-named Content-Types (mime-types), a JSON body
 * in UTF-16 (body-parser → iconv-lite), JSON Lines in Shift_JIS (body-parser → iconv-lite → its
 * Japanese table), a message in Shift_JIS over SMTP (mailparser, libmime → iconv-lite, the same
 * table), its raw .eml (nodemailer's composer), a webhook's POST (undici). sql.js's export() with
 * the store's buffer (its test: test/unit/store/snapshotBuffer.test.ts).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EXPORT_ALLOCATION } from '../../scripts/sqlJsExport.mjs';
import { EMULATOR_JS, smtpTransport, useEmulatorProcess } from '../helpers/emulatorProcess';
import { startReceiver } from '../helpers/receiver';
import { advance, eventsOf } from '../helpers/sending';

const shared = useEmulatorProcess(['--memory']);
const DIST = path.dirname(EMULATOR_JS);

describe('the emulator bundle (scripts/build.mjs)', () => {
  it('holds one copy of mime-types and one of iconv-lite, where express, body-parser, raw-body and libmime each nest their own, and one view of each built-in', () => {
    const bundle = fs.readFileSync(path.join(DIST, 'emulator-core.js'), 'latin1');
    for (const pkg of ['mime-types', 'iconv-lite']) {
      // esbuild names each bundled module by its path: node_modules/<owner>/node_modules/<pkg>/...
      const copies = new Set([...bundle.matchAll(new RegExp(`node_modules/((?:[a-z0-9._-]+/node_modules/)?)${pkg}/`, 'g'))].map((m) => m[1]));
      assert.equal(copies.size, 1, `${pkg}: ${[...copies].join(', ')}`);
    }
    // esbuild's __toESM makes a view of a module for each import of it; the build's one-view helper makes one a built-in.
    assert.equal(/__toESM\(require\("node:/.exec(bundle), null, 'every view of a built-in is made once');
    assert.ok(bundle.includes('__builtinESM("node:fs")'));
  });

  it('bundles sql.js with its export() asking the store for its buffer (scripts/sqlJsExport.mjs), once', () => {
    const bundle = fs.readFileSync(path.join(DIST, 'emulator-core.js'), 'latin1');
    // (esbuild re-prints sql.js: spaces around the operators.)
    const hooks = [...bundle.matchAll(/(\w+)\s*=\s*this\.exportBuffer\s*\?\s*this\.exportBuffer\(([^()]*)\)\s*:\s*new Uint8Array\(([^()]*)\)/g)];
    assert.equal(hooks.length, 1, 'the hook, once');
    assert.equal(hooks[0][2], hooks[0][3], 'asking for the size it would allocate');
    assert.equal(EXPORT_ALLOCATION.replace(/\s/g, '').startsWith(`${hooks[0][1]}=newUint8Array(`), true, 'in place of the allocation the patch looks for');
  });

  it('leaves the packages required on first use out of the main bundle, in dist/emulator-later.js', () => {
    const main = fs.readFileSync(path.join(DIST, 'emulator-core.js'), 'latin1');
    const later = fs.readFileSync(path.join(DIST, 'emulator-later.js'), 'latin1');
    for (const pkg of ['undici', 'mailparser', 'libmime', 'libqp', 'nodemailer/lib/mail-composer', 'iconv-lite/encodings/tables']) {
      assert.ok(!main.includes(`node_modules/${pkg}/`), `${pkg} is not in the main bundle`);
      assert.ok(later.includes(`node_modules/${pkg}/`), `${pkg} is in the later one`);
    }
    assert.ok(main.length < 2e6, `the main bundle: ${main.length} bytes`);
  });

  it('mime-types\' maps, built on first use: express\'s default type for a text answer, and a short type name, as express gives them', async () => {
    const put = await shared.call('PUT', '/emulator/sinks/types', {
      responses: [
        { body: 'no type named', headers: { 'X-Sink': 'one' } },
        { body: '{"ok":true}', headers: { 'Content-Type': 'json' } },
        { body: 'a,b', headers: { 'Content-Type': 'csv' } },
      ],
    });
    assert.equal(put.status, 200, put.text);
    const types: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${shared.emu.ready.http}/sink/types`, { method: 'POST', body: 'x' });
      await res.text();
      types.push(res.headers.get('content-type') ?? '');
    }
    assert.deepEqual(types, ['text/html; charset=utf-8', 'application/json; charset=utf-8', 'text/csv; charset=utf-8']);
  });

  it('a JSON body in UTF-16 is decoded (body-parser through iconv-lite)', async () => {
    const script = JSON.stringify({ responses: [{ status: 202, body: 'Grüße, 日本' }] });
    // The bytes themselves, with their BOM (fetch would send a string as UTF-8).
    const res = await fetch(`${shared.emu.ready.http}/emulator/sinks/utf16`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${shared.emu.ready.token}`, 'Content-Type': 'application/json; charset=utf-16' },
      body: Buffer.from(`\ufeff${script}`, 'utf16le'),
    });
    assert.equal(res.status, 200, await res.text());
    const answer = await fetch(`${shared.emu.ready.http}/sink/utf16`, { method: 'POST', body: 'x' });
    assert.equal(answer.status, 202);
    assert.equal(await answer.text(), 'Grüße, 日本');
  });

  it('JSON Lines in Shift_JIS are decoded (body-parser through iconv-lite and its Japanese table)', async () => {
    // {"event":"delivery",...,"category":"日本語のテキスト"} with the category's bytes in Shift_JIS.
    const line = (category: Buffer) =>
      Buffer.concat([
        Buffer.from('{"event":"delivery","message_id":"m-sjis","event_id":"old","timestamp":1,"email":"sjis@example.net","sending_stream":"transactional","sending_domain_name":"mailer.test","category":"'),
        category,
        Buffer.from('"}'),
      ]);
    const res = await fetch(`${shared.emu.ready.http}/emulator/replay`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${shared.emu.ready.token}`, 'Content-Type': 'application/jsonl; charset=Shift_JIS' },
      body: line(Buffer.from('93fa967b8cea82cc8365834c83588367', 'hex')),
    });
    assert.equal(res.status, 200, await res.text());
    const [event] = await eventsOf(shared.call, 'm-sjis');
    assert.equal(event.category, '日本語のテキスト');
  });

  it('a message in Shift_JIS over SMTP keeps its Japanese subject and text (libmime through iconv-lite\'s code table); its delivery is POSTed (undici) and its raw message rebuilt (nodemailer\'s composer)', async () => {
    const transport = smtpTransport(shared.emu.ready);
    // "件名" and "日本語のテキスト" in Shift_JIS (bytes 8c8f96bc and 93fa967b8cea82cc8365834c83588367).
    const raw = [
      'From: "Shop" <smtp@mailer.test>',
      'To: sjis@example.net',
      'Subject: =?Shift_JIS?B?jI+WvA==?=',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=Shift_JIS',
      'Content-Transfer-Encoding: base64',
      '',
      'k/qWe4zqgsyDZYNMg1iDZw==',
      '',
    ].join('\r\n');
    const info = await transport.sendMail({ envelope: { from: 'smtp@mailer.test', to: ['sjis@example.net'] }, raw });
    transport.close();
    const id = /queued as ([0-9a-f-]{36})/.exec(info.response)?.[1];
    assert.ok(id, info.response);
    const m = await shared.call('GET', `/emulator/messages/${id}`);
    assert.equal(m.status, 200, m.text);
    assert.equal(m.json.subject, '件名');
    assert.equal(m.json.text.trim(), '日本語のテキスト');
    // Its delivery event, POSTed to a webhook (undici), and its raw message (nodemailer's composer).
    const r = await startReceiver();
    try {
      const hook = await shared.call('POST', '/api/webhooks', {
        webhook: { url: `${r.url}/hooks`, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] },
      });
      assert.equal(hook.status, 200, hook.text);
      await advance(shared.call, 60);
      await r.waitFor(1, 10_000);
      const events = r.requests.flatMap((q) => JSON.parse(q.body).events as { event: string; message_id: string }[]);
      assert.ok(events.some((e) => e.event === 'delivery' && e.message_id === id), JSON.stringify(events));
    } finally {
      await r.close();
    }
    const log = await shared.call('GET', `/emulator/email_logs/${id}/raw`);
    assert.equal(log.status, 200, log.text);
    // Rebuilt as UTF-8: "件名" and "日本語のテキスト" in base64.
    assert.match(log.text, /^To: sjis@example\.net\r$/m);
    assert.match(log.text, /^Subject: =\?UTF-8\?B\?5Lu25ZCN\?=\r$/m);
    assert.ok(log.text.includes(`\r\n\r\n${Buffer.from('日本語のテキスト').toString('base64')}\r\n`), log.text);
  });
});
