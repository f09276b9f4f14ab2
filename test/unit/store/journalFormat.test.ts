import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { utf8Json } from '../../../emulator/core/jsonText';
import { COLUMN_OPS, crc32Js, encodeEntryBytes, JournalWriter, JSON_TEXT_OPS, lastEntrySeq, readJournal, writeChecksumsAs, type JournalEntry } from '../../../emulator/store/journal';

/** A journal line as this version writes it: the CRC-32 of the JSON's UTF-8 bytes in 8 hex digits, a tab, the JSON. */
const lineOf = (json: string): string => `${(zlib.crc32(json) >>> 0).toString(16).padStart(8, '0')}\t${json}\n`;
/** A journal line as every version wrote it up to issue 13's twenty-eighth step: the start of the SHA-1, a space. */
const sha1LineOf = (json: string): string => `${createHash('sha1').update(json).digest('hex').slice(0, 8)} ${json}\n`;

// The encoder builds lines from cached pieces for speed; the bytes must stay exactly those of the
// format (checksum of JSON.stringify(entry)), or journals written by one build would be cut off as
// torn by another.
test('journal lines are byte for byte the format', () => {
  const entries: JournalEntry[] = [
    { q: 1, o: [] },
    { q: 2, o: [['INSERT INTO t (a, b) VALUES (?, ?) -- "quoted"\n\t', [1, 'a"b\\c', null, 2.5, -0, 1e21]], ['DELETE FROM t', []]] },
    { q: 3, o: [['SELECT 1', ['ü \u2028 \ud800 emoji 😀']]] },
    { q: 4, o: [['INSERT INTO t (a, b) VALUES (?, ?) -- "quoted"\n\t', [3, '{"json":"inside"}']]] },
  ];
  for (const e of entries) {
    const json = JSON.stringify(e);
    const want = lineOf(json);
    assert.equal(encodeEntryBytes(e).toString('utf8'), want);
    assert.deepEqual(encodeEntryBytes(e), Buffer.from(want), 'byte for byte');
  }
});

// Events and scheduled items are journaled with their JSON text as a JSON value (no escaped
// string of it: issue 13). Reading the journal must give back exactly the texts that were written:
// an event's bytes are what its webhook batches carry and sign.
test('an op with JSON texts holds them as values, and reading the journal gives back the very same texts', () => {
  const payloads = [
    { event: 'delivery', message_id: 'm-1', email: 'a"b\\c@x.test', custom_variables: { n: -0, big: 1e21, f: 2.5, s: 'ü \u2028 \ud800 😀 </script>', ['__proto__']: { x: 1 } } },
    { event: 'click', url: 'https://x.test/?a=1&b="2"', nested: [[], {}, [null, true, false]] },
  ].map((p) => JSON.stringify(p));
  const entry: JournalEntry = {
    q: 7,
    o: [
      [JSON_TEXT_OPS.events, [1, 1000, payloads[0], 2, 1000, payloads[1]]],
      [JSON_TEXT_OPS.schedule, [5, 2000, payloads[1]]],
      ['INSERT INTO t (a) VALUES (?)', [payloads[0]]],
    ],
  };
  const line = encodeEntryBytes(entry).toString('utf8');
  assert.ok(line.includes(`,${payloads[0]},2,1000,${payloads[1]}]`), 'the texts are values in the line');
  assert.ok(line.includes(JSON.stringify(payloads[0])), 'other ops keep their strings as strings');
  const json = line.slice(9, -1);
  assert.equal(line.slice(0, 9), lineOf(json).slice(0, 9));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-format-'));
  const file = path.join(dir, 'journal.log');
  fs.writeFileSync(file, Buffer.concat([encodeEntryBytes({ q: 6, o: [] }), encodeEntryBytes(entry)]));
  const read = readJournal(file);
  assert.equal(read.tornBytes, 0);
  assert.deepEqual(read.entries[1], entry, 'the same ops, the JSON texts as the same strings');
  fs.rmSync(dir, { recursive: true, force: true });
});

