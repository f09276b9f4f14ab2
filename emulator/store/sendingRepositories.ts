/** sql.js implementations of the sending core's repositories (messages, schedule, suppressions). */
import type {
  Mail,
  MailAttachment,
  MessageRepository,
  RecipientKind,
  StoredMessage,
  StoredSend,
  Suppression,
  SuppressionFilter,
  SuppressionRepository,
  SuppressionStream,
  SuppressionType,
} from '../core/sending/model';
import type { SendingStream } from '../core/types';
import type { SqlValue } from 'sql.js';
import { perStore, type Row, type Store } from './database';

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const toMessage = (r: Row): StoredMessage => ({
  seq: Number(r.seq),
  id: String(r.id),
  sendId: Number(r.send_id),
  email: String(r.email),
  kind: String(r.kind) as RecipientKind,
  createdAt: Number(r.created_at),
});

/**
 * Per store: the seqs of the committed messages to each address (lower case), ascending. SQLite
 * has no index by address (migration 009): this one is built from the table the first time an
 * address is looked up, then follows every committed insert. A delete of messages (retention)
 * drops it (`forgetMessagesByEmail`), and so does a rollback of a transaction it was built in.
 */
class MessagesByEmail {
  private map: Map<string, number[]> | null = null;

  constructor(private readonly store: Store) {}

  seqs(email: string): readonly number[] {
    return this.built().get(email) ?? [];
  }

  /** Committed `messages` rows (ascending seqs); nothing to do while the index is not built. */
  added(rows: readonly SqlValue[][]): void {
    if (!this.map) return;
    for (const r of rows) {
      const seq = r[0] as number;
      const email = r[3] as string;
      const list = this.map.get(email);
      if (!list) this.map.set(email, [seq]);
      // (Already there when the index was built inside the very transaction that added the row.)
      else if (list[list.length - 1] < seq) list.push(seq);
    }
  }

  forget(): void {
    this.map = null;
  }

  private built(): Map<string, number[]> {
    if (this.map) return this.map;
    const map = new Map<string, number[]>();
    // Inside a transaction this reads its uncommitted rows too: a rollback drops what was built.
    for (const r of this.store.all('SELECT seq, email FROM messages ORDER BY seq')) {
      const email = String(r.email);
      const list = map.get(email);
      if (list) list.push(Number(r.seq));
      else map.set(email, [Number(r.seq)]);
    }
    this.store.onRollback(() => this.forget());
    return (this.map = map);
  }
}

const messagesByEmail = perStore((store) => new MessagesByEmail(store));

/** Messages were deleted (retention): the address index is rebuilt when next used. */
export function forgetMessagesByEmail(store: Store): void {
  const index = messagesByEmail(store);
  index.forget();
  store.onRollback(() => index.forget());
}

const messagesBySeqs = (store: Store, seqs: readonly number[]): StoredMessage[] =>
  seqs.length ? store.all('SELECT * FROM messages WHERE seq IN (SELECT value FROM json_each(?)) ORDER BY seq DESC', [JSON.stringify(seqs)]).map(toMessage) : [];

export class SqlMessageRepository implements MessageRepository {
  constructor(private readonly store: Store) {}

  /**
   * A send's rows are read-model rows (deferredRows.ts): journaled now, written into SQLite before
   * anything reads their tables. Ids are reserved as AUTOINCREMENT would give them.
   */
  insertSend(send: Omit<StoredSend, 'id' | 'attachments'>, attachments: MailAttachment[]): number {
    return this.store.transaction(() => {
      const id = this.store.reserveIds('sends', 1);
      this.store.deferInsert('sends', [
        [id, send.createdAt, send.stream, send.domainName, send.source, JSON.stringify(send.mail), send.openTracking ? 1 : 0, send.clickTracking ? 1 : 0],
      ]);
      // Attachment bytes are kept as base64 text: journal entries are JSON.
      this.store.deferInsert(
        'send_attachments',
        attachments.map((a, i) => [id, i, a.filename, a.type, a.disposition, a.contentId, a.content.length, Buffer.from(a.content).toString('base64')]),
      );
      return id;
    });
  }

