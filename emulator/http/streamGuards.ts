/**
 * Run-time guards for the live stream, one per entry of dto.ts `StreamEventMap`. Each schema is
 * typed `Schema<StreamEventMap[name]>`, and `Schema` is invariant in its type, so the compiler
 * rejects a schema that checks more or fewer fields than the declared payload: the guards cannot
 * drift from the map. The extension decodes what it receives with them (no casts of stream data);
 * the stream test checks what the real emulator sends with them, strictly (no undeclared fields).
 *
 * Pure and dependency-free apart from the core's constant lists, so both sides can bundle it.
 */
import { DELIVERY_KINDS, DELIVERY_STATUSES } from '../core/delivery/types';
import { PAYLOAD_EVENT_NAMES, PAYLOAD_FORMATS, SENDING_STREAMS, WEBHOOK_EVENT_TYPES, WEBHOOK_TYPES } from '../core/types';
import type { StreamEventMap, StreamEventName, StreamMessage } from './dto';

export interface Schema<T> {
  /** True when `v` is a `T`; each mismatch is appended to `problems` as `path: what`. `strict`: undeclared fields are mismatches too. */
  test(v: unknown, problems: string[], path: string, strict: boolean): v is T;
  /** Never set: makes `Schema<T>` invariant in `T`, so a schema must match its declared type exactly. */
  readonly __type?: (t: T) => T;
}
export type Infer<S> = S extends Schema<infer T> ? T : never;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str: Schema<string> = {
  test(v, problems, path): v is string {
    if (typeof v === 'string') return true;
    problems.push(`${path}: expected a string, got ${describe(v)}`);
    return false;
  },
};

export const num: Schema<number> = {
  test(v, problems, path): v is number {
    if (typeof v === 'number' && Number.isFinite(v)) return true;
    problems.push(`${path}: expected a number, got ${describe(v)}`);
    return false;
  },
};

export const bool: Schema<boolean> = {
  test(v, problems, path): v is boolean {
    if (typeof v === 'boolean') return true;
    problems.push(`${path}: expected true or false, got ${describe(v)}`);
    return false;
  },
};