// The other places of such an op (ids, times) are written without JSON.stringify when they are
// finite numbers: they must still be exactly what JSON.stringify writes, whatever the number.
test("an op with JSON texts writes its other places as JSON.stringify does", () => {
  const text = JSON.stringify({ event: 'open' });
  const others = [0, -0, 9, 10, 99, 100, 1_764_000_000_000, -12345, 1e21, 2.5, -7, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e16, 1e-7, NaN, Infinity, null, 'id"1'];
  const params = others.flatMap((v) => [v, v, text]);
  const line = encodeEntryBytes({ q: 1, o: [[JSON_TEXT_OPS.events, params]] }).toString('utf8');
  const want = JSON.stringify(params.map((v, i) => (i % 3 === 2 ? JSON.parse(v as string) : v)));
  assert.ok(line.includes(`"@events.add",${want}]`), line);
});

// A large line (a send of thousands of recipients) is written into a buffer that grows as it goes:
// the bytes must be those of the whole line, multi-byte characters and all, wherever it grew.
test('a line of many MB is the same bytes as the whole JSON', () => {
  const texts = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ event: 'delivery', email: `u${i}@x.test`, note: i % 7 ? 'ü😀\u2028' : 'a"b\\c', pad: 'x'.repeat(i % 300) }));
  const params = texts.flatMap((t, i) => [i + 1, 1_764_000_000_000 + i, t]);
  const plain = Array.from({ length: 3000 }, (_, i) => `Grüße ${i} 😀 "q"`);
  const entry: JournalEntry = { q: 9, o: [[JSON_TEXT_OPS.schedule, params], ['INSERT INTO t (a) VALUES (?)', plain]] };
  const json = JSON.stringify({ q: 9, o: [[JSON_TEXT_OPS.schedule, params.map((v, i) => (i % 3 === 2 ? JSON.parse(v as string) : v))], ['INSERT INTO t (a) VALUES (?)', plain]] });
  assert.ok(json.length > 1_000_000);
  const want = Buffer.from(lineOf(json));
  assert.ok(encodeEntryBytes(entry).equals(want));
});

// A lifecycle event's JSON is planned as UTF-8 bytes (jsonText.ts) and goes into the line as those
// bytes: the line must be the very bytes the same texts as strings give, reading it back must give
// the texts as strings, and in an op of any other kind such a text is its string.
test('JSON texts kept as UTF-8 bytes make the same line as the same texts as strings', () => {
  const texts = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ event: 'delivery', email: `u${i}@x.test`, note: i % 5 ? 'ü😀\u2028' : 'a"b\\c', pad: 'x'.repeat(i % 200) }));
  const asStrings = texts.flatMap((t, i) => [i + 1, 1_764_000_000_000 + i, t]);
  // Bytes and strings mixed in one op (rows loaded at start are strings), with a non-ASCII id place too.
  const asBytes = asStrings.map((v, i) => (i % 3 === 2 && i % 2 ? utf8Json(v as string) : v));
  asStrings.push('ï', 1, texts[0]);
  asBytes.push('ï', 1, utf8Json(texts[0]));
  const entry = (params: unknown[]): JournalEntry => ({ q: 3, o: [[JSON_TEXT_OPS.schedule, params], ['INSERT INTO t (a) VALUES (?)', [params[2]]]] });
  const want = encodeEntryBytes(entry(asStrings));
  assert.ok(encodeEntryBytes(entry(asBytes)).equals(want));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-format-'));
  const file = path.join(dir, 'journal.log');
  fs.writeFileSync(file, encodeEntryBytes(entry(asBytes)));
  assert.deepEqual(readJournal(file).entries, [entry(asStrings)]);
  fs.rmSync(dir, { recursive: true, force: true });
});