  /**
   * Seqs as AUTOINCREMENT gives them, consecutive in `ms` order. A send's messages come in one
   * call, so they get consecutive seqs: retention relies on it to find the sends that lost their
   * last message without scanning the table (retentionRepository.ts).
   */
  insertMessages(ms: Omit<StoredMessage, 'seq'>[]): void {
    if (!ms.length) return;
    this.store.transaction(() => {
      const first = this.store.reserveIds('messages', ms.length);
      const rows = ms.map((m, i) => [first + i, m.id, m.sendId, m.email.toLowerCase(), m.kind, m.createdAt]);
      this.store.deferInsert('messages', rows);
      this.store.afterCommit(() => messagesByEmail(this.store).added(rows));
    });
  }

  get(id: string): StoredMessage | undefined {
    const r = this.store.get('SELECT * FROM messages WHERE id = ?', [id]);
    return r && toMessage(r);
  }

  getSend(id: number): StoredSend | undefined {
    const r = this.store.get('SELECT * FROM sends WHERE id = ?', [id]);
    if (!r) return undefined;
    const attachments = this.store
      .all('SELECT filename, type, size FROM send_attachments WHERE send_id = ? ORDER BY position', [id])
      .map((a) => ({ filename: String(a.filename), type: str(a.type), size: Number(a.size) }));
    return {
      id: Number(r.id),
      createdAt: Number(r.created_at),
      stream: String(r.stream) as SendingStream,
      domainName: String(r.domain_name),
      source: String(r.source) as 'api' | 'smtp',
      mail: JSON.parse(String(r.mail)) as Omit<Mail, 'attachments'>,
      openTracking: Number(r.open_tracking) === 1,
      clickTracking: Number(r.click_tracking) === 1,
      attachments,
    };
  }

  list(f: { email?: string; beforeSeq?: number; limit: number }): StoredMessage[] {
    if (f.email) {
      // The newest `limit` of the address's seqs below the cursor.
      const all = messagesByEmail(this.store).seqs(f.email.toLowerCase());
      let end = all.length;
      if (f.beforeSeq) while (end > 0 && all[end - 1] >= f.beforeSeq) end--;
      return messagesBySeqs(this.store, all.slice(Math.max(0, end - f.limit), end));
    }
    const page = this.newestWaiting(f.beforeSeq, f.limit);
    if (page) return page;
    const where = f.beforeSeq ? 'WHERE seq < ?' : '';
    return this.store.all(`SELECT * FROM messages ${where} ORDER BY seq DESC LIMIT ?`, [...(f.beforeSeq ? [f.beforeSeq] : []), f.limit]).map(toMessage);
  }

  /**
   * A page that the rows still waiting to go into SQLite fill (a burst's, right after it: the
   * inspector's first page), read from them instead of writing every one of them first (~6 µs a
   * row, ~120 ms after 20,000 recipients). Rows go into SQLite oldest first, so every waiting row
   * is newer than every row there: `limit` of them below the cursor are the page. Null otherwise.
   */
  private newestWaiting(beforeSeq: number | undefined, limit: number): StoredMessage[] | null {
    const rows = this.store.waitingRowList('messages');
    if (rows.length < limit) return null;
    const page: StoredMessage[] = [];
    let above = Infinity;
    for (let i = rows.length - 1; i >= 0 && page.length < limit; i--) {
      const r = rows[i];
      const seq = Number(r[0]);
      if (!(seq < above)) return null; // not in seq order: let SQL answer
      above = seq;
      if (beforeSeq !== undefined && seq >= beforeSeq) continue;
      page.push({ seq, id: String(r[1]), sendId: Number(r[2]), email: String(r[3]), kind: String(r[4]) as RecipientKind, createdAt: Number(r[5]) });
    }
    return page.length === limit ? page : null;
  }

