/**
 * The email-logs list's `filters` deep object → EmailLogFilter. Field names and operators are the
 * spec's `EmailLogsListFilters` (`mailtrap/mailtrap-openapi` `specs/email-sending.openapi.yml`),
 * plus `sending_domain_id`, the name the account-scoped generation and the SDK (4.10) use for
 * `domain_id`. As the spec says, unknown or invalid filters are ignored, never an error.
 */
import {
  EMAIL_LOG_EVENT_TYPES,
  EMAIL_LOG_STATUSES,
  fromEmailLogEventType,
  type EmailLogEventType,
  type EmailLogFilter,
  type NumberFilter,
  type SetFilter,
  type TextFilter,
  type TextOperator,
} from '../core/logs/emailLog';
import { SENDING_STREAMS, type SendingStream } from '../core/types';
import type { QueryValue } from './deepQuery';

type Spec = { [key: string]: QueryValue };

const isSpec = (v: QueryValue | undefined): v is Spec => !!v && typeof v === 'object' && !Array.isArray(v);

/** `value` as a list of strings (a single string or an array of them); undefined if neither. */
function values(spec: Spec): string[] | undefined {
  const v = spec.value;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

const CI: readonly TextOperator[] = ['ci_contain', 'ci_not_contain', 'ci_equal', 'ci_not_equal'];

function text(v: QueryValue | undefined, allowEmpty = false): TextFilter | undefined {
  if (!isSpec(v) || typeof v.operator !== 'string') return undefined;
  const op = v.operator as TextOperator;
  if (allowEmpty && (op === 'empty' || op === 'not_empty')) return { op, values: [] };
  const vals = values(v);
  return CI.includes(op) && vals ? { op, values: vals } : undefined;
}

/** IP filters use `equal` / `contain`; IPs have no case, so they map onto the ci_* operators. */
function ip(v: QueryValue | undefined): TextFilter | undefined {
  if (!isSpec(v) || typeof v.operator !== 'string') return undefined;
  const op = ({ equal: 'ci_equal', not_equal: 'ci_not_equal', contain: 'ci_contain', not_contain: 'ci_not_contain' } as const)[
    v.operator as 'equal'
  ];
  const vals = values(v);
  return op && vals ? { op, values: vals } : undefined;
}

function oneOf<T>(v: QueryValue | undefined, ops: [string, string], accept: (s: string) => T | undefined): SetFilter<T> | undefined {
  if (!isSpec(v) || !ops.includes(v.operator as string)) return undefined;
  const vals = values(v)
    ?.map(accept)
    .filter((x): x is T => x !== undefined);
  return vals?.length ? { negate: v.operator === ops[1], values: vals } : undefined;
}

function count(v: QueryValue | undefined): NumberFilter | undefined {
  if (!isSpec(v) || typeof v.value !== 'string' || !/^\d{1,9}$/.test(v.value)) return undefined;
  const op = v.operator;
  return op === 'equal' || op === 'greater_than' || op === 'less_than' ? { op, value: Number(v.value) } : undefined;
}

function time(v: QueryValue | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

const member = <T extends string>(list: readonly T[]) => (s: string): T | undefined => (list.includes(s as T) ? (s as T) : undefined);
const anyString = (s: string) => s;
const positiveInt = (s: string): number | undefined => (/^\d{1,15}$/.test(s) && Number(s) > 0 ? Number(s) : undefined);

export function parseEmailLogFilters(raw: QueryValue | undefined): EmailLogFilter {
  if (!isSpec(raw)) return {};
  const f: EmailLogFilter = {
    sentAfter: time(raw.sent_after),
    sentBefore: time(raw.sent_before),
    to: text(raw.to),
    from: text(raw.from),
    subject: text(raw.subject, true),
    status: oneOf(raw.status, ['equal', 'not_equal'], member(EMAIL_LOG_STATUSES)),
    events: oneOf(raw.events, ['include_event', 'not_include_event'], (s) => {
      const t = member(EMAIL_LOG_EVENT_TYPES)(s);
      return t && fromEmailLogEventType(t as EmailLogEventType);
    }),
    clicksCount: count(raw.clicks_count),
    opensCount: count(raw.opens_count),
    clientIp: ip(raw.client_ip),
    sendingIp: ip(raw.sending_ip),
    espResponse: text(raw.email_service_provider_response),
    esp: oneOf(raw.email_service_provider, ['equal', 'not_equal'], anyString),
    recipientMx: text(raw.recipient_mx),
    category: oneOf(raw.category, ['equal', 'not_equal'], anyString),
    domainIds: oneOf(raw.domain_id ?? raw.sending_domain_id, ['equal', 'not_equal'], positiveInt),
    streams: oneOf(raw.sending_stream, ['equal', 'not_equal'], member<SendingStream>(SENDING_STREAMS)),
  };
  for (const k of Object.keys(f) as (keyof EmailLogFilter)[]) if (f[k] === undefined) delete f[k];
  return f;
}