// A send's scheduled rows are journaled by column (`first_id, n, due_at × n, payload × n`): the
// payloads planned one after another lie side by side in one slab with a comma between them and go
// into the line as one copy. Whatever breaks a run (a new slab, a text planned elsewhere in between,
// a text that is a string), the line must be the JSON of the same params, and read back the same.
test('a column op of texts as bytes, in runs and not, is the JSON of its params and reads back as strings', () => {
  const texts = Array.from({ length: 4000 }, (_, i) => JSON.stringify({ event: 'delivery', email: `u${i}@x.test`, note: i % 5 ? 'ü😀\u2028' : 'a"b\\c', pad: 'x'.repeat(i % 1400) }));
  const asBytes: unknown[] = texts.map((t, i) => {
    if (i % 997 === 0) utf8Json('{"planned":"in between"}'); // breaks the run
    return i % 1301 === 0 ? t : utf8Json(t); // a string
  });
  // Enough bytes to cross into new slabs (1 MB each).
  assert.ok(texts.reduce((n, t) => n + Buffer.byteLength(t), 0) > 2 * (1 << 20));
  const dues = texts.map((_, i) => 1_764_000_000_000 + (i % 3) * 1000);
  const params = (payloads: unknown[]): unknown[] => [101, texts.length, ...dues, ...payloads];
  const entry = (payloads: unknown[]): JournalEntry => ({ q: 4, o: [[COLUMN_OPS.schedule, params(payloads)]] });
  const json = JSON.stringify({ q: 4, o: [[COLUMN_OPS.schedule, params(texts.map((t) => JSON.parse(t)))]] });
  const want = Buffer.from(lineOf(json));
  assert.ok(encodeEntryBytes(entry(asBytes)).equals(want));
  assert.ok(encodeEntryBytes(entry(texts)).equals(want), 'the same texts as strings');
  const one = { q: 5, o: [[COLUMN_OPS.schedule, [7, 1, 2000, utf8Json(texts[1])]]] } as JournalEntry;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-format-'));
  const file = path.join(dir, 'journal.log');
  fs.writeFileSync(file, Buffer.concat([encodeEntryBytes(entry(asBytes)), encodeEntryBytes(one)]));
  assert.deepEqual(readJournal(file).entries, [entry(texts), { q: 5, o: [[COLUMN_OPS.schedule, [7, 1, 2000, texts[1]]]] }]);
  fs.rmSync(dir, { recursive: true, force: true });
});

// A send's messages are journaled by column too, their values written one by one into the line:
// each must be what JSON.stringify writes, strings that need escapes and numbers of every size.
test('a column op of plain values writes each as JSON.stringify does and reads back the same', () => {
  const odd = ['a"b\\c@x.test', 'ünï@x.test', 'x\u2028y@x.test', 'c\u0001\t@x.test', '😀@x.test', '\ud800@x.test', '', 'plain@x.test'];
  const n = odd.length;
  const params: unknown[] = [
    1001,
    n,
    ...odd.map((_, i) => `b7389190-ec2c-11f1-000${i}-19fa0e82dcdf`),
    ...[0, -0, 9, 1e21, 2.5, -7, Number.MAX_SAFE_INTEGER, NaN],
    ...odd,
    ...['to', 'cc', 'bcc', 'to', 'to', 'to', 'to', 'to'],
    ...[null, Infinity, 1_764_000_000_000, 1e-7, 1, 2, 3, 4],
  ];
  const entry: JournalEntry = { q: 2, o: [[COLUMN_OPS.messages, params]] };
  const json = JSON.stringify(entry);
  assert.ok(encodeEntryBytes(entry).equals(Buffer.from(lineOf(json))));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-format-'));
  const file = path.join(dir, 'journal.log');
  fs.writeFileSync(file, encodeEntryBytes(entry));
  assert.deepEqual(readJournal(file).entries, [JSON.parse(json)]);
  fs.rmSync(dir, { recursive: true, force: true });
});