  count(f: { email?: string }): number {
    if (f.email) return messagesByEmail(this.store).seqs(f.email.toLowerCase()).length;
    return this.store.countRows('messages');
  }

  latestForEmail(email: string): StoredMessage | undefined {
    const seqs = messagesByEmail(this.store).seqs(email.toLowerCase());
    return seqs.length ? messagesBySeqs(this.store, seqs.slice(-1))[0] : undefined;
  }

  /** Decoded attachment bytes (for downloads and tests). */
  attachmentContent(sendId: number, position: number): Buffer | undefined {
    const r = this.store.get('SELECT content FROM send_attachments WHERE send_id = ? AND position = ?', [sendId, position]);
    return r && Buffer.from(String(r.content), 'base64');
  }
}


const toSuppression = (r: Row): Suppression => ({
  id: String(r.id),
  seq: Number(r.seq),
  type: String(r.type) as SuppressionType,
  email: String(r.email),
  domainName: String(r.domain_name),
  sendingStream: String(r.sending_stream) as SuppressionStream,
  createdAt: Number(r.created_at),
  messageId: str(r.message_id),
  bounceCategory: str(r.bounce_category),
  espResponse: str(r.esp_response),
});

/**
 * Per store: every address that has (or may have had) a suppression. Most recipients have none,
 * so `find` answers them without a statement. Grown by every insert (a rolled-back one too) and
 * never shrunk: an address in it only costs the lookup it would have cost anyway.
 */
const suppressedEmails = perStore(
  (store) => new Set(store.all<{ email: string }>('SELECT DISTINCT email FROM suppressions').map((r) => String(r.email))),
);

export class SqlSuppressionRepository implements SuppressionRepository {
  constructor(private readonly store: Store) {}

  private emails(): Set<string> {
    return suppressedEmails(this.store);
  }

  find(domainName: string, stream: SendingStream, email: string): Suppression | undefined {
    if (!this.emails().has(email)) return undefined;
    // Run for every recipient of every send. An ORDER BY here, even one the index satisfies,
    // costs sql.js ~50 µs a statement (measured; ~3 µs without): the oldest of the (at most two)
    // matches is picked here instead.
    const rows = this.store.all("SELECT * FROM suppressions WHERE email = ? AND domain_name = ? AND sending_stream IN (?, 'any')", [
      email,
      domainName,
      stream,
    ]);
    if (!rows.length) return undefined;
    return toSuppression(rows.reduce((a, b) => (Number(b.seq) < Number(a.seq) ? b : a)));
  }

  findExact(domainName: string, stream: SuppressionStream, email: string): Suppression | undefined {
    const r = this.store.get('SELECT * FROM suppressions WHERE domain_name = ? AND email = ? AND sending_stream = ?', [domainName, email, stream]);
    return r && toSuppression(r);
  }

  insert(s: Omit<Suppression, 'seq'>): void {
    this.emails().add(s.email);
    this.store.run(
      `INSERT INTO suppressions (id, type, email, domain_name, sending_stream, created_at, message_id, bounce_category, esp_response)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [s.id, s.type, s.email, s.domainName, s.sendingStream, s.createdAt, s.messageId, s.bounceCategory, s.espResponse],
    );
  }

  list(f: SuppressionFilter): Suppression[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.email !== undefined) where.push('email = ?'), args.push(f.email);
    if (f.beforeSeq !== undefined) where.push('seq < ?'), args.push(f.beforeSeq);
    if (f.from !== undefined) where.push('created_at >= ?'), args.push(f.from);
    if (f.to !== undefined) where.push('created_at <= ?'), args.push(f.to);
    const sql = `SELECT * FROM suppressions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return this.store.all(sql, [...args, f.limit]).map(toSuppression);
  }

  get(id: string): Suppression | undefined {
    const r = this.store.get('SELECT * FROM suppressions WHERE id = ?', [id]);
    return r && toSuppression(r);
  }

  delete(id: string): void {
    this.store.run('DELETE FROM suppressions WHERE id = ?', [id]);
  }
}
