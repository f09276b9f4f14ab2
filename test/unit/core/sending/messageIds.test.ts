/**
 * Message ids have the shape of Mailtrap's: time-based (version 1) UUIDs. Source: the recorded
 * answers in mailtrap/mailtrap-ruby, spec/fixtures/vcr_cassettes/Mailtrap_Client/_send_batch/
 * when_in_bulk_stream/successfully_sends_a_batch_of_emails.yml (recorded 2025-07-02 07:56:41 GMT):
 * `17287920-571a-11f0-0040-f13664d022fb` and `17287920-571a-11f0-0041-f13664d022fb`. Mailtrap's
 * OpenAPI example agrees (mailtrap/mailtrap-openapi, specs/email-sending-transactional.openapi.yml,
 * `SentResponse.message_ids`: `0c7fd939-02cf-11ed-88c2-0a58a9feac02`, version 1).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageIdGenerator } from '../../../../emulator/core/sending/messageIds';

/** The Unix ms a version-1 UUID's timestamp stands for. */
function msOf(id: string): number {
  const [low, mid, hi] = id.split('-');
  const ticks = BigInt(`0x${hi.slice(1)}${mid}${low}`);
  return Number((ticks - 122_192_928_000_000_000n) / 10_000n);
}

describe('message ids', () => {
  it('are version-1 UUIDs laid out as Mailtrap\'s: the timestamp of the send, a counter, the node', () => {
    const recordedAt = Date.UTC(2025, 6, 2, 7, 56, 41, 778);
    const ids = new MessageIdGenerator('f13664d022fb');
    assert.equal(ids.next(recordedAt), '17287920-571a-11f0-0000-f13664d022fb');
    assert.equal(ids.next(recordedAt), '17287920-571a-11f0-0001-f13664d022fb');
    assert.equal(msOf(ids.next(recordedAt + 5)), recordedAt + 5);
  });

  it('mark a random node id as such (multicast bit) and are lower-case', () => {
    const id = new MessageIdGenerator('A0B1C2D3E4F5').next(1_800_000_000_000);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[0-9a-f]{4}-a1b1c2d3e4f5$/);
  });

  it('never repeat and follow each other in text order, even with the clock standing still', () => {
    const ids = new MessageIdGenerator('0123456789ab');
    const now = 1_800_000_000_000;
    const all = Array.from({ length: 70_000 }, () => ids.next(now));
    all.push(ids.next(now + 1), ids.next(now - 60_000));
    assert.equal(new Set(all).size, all.length);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1] < all[i], `${all[i - 1]} before ${all[i]}`);
    // Past 65,536 in one millisecond the timestamp moves on by one tick; it stays in that millisecond.
    assert.equal(msOf(all[69_999]), now);
  });

  it('refuse a node that is not 6 bytes of hex', () => {
    assert.throws(() => new MessageIdGenerator('xyz'), /12 hex digits/);
  });
});
