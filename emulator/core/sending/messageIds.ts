/**
 * Message ids as Mailtrap gives them: time-based (version 1) UUIDs, not random ones. Every id in
 * the recorded answers of mailtrap/mailtrap-ruby (spec/fixtures/vcr_cassettes) is one, e.g. the
 * two messages of one batch `17287920-571a-11f0-0040-f13664d022fb` and `…-0041-…`: the same
 * millisecond timestamp (the time the request was accepted), a counter in the clock-sequence
 * group, and a random node id (multicast bit set, RFC 4122 §4.5). The OpenAPI example of
 * `SentResponse.message_ids` (mailtrap/mailtrap-openapi, specs/email-sending-*.openapi.yml) is
 * version 1 too: `0c7fd939-02cf-11ed-88c2-0a58a9feac02`.
 *
 * Here the timestamp is the emulator's clock (virtual time included), the counter restarts at
 * 0000 each new millisecond, and when a millisecond holds more than 65,536 ids (a frozen virtual
 * clock) the timestamp moves on by one 100 ns tick. So ids never repeat within a process, and
 * follow each other in text order (until the low 32 bits of the timestamp wrap, every ~7 minutes
 * of clock): a new message's id lands at the end of the messages' unique index, not at a random
 * place in it.
 */

/** 100 ns ticks from the Gregorian reform (1582-10-15) to the Unix epoch. */
const GREGORIAN_TO_UNIX = 122_192_928_000_000_000n;
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

export class MessageIdGenerator {
  private readonly node: string;
  private lastMs = NaN;
  private ticks = -1n;
  private seq = 0;
  /**
   * The id's text as bytes: `time_low-time_mid-1time_hi-` of `ticks`, the counter, the node. Each id
   * is read from it as one flat string (a string put together from pieces costs every later
   * JSON.stringify of it a walk over the pieces).
   */
  private readonly text = Buffer.alloc(36);

  /** `node`: 12 hex digits (6 bytes), e.g. Random.hex(6); the multicast bit is set here. */
  constructor(node: string) {
    if (!/^[0-9a-f]{12}$/i.test(node)) throw new Error('a message id node is 12 hex digits');
    this.node = (parseInt(node.slice(0, 2), 16) | 1).toString(16).padStart(2, '0') + node.slice(2).toLowerCase();
    this.text.write(`-${this.node}`, 23, 'latin1');
  }

  /** The next id, for a message accepted at `nowMs` (Unix ms). */
  next(nowMs: number): string {
    if (nowMs !== this.lastMs) {
      this.lastMs = nowMs;
      const ticks = BigInt(Math.trunc(nowMs)) * 10_000n + GREGORIAN_TO_UNIX;
      if (ticks > this.ticks) {
        this.setTicks(ticks);
        this.seq = 0;
        return this.format();
      }
    }
    if (++this.seq > 0xffff) {
      this.setTicks(this.ticks + 1n);
      this.seq = 0;
    }
    return this.format();
  }

  private setTicks(ticks: bigint): void {
    this.ticks = ticks;
    const hex = ticks.toString(16).padStart(15, '0');
    // 60 bits: time_hi (12) | time_mid (16) | time_low (32); the version nibble goes before time_hi.
    this.text.write(`${hex.slice(7)}-${hex.slice(3, 7)}-1${hex.slice(0, 3)}-`, 0, 'latin1');
  }

  private format(): string {
    const t = this.text;
    const s = this.seq;
    t[19] = HEX_DIGITS[(s >> 12) & 15];
    t[20] = HEX_DIGITS[(s >> 8) & 15];
    t[21] = HEX_DIGITS[(s >> 4) & 15];
    t[22] = HEX_DIGITS[s & 15];
    return t.toString('latin1', 0, 36);
  }
}
