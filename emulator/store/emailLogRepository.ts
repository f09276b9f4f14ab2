/**
 * sql.js implementation of the email-log read model: messages joined with their send and sending
 * domain, with status and counts derived from the message's events at query time, by the `mt_*`
 * functions over the in-memory events (eventFunctions.ts; nothing extra is written on the hot path). Every list value is bound as one JSON parameter (`json_each(?)`), so
 * the SQL text depends only on which filters are present and prepared statements stay few.
 *
 * `lower()` folds ASCII only, as SQLite's does; the `ci_*` operators are case-insensitive for
 * ASCII letters.
 */
import type { EmailLogEntry, EmailLogFilter, EmailLogRepository, EmailLogStatus, SetFilter, StatsBucket, StatsQuery, TextFilter, TextOperator } from '../core/logs/emailLog';
import { deriveStatus, EMULATOR_IP } from '../core/logs/emailLog';
import { PROVIDERS } from '../core/logs/providers';
import type { PayloadEventName, SendingStream } from '../core/types';
import type { Row, Store } from './database';
import { STATS_BITS } from './eventFunctions';
import { DAY_MS, StatsIndex, utcDay } from './statsIndex';

type Params = (string | number)[];

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** deriveStatus() (core/logs/emailLog.ts) itself, over the message's events. */
const STATUS = 'mt_status(m.id)';
const countOf = (type: string) => `mt_count(m.id, ${quote(type)})`;
const OPENS = countOf('open');
const CLICKS = countOf('click');
const RECIPIENT_DOMAIN = "substr(m.email, instr(m.email, '@') + 1)";
/** providers.ts as SQL: the provider's name and MX host of the recipient's domain. */
const byProvider = (pick: (p: (typeof PROVIDERS)[number]) => string, otherwise: string) =>
  `(CASE ${PROVIDERS.map((p) => `WHEN ${RECIPIENT_DOMAIN} IN (${p.domains.map(quote).join(', ')}) THEN ${quote(pick(p))}`).join(' ')} ELSE ${otherwise} END)`;
const PROVIDER = byProvider((p) => p.name, quote('Other'));
const RECIPIENT_MX = byProvider((p) => p.mx, `'mx.' || ${RECIPIENT_DOMAIN}`);
const FROM_EMAIL = "json_extract(s.mail, '$.from.email')";
const SUBJECT = "json_extract(s.mail, '$.subject')";
const CATEGORY = "json_extract(s.mail, '$.category')";
const SENDS = 'FROM sends s LEFT JOIN domains d ON d.domain_name = s.domain_name';
const BASE = 'FROM messages m JOIN sends s ON s.id = m.send_id LEFT JOIN domains d ON d.domain_name = s.domain_name';