// Opening a store reads the previous journal only when a generation needs it (snapshots.ts): its
// last line, read from the end of the file, says whether any of its entries could be newer than
// the snapshot. That line must vouch for the file, or the whole file is read as before.
test('the last line of a journal gives its newest sequence number, read from the end of the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-last-'));
  const file = path.join(dir, 'journal.log');
  assert.equal(lastEntrySeq(file), 0, 'no file: no entries');
  fs.writeFileSync(file, '');
  assert.equal(lastEntrySeq(file), 0, 'an empty file: no entries');
  const w = new JournalWriter(file);
  w.append({ q: 41, o: [['DELETE FROM t', []]] });
  w.close();
  assert.equal(lastEntrySeq(file), 41, 'one line');
  // A last line far longer than the first read from the end (a large send's line is several MB).
  const big = 'x'.repeat(700_000);
  const w2 = new JournalWriter(file);
  w2.append({ q: 42, o: [['INSERT INTO t (a) VALUES (?)', [big]]] });
  w2.append({ q: 43, o: [['INSERT INTO t (a) VALUES (?)', [big + '\u00fc😀']]] });
  w2.close();
  assert.equal(lastEntrySeq(file), 43);
  assert.deepEqual(readJournal(file).entries.map((e) => e.q), [41, 42, 43], 'the same file, read whole');
  const whole = fs.readFileSync(file);
  // A torn tail, a changed byte in the last line, or a last line without a newline: it cannot vouch.
  fs.writeFileSync(file, Buffer.concat([whole, Buffer.from('0123abcd {"q":44,"o":[')]));
  assert.equal(lastEntrySeq(file), undefined, 'torn tail');
  const flipped = Buffer.from(whole);
  flipped[whole.length - 10] ^= 0x01;
  fs.writeFileSync(file, flipped);
  assert.equal(lastEntrySeq(file), undefined, 'a changed byte');
  fs.writeFileSync(file, whole.subarray(0, whole.length - 1));
  assert.equal(lastEntrySeq(file), undefined, 'no newline at the end');
  fs.writeFileSync(file, '\n');
  assert.equal(lastEntrySeq(file), undefined, 'a line that is not an entry');
  fs.rmSync(dir, { recursive: true, force: true });
});

// Issue 13, twenty-eighth step: new lines carry a CRC-32 (a tab after it), where every line before
// carried the start of a SHA-1 (a space). A data dir written before the upgrade holds SHA-1 lines,
// then the lines written after it: one journal, both forms, read whole; a torn or changed line of
// either form is cut there. A runtime without zlib.crc32 (VS Code's own Node before 20.15) writes
// SHA-1 lines and reads CRC-32 ones with a CRC-32 of its own.
test('a journal of SHA-1 lines (written before) then CRC-32 lines reads whole; a changed line of either form is cut there', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-forms-'));
  const file = path.join(dir, 'journal.log');
  const entries: JournalEntry[] = [1, 2, 3, 4].map((q) => ({ q, o: [['INSERT INTO t (a) VALUES (?)', [`row ${q} ü 😀 "quoted"`]]] }));
  const before = writeChecksumsAs('sha1');
  let old: Buffer;
  try {
    old = Buffer.concat(entries.slice(0, 2).map(encodeEntryBytes));
  } finally {
    writeChecksumsAs(before);
  }
  assert.equal(old.toString('utf8'), entries.slice(0, 2).map((e) => sha1LineOf(JSON.stringify(e))).join(''), 'as every earlier version wrote them');
  fs.writeFileSync(file, old);
  const w = new JournalWriter(file);
  for (const e of entries.slice(2)) w.append(e);
  w.close();
  const whole = fs.readFileSync(file);
  assert.equal(whole.subarray(old.length).toString('utf8'), entries.slice(2).map((e) => lineOf(JSON.stringify(e))).join(''), 'new lines in the new form, after the old ones');
  const read = readJournal(file);
  assert.deepEqual(read.entries, entries);
  assert.equal(read.tornBytes, 0);
  assert.equal(lastEntrySeq(file), 4);
  // One byte changed in the second (SHA-1) line, or in the fourth (CRC-32) line: read up to it.
  const lineStarts = [0];
  for (let i = 0; i < whole.length - 1; i++) if (whole[i] === 0x0a) lineStarts.push(i + 1);
  for (const [line, kept] of [[1, 1], [3, 3]] as const) {
    const changed = Buffer.from(whole);
    changed[lineStarts[line] + 20] ^= 0x01;
    fs.writeFileSync(file, changed);
    const r = readJournal(file);
    assert.deepEqual(r.entries.map((e) => e.q), entries.slice(0, kept).map((e) => e.q), `a changed byte in line ${line + 1}`);
    assert.equal(r.validBytes, lineStarts[line]);
    if (line === 3) assert.equal(lastEntrySeq(file), undefined, 'a changed last line cannot vouch for the file');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the CRC-32 of a runtime without zlib.crc32 is zlib's", () => {
  const samples = [Buffer.alloc(0), Buffer.from('a'), Buffer.from('{"q":1,"o":[]} ü 😀'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) & 0xff))];
  for (const b of samples) assert.equal(crc32Js(b) >>> 0, zlib.crc32(b) >>> 0, `${b.length} bytes`);
});

