import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { encodeEntryBytes, type JournalEntry } from '../../../emulator/store/journal';

// The encoder builds lines from cached pieces for speed; the bytes must stay exactly those of the
// original format (checksum of JSON.stringify(entry)), or journals written by one build would be
// cut off as torn by another.
test('journal lines are byte for byte the original format', () => {
  const entries: JournalEntry[] = [
    { q: 1, o: [] },
    { q: 2, o: [['INSERT INTO t (a, b) VALUES (?, ?) -- "quoted"\n\t', [1, 'a"b\\c', null, 2.5, -0, 1e21]], ['DELETE FROM t', []]] },
    { q: 3, o: [['SELECT 1', ['ü \u2028 \ud800 emoji 😀']]] },
    { q: 4, o: [['INSERT INTO t (a, b) VALUES (?, ?) -- "quoted"\n\t', [3, '{"json":"inside"}']]] },
  ];
  for (const e of entries) {
    const json = JSON.stringify(e);
    const want = `${createHash('sha1').update(json).digest('hex').slice(0, 8)} ${json}\n`;
    assert.equal(encodeEntryBytes(e).toString('utf8'), want);
    assert.deepEqual(encodeEntryBytes(e), Buffer.from(want), 'byte for byte');
  }
});