export function oneOf<const L extends readonly string[]>(values: L): Schema<L[number]> {
  return {
    test(v, problems, path): v is L[number] {
      if (typeof v === 'string' && values.includes(v)) return true;
      problems.push(`${path}: expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
      return false;
    },
  };
}

export function nullable<T>(s: Schema<T>): Schema<T | null> {
  return {
    test(v, problems, path, strict): v is T | null {
      return v === null || s.test(v, problems, path, strict);
    },
  };
}

export function arr<T>(s: Schema<T>): Schema<T[]> {
  return {
    test(v, problems, path, strict): v is T[] {
      if (!Array.isArray(v)) {
        problems.push(`${path}: expected an array, got ${describe(v)}`);
        return false;
      }
      let ok = true;
      v.forEach((x, i) => (ok = s.test(x, problems, `${path}[${i}]`, strict) && ok));
      return ok;
    },
  };
}

/** An object used as a map (headers): any keys, every value a `T`. */
export function dict<T>(s: Schema<T>): Schema<Record<string, T>> {
  return {
    test(v, problems, path, strict): v is Record<string, T> {
      if (!isRecord(v)) {
        problems.push(`${path}: expected an object, got ${describe(v)}`);
        return false;
      }
      let ok = true;
      for (const [k, x] of Object.entries(v)) ok = s.test(x, problems, `${path}.${k}`, strict) && ok;
      return ok;
    },
  };
}

// `any` only in the constraint: an invariant Schema<T> has no common supertype otherwise.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, Schema<any>>;
type Shape<P> = { [K in keyof P]: Infer<P[K]> };

/** An object with exactly these fields (every one required; with `strict`, no others). */
export function obj<P extends Props>(props: P): Schema<Shape<P>> {
  return {
    test(v, problems, path, strict): v is Shape<P> {
      if (!isRecord(v)) {
        problems.push(`${path}: expected an object, got ${describe(v)}`);
        return false;
      }
      let ok = true;
      for (const [k, s] of Object.entries(props)) {
        if (!(k in v)) {
          problems.push(`${path}.${k}: missing`);
          ok = false;
        } else ok = s.test(v[k], problems, `${path}.${k}`, strict) && ok;
      }
      if (strict) {
        for (const k of Object.keys(v)) {
          if (!Object.prototype.hasOwnProperty.call(props, k)) {
            problems.push(`${path}.${k}: not declared in dto.ts`);
            ok = false;
          }
        }
      }
      return ok;
    },
  };
}

// ---- the stream's payloads (dto.ts)

const domain = obj({
  id: num,
  domain_name: str,
  demo: bool,
  compliance_status: str,
  dns_verified: bool,
  dns_verified_at: nullable(str),
  dns_records: arr(obj({ key: str, domain: str, type: str, value: str, status: str, name: str })),
  open_tracking_enabled: bool,
  click_tracking_enabled: bool,
  tracking_opt_out_enabled: bool,
  auto_unsubscribe_link_enabled: bool,
  custom_domain_tracking_enabled: bool,
  health_alerts_enabled: bool,
  critical_alerts_enabled: bool,
  alert_recipient_email: nullable(str),
  inbound_enabled: bool,
  inbound_verified: bool,
  permissions: obj({ can_read: bool, can_update: bool, can_destroy: bool }),
});

const webhook = obj({
  id: num,
  url: str,
  active: bool,
  webhook_type: oneOf(WEBHOOK_TYPES),
  payload_format: oneOf(PAYLOAD_FORMATS),
  sending_stream: nullable(oneOf(SENDING_STREAMS)),
  domain_id: nullable(num),
  inbound_inbox_id: nullable(num),
  event_types: arr(oneOf(WEBHOOK_EVENT_TYPES)),
});

const attemptSummary = obj({
  id: num,
  deliveryId: num,
  number: num,
  startedAt: num,
  durationMs: num,
  request: obj({ method: oneOf(['POST']), url: str, headers: dict(str) }),
  response: nullable(obj({ status: num, headers: dict(str), truncated: bool })),
  error: nullable(str),
  ok: bool,
});

const deliverySummary = obj({
  id: num,
  kind: oneOf(DELIVERY_KINDS),
  webhookId: num,
  webhookUrl: str,
  status: oneOf(DELIVERY_STATUSES),
  payloadFormat: oneOf(PAYLOAD_FORMATS),
  eventCount: num,
  eventTypes: arr(oneOf(PAYLOAD_EVENT_NAMES)),
  messageIds: arr(str),
  createdAt: num,
  attemptCount: num,
  nextAttemptAt: nullable(num),
  lastStatus: nullable(num),
  lastError: nullable(str),
  attempts: arr(attemptSummary),
});

const clock = obj({ now: num, iso: str, unix: num, scale: num, pendingTimers: num, nextDue: nullable(num) });

export const STREAM_SCHEMAS: { readonly [K in StreamEventName]: Schema<StreamEventMap[K]> } = {
  hello: obj({ clock }),
  'domain.created': domain,
  'domain.updated': domain,
  'domain.deleted': domain,
  'webhook.created': webhook,
  'webhook.updated': webhook,
  'webhook.deleted': webhook,
  'webhook.paused': obj({ webhook, deliveryId: num, attempts: num, lastError: nullable(str) }),
  'events.recorded': obj({ count: num, ids: arr(num) }),
  'message.created': obj({
    messageIds: arr(str),
    stream: oneOf(SENDING_STREAMS),
    from: str,
    subject: nullable(str),
    category: nullable(str),
    createdAt: num,
  }),
  'delivery.created': deliverySummary,
  'delivery.updated': deliverySummary,
  'clock.advanced': obj({ from: num, to: num, fired: num }),
  'sink.request': obj({
    sink: str,
    request: obj({ id: num, receivedAt: num, method: str, path: str, query: str, headers: dict(str), answeredStatus: nullable(num) }),
  }),
};

export const STREAM_EVENT_NAMES = Object.keys(STREAM_SCHEMAS) as readonly string[];

export function isStreamEventName(name: string): name is StreamEventName {
  return Object.prototype.hasOwnProperty.call(STREAM_SCHEMAS, name);
}

export type Decoded<K extends StreamEventName = StreamEventName> = { ok: true; message: StreamMessage<K> } | { ok: false; problems: string[] };

/**
 * A received `event:` name and parsed `data:` as a typed message, or what is wrong with them.
 * Lenient by default (fields added by a newer emulator pass); `strict` also rejects undeclared fields.
 */
export function decodeStreamMessage(name: string, data: unknown, strict = false): Decoded {
  if (!isStreamEventName(name)) return { ok: false, problems: [`unknown stream event "${name}"`] };
  return decodeAs(name, data, strict);
}

function decodeAs<K extends StreamEventName>(name: K, data: unknown, strict: boolean): Decoded<K> {
  const schema: Schema<StreamEventMap[K]> = STREAM_SCHEMAS[name];
  const problems: string[] = [];
  if (!schema.test(data, problems, name, strict)) return { ok: false, problems };
  const message: StreamMessage<K> = { name, data };
  return { ok: true, message };
}