// The journal's next pages written ahead (issue 13, thirty-third step): zeros after the last line
// are no torn tail; anything else after it still is, zeros or not behind it.
test('zeros after the last line are pages written ahead, not a torn tail; a torn line before them still is', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-ahead-'));
  const file = path.join(dir, 'journal.log');
  const lines = Buffer.concat([encodeEntryBytes({ q: 1, o: [['DELETE FROM t', []]] }), encodeEntryBytes({ q: 2, o: [] })]);
  fs.writeFileSync(file, Buffer.concat([lines, Buffer.alloc(4096)]));
  const ahead = readJournal(file);
  assert.deepEqual(ahead.entries.map((e) => e.q), [1, 2]);
  assert.equal(ahead.validBytes, lines.length);
  assert.equal(ahead.tornBytes, 0);
  assert.equal(ahead.aheadBytes, 4096);
  const torn = Buffer.from(encodeEntryBytes({ q: 3, o: [] }).subarray(0, 12));
  fs.writeFileSync(file, Buffer.concat([lines, torn, Buffer.alloc(4096)]));
  assert.deepEqual(readJournal(file), { entries: ahead.entries, validBytes: lines.length, tornBytes: torn.length + 4096, aheadBytes: 0 });
  // A zero, then anything else: not what writing ahead leaves (a damaged file): torn.
  fs.writeFileSync(file, Buffer.concat([lines, Buffer.alloc(100), Buffer.from('x')]));
  assert.equal(readJournal(file).tornBytes, 101);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the writer writes each line where the lines end, over pages written ahead; a rotation and a close cut them off', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-ahead-'));
  const file = path.join(dir, 'journal.log');
  const w = new JournalWriter(file);
  w.append({ q: 1, o: [] });
  const one = w.size;
  assert.equal(w.writeAhead(10_000, 4096), true, 'more wanted after a slice');
  assert.equal(w.ahead, 4096);
  while (w.writeAhead(10_000, 4096));
  assert.equal(w.ahead, 10_000);
  assert.equal(w.writeAhead(10_000, 4096), false, 'nothing more once that much is ahead');
  assert.equal(fs.statSync(file).size, one + 10_000, 'the zeros are in the file');
  w.append({ q: 2, o: [['DELETE FROM t', []]] });
  const two = w.size;
  assert.equal(w.ahead, one + 10_000 - two, 'the line took the place of zeros');
  assert.deepEqual(readJournal(file).entries.map((e) => e.q), [1, 2], 'read back as if appended');
  // A line longer than what is ahead: the file grows past it.
  const big = 'x'.repeat(20_000);
  w.append({ q: 3, o: [['SELECT ?', [big]]] });
  assert.equal(w.ahead, 0);
  assert.equal(fs.statSync(file).size, w.size);
  const three = w.size;
  w.writeAhead(5000, 5000);
  w.rotate(path.join(dir, 'journal.prev.log'));
  assert.equal(fs.statSync(path.join(dir, 'journal.prev.log')).size, three, 'rotated without the zeros');
  assert.equal(w.size, 0);
  assert.equal(lastEntrySeq(path.join(dir, 'journal.prev.log')), 3, 'a rotated journal ends with its last line');
  w.append({ q: 4, o: [] });
  w.writeAhead(5000, 5000);
  const lines = w.size;
  w.close();
  assert.equal(fs.statSync(file).size, lines, 'a closed journal ends with its last line');
  assert.equal(lastEntrySeq(file), 4);
  fs.rmSync(dir, { recursive: true, force: true });
});
