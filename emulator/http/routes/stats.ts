/**
 * Mailtrap's Stats API (`mailtrap/mailtrap-openapi` `specs/email-sending.openapi.yml`:
 * `getAccountSendingStats`, `…ByDomains`, `…ByCategories`, `…ByEmailServiceProviders`,
 * `…ByDate`) under `/api/accounts/{account_id}/stats[/…]` (the SDK's) and `/api/stats[/…]`.
 * The account-scoped generation names the domain `sending_domain_id` (filter
 * `sending_domain_ids[]`), the current one `domain_id` (`domain_ids[]`); both filters are
 * accepted on both. Dates are UTC days of the message's sending time on the virtual clock.
 */
import { Router, type Request } from 'express';
import { BadRequestError } from '../../core/errors';
import type { EmailLogService, StatsParams } from '../../core/logs/emailLogService';
import type { StatsGroup } from '../../core/logs/stats';
import { SENDING_STREAMS, type SendingStream } from '../../core/types';
import { parseDeepQuery, rawQueryOf, type QueryValue } from '../deepQuery';
import type { PathGeneration } from '../emailLogWire';

const DAY_MS = 86_400_000;

function day(q: Record<string, QueryValue>, key: string): number {
  const v = q[key];
  if (v === undefined || v === '') throw new BadRequestError([`Missing required parameter: ${key}`]);
  const t = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== v) throw new BadRequestError([`Invalid parameter: ${key} must be a date (YYYY-MM-DD)`]);
  return t;
}

/** `key[]=a&key[]=b`, `key=a`, or nothing. */
function list(q: Record<string, QueryValue>, ...keys: string[]): string[] | undefined {
  for (const key of keys) {
    const v = q[key];
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  }
  return undefined;
}

function params(req: Request): StatsParams {
  const q = parseDeepQuery(rawQueryOf(req.originalUrl));
  const startMs = day(q, 'start_date');
  const endMs = day(q, 'end_date') + DAY_MS;
  if (endMs <= startMs) throw new BadRequestError(['Invalid parameter: end_date must not be before start_date']);
  const ids = list(q, 'sending_domain_ids', 'domain_ids');
  const domainIds = ids?.map(Number);
  if (domainIds?.some((n) => !Number.isSafeInteger(n) || n < 1)) throw new BadRequestError(['Invalid parameter: domain ids must be whole numbers']);
  const streams = list(q, 'sending_streams');
  if (streams?.some((s) => !(SENDING_STREAMS as readonly string[]).includes(s))) {
    throw new BadRequestError([`Invalid parameter: sending_streams must be ${SENDING_STREAMS.join(' or ')}`]);
  }
  return {
    startMs,
    endMs,
    domainIds,
    streams: streams as SendingStream[] | undefined,
    categories: list(q, 'categories'),
    providers: list(q, 'email_service_providers'),
  };
}

const GROUPS: [string, StatsGroup, (g: PathGeneration) => string][] = [
  ['domains', 'domain', (g) => (g === 'account' ? 'sending_domain_id' : 'domain_id')],
  ['categories', 'category', () => 'category'],
  ['email_service_providers', 'email_service_provider', () => 'email_service_provider'],
  ['date', 'date', () => 'date'],
];

export function statsRoutes(logs: EmailLogService): Router {
  const r = Router();
  const bases: [string, PathGeneration][] = [
    ['/api/accounts/:accountId/stats', 'account'],
    ['/api/stats', 'current'],
  ];
  for (const [base, generation] of bases) {
    r.get(base, (req, res) => {
      res.json(logs.stats(params(req)));
    });
    for (const [path, group, field] of GROUPS) {
      r.get(`${base}/${path}`, (req, res) => {
        const rows = logs.stats(params(req), group);
        const key = field(generation);
        const out = [];
        for (const row of rows) {
          // A domain deleted since has no id to report; its messages still count in the totals.
          const value = group === 'domain' ? logs.domainIdOf(row.key) : row.key;
          if (value !== null) out.push({ [key]: value, stats: row.stats });
        }
        res.json(out);
      });
    }
  }
  return r;
}