function text(expr: string, f: TextFilter, params: Params): string {
  const value = `lower(COALESCE(${expr}, ''))`;
  switch (f.op) {
    case 'empty':
      return `${value} = ''`;
    case 'not_empty':
      return `${value} <> ''`;
    case 'ci_equal':
    case 'ci_not_equal':
      params.push(JSON.stringify(f.values.map((v) => v.toLowerCase())));
      return `${f.op === 'ci_not_equal' ? 'NOT ' : ''}${value} IN (SELECT value FROM json_each(?))`;
    case 'ci_contain':
    case 'ci_not_contain': {
      // A LIKE a value (the SDKs send one), which folds ASCII case as lower() does, with the value's
      // own % _ and \ taken literally. (A correlated json_each of the values was parsed again for
      // every row: 3x slower over 100,000 messages.) No value matches nothing.
      const likes = f.values.map((v) => {
        params.push(`%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        return `COALESCE(${expr}, '') LIKE ? ESCAPE '\\'`;
      });
      return `${f.op === 'ci_not_contain' ? 'NOT ' : ''}(${likes.join(' OR ') || '0'})`;
    }
  }
}

function oneOf<T extends string | number>(expr: string, f: SetFilter<T>, params: Params): string {
  params.push(JSON.stringify(f.values));
  return `${f.negate ? 'NOT ' : ''}${expr} IN (SELECT value FROM json_each(?))`;
}

const isNegative = (f: TextFilter) => f.op === 'ci_not_contain' || f.op === 'ci_not_equal' || f.op === 'empty';
const POSITIVE: Partial<Record<TextOperator, TextOperator>> = { ci_not_contain: 'ci_contain', ci_not_equal: 'ci_equal', empty: 'not_empty' };
const positive = (f: TextFilter): TextFilter => ({ ...f, op: POSITIVE[f.op] ?? f.op });

/** The ids, as a JSON array, of the messages with events whose types pass `test`; `key` names the test (a memo's key). */
type IdsWhere = (key: string, test: (types: PayloadEventName[]) => boolean) => string;

/**
 * `[NOT] m.id IN (…)`: the messages whose event types (oldest first) pass `matches`, worked out
 * over the events in memory in one walk, instead of a call into JavaScript for every message row
 * (~1 s over 100,000 messages for a page and its count). A message without events is named by
 * neither list, so when one would match, the list names those with events that do not.
 */
function byEventTypes(key: string, matches: (types: PayloadEventName[]) => boolean, params: Params, ids: IdsWhere): string {
  const withoutEvents = matches([]);
  params.push(ids(key, withoutEvents ? (t) => !matches(t) : matches));
  return `m.id ${withoutEvents ? 'NOT ' : ''}IN (SELECT value FROM json_each(?))`;
}

function where(f: EmailLogFilter, ids: IdsWhere): { sql: string; params: Params } {
  const parts: string[] = [];
  const params: Params = [];
  if (f.messageIds) parts.push(oneOf('m.id', { negate: false, values: f.messageIds }, params));
  if (f.sentAfter !== undefined) parts.push('m.created_at >= ?'), params.push(f.sentAfter);
  if (f.sentBefore !== undefined) parts.push('m.created_at <= ?'), params.push(f.sentBefore);
  if (f.to) parts.push(text('m.email', f.to, params));
  if (f.status) {
    const { values, negate } = f.status;
    parts.push(byEventTypes(`status ${negate} ${JSON.stringify(values)}`, (t) => values.includes(deriveStatus(t)) !== negate, params, ids));
  }
  if (f.events) {
    const { values, negate } = f.events;
    const wanted = new Set<string>(values);
    parts.push(byEventTypes(`events ${negate} ${JSON.stringify(values)}`, (t) => t.some((x) => wanted.has(x)) !== negate, params, ids));
  }
  for (const [type, n] of [['open', f.opensCount], ['click', f.clicksCount]] as const) {
    if (!n) continue;
    const { op, value } = n;
    const holds = (count: number) => (op === 'equal' ? count === value : op === 'greater_than' ? count > value : count < value);
    parts.push(byEventTypes(`${type} ${op} ${value}`, (t) => holds(t.reduce((c, x) => (x === type ? c + 1 : c), 0)), params, ids));
  }
  if (f.clientIp) parts.push(text(quote(EMULATOR_IP), f.clientIp, params));
  if (f.sendingIp) parts.push(text(quote(EMULATOR_IP), f.sendingIp, params));
  if (f.espResponse) {
    // A message matches when one of its bounces' responses does; "not" means none of them does.
    const cond = text('r.value', positive(f.espResponse), params);
    parts.push(`${isNegative(f.espResponse) ? 'NOT ' : ''}EXISTS (SELECT 1 FROM json_each(mt_bounce_responses(m.id)) r WHERE ${cond})`);
  }
  if (f.esp) parts.push(oneOf(PROVIDER, f.esp, params));
  if (f.recipientMx) parts.push(text(RECIPIENT_MX, f.recipientMx, params));
  // Filters on the send (shared by its recipients' messages) are evaluated once per send, not per
  // message: a send to 1,000 recipients has one mail document, and parsing it is the costly part.
  const sendParts: string[] = [];
  if (f.from) sendParts.push(text(FROM_EMAIL, f.from, params));
  if (f.subject) sendParts.push(text(SUBJECT, f.subject, params));
  if (f.category) sendParts.push(oneOf(`COALESCE(${CATEGORY}, '')`, f.category, params));
  if (f.domainIds) sendParts.push(oneOf('COALESCE(d.id, 0)', f.domainIds, params));
  if (f.streams) sendParts.push(oneOf('s.stream', f.streams, params));
  if (sendParts.length) parts.push(`m.send_id IN (SELECT s.id ${SENDS} WHERE ${sendParts.join(' AND ')})`);
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const object = (v: unknown): Record<string, unknown> | null => {
  if (typeof v !== 'string') return null;
  const o: unknown = JSON.parse(v);
  return o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : null;
};

const toEntry = (r: Row): EmailLogEntry => ({
  seq: Number(r.seq),
  messageId: String(r.id),
  email: String(r.email),
  createdAt: Number(r.created_at),
  sendId: Number(r.send_id),
  stream: String(r.stream) as SendingStream,
  domainName: String(r.domain_name),
  domainId: r.domain_id === null ? null : Number(r.domain_id),
  from: String(r.from_email ?? ''),
  subject: str(r.subject),
  category: str(r.category),
  customVariables: object(r.custom_variables),
  templateVariables: object(r.template_variables),
  headers: (object(r.headers) ?? {}) as Record<string, string>,
  status: String(r.status) as EmailLogStatus,
  opensCount: Number(r.opens),
  clicksCount: Number(r.clicks),
});

export class SqlEmailLogRepository implements EmailLogRepository {
  private readonly statsIndex: StatsIndex;
  /** `idsWhere`'s answers while the events have not changed: a page and its count ask the same. */
  private idsMemo: { version: number; byKey: Map<string, string> } = { version: -1, byKey: new Map() };

  constructor(private readonly store: Store) {
    this.statsIndex = new StatsIndex(store);
  }

  list(f: EmailLogFilter, page: { beforeSeq?: number; limit: number }): EmailLogEntry[] {
    const w = where(f, this.idsWhere);
    const cursor = page.beforeSeq === undefined ? '' : `${w.sql ? ' AND' : 'WHERE'} m.seq < ?`;
    const sql = `SELECT m.seq, m.id, m.email, m.created_at, m.send_id, s.stream, s.domain_name, d.id AS domain_id,
        ${FROM_EMAIL} AS from_email, ${SUBJECT} AS subject, ${CATEGORY} AS category,
        json_extract(s.mail, '$.customVariables') AS custom_variables, json_extract(s.mail, '$.templateVariables') AS template_variables,
        json_extract(s.mail, '$.headers') AS headers, ${STATUS} AS status, ${OPENS} AS opens, ${CLICKS} AS clicks
      ${BASE} ${w.sql}${cursor} ORDER BY m.seq DESC LIMIT ?`;
    const params = [...w.params, ...(page.beforeSeq === undefined ? [] : [page.beforeSeq]), page.limit];
    return this.store.all(sql, params).map(toEntry);
  }

  count(f: EmailLogFilter): number {
    const w = where(f, this.idsWhere);
    return Number(this.store.get<{ n: number }>(`SELECT COUNT(*) AS n FROM messages m ${w.sql}`, w.params)?.n ?? 0);
  }

  private readonly idsWhere: IdsWhere = (key, test) => {
    const version = this.store.events.version;
    if (this.idsMemo.version !== version) this.idsMemo = { version, byKey: new Map() };
    const byKey = this.idsMemo.byKey;
    let json = byKey.get(key);
    if (json === undefined) {
      json = JSON.stringify(this.store.events.messageIdsWhere((types) => test(types as PayloadEventName[])));
      if (byKey.size >= 4) byKey.clear(); // the lists of a few filters at most (each up to a few MB)
      byKey.set(key, json);
    }
    return json;
  };

  seqOf(messageId: string): number | undefined {
    const r = this.store.get<{ seq: number }>('SELECT seq FROM messages WHERE id = ?', [messageId]);
    return r ? Number(r.seq) : undefined;
  }

  /** From the messages kept in memory between calls (statsIndex.ts); inside a transaction, which may roll back, from SQL. */
  statsBuckets(q: StatsQuery): StatsBucket[] {
    return this.store.inTransaction ? this.statsBucketsBySql(q) : this.statsIndex.buckets(q);
  }

  /** The same buckets by one SQL query over every message in the range (what the index must equal). */
  statsBucketsBySql(q: StatsQuery): StatsBucket[] {
    // Messages are counted per (send, day, recipient domain) first; each send's mail document is
    // then read once per group rather than once per message. A message's event types are read once
    // (`mt_stats_mask`): the CTE is MATERIALIZED, or SQLite would inline the call into each SUM.
    // A message's day is its UTC day number (times are positive: the clock starts at the real
    // now), named once per group below: SQLite's date() a message cost 15–35 % of the query.
    const params: Params = [q.startMs, q.endMs];
    const sendParts: string[] = [];
    if (q.domainNames) sendParts.push(oneOf('s.domain_name', { negate: false, values: q.domainNames }, params));
    if (q.streams) sendParts.push(oneOf('s.stream', { negate: false, values: q.streams }, params));
    if (q.categories) sendParts.push(oneOf(CATEGORY, { negate: false, values: q.categories }, params));
    const has = (type: keyof typeof STATS_BITS) => `SUM((k.mask & ${STATS_BITS[type]}) != 0)`;
    const sql = `WITH k AS MATERIALIZED (
        SELECT m.send_id, m.created_at / ${DAY_MS} AS day, ${RECIPIENT_DOMAIN} AS recipient_domain, mt_stats_mask(m.id) AS mask
        FROM messages m WHERE m.created_at >= ? AND m.created_at < ?)
      SELECT g.day, s.domain_name, ${CATEGORY} AS category, s.stream, g.recipient_domain,
        SUM(g.delivered) AS delivered, SUM(g.bounced) AS bounced, SUM(g.opened) AS opened, SUM(g.clicked) AS clicked, SUM(g.spam) AS spam
      FROM (SELECT k.send_id, k.day, k.recipient_domain,
              ${has('delivery')} AS delivered, ${has('bounce')} AS bounced, ${has('open')} AS opened,
              ${has('click')} AS clicked, ${has('spam')} AS spam
            FROM k GROUP BY 1, 2, 3) g
      JOIN sends s ON s.id = g.send_id
      ${sendParts.length ? `WHERE ${sendParts.join(' AND ')}` : ''}
      GROUP BY 1, 2, 3, 4, 5`;
    return this.store.all(sql, params).map((r) => ({
      day: utcDay(Number(r.day)),
      domainName: String(r.domain_name),
      category: str(r.category),
      stream: String(r.stream) as SendingStream,
      recipientDomain: String(r.recipient_domain),
      delivered: Number(r.delivered),
      bounced: Number(r.bounced),
      opened: Number(r.opened),
      clicked: Number(r.clicked),
      spam: Number(r.spam),
    }));
  }
}
