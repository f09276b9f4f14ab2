/** Email Logs and Stats over the messages and events the emulator already holds (read-only). */
import { BadRequestError } from '../errors';
import type { DomainService } from '../domains';
import type { EventService, StoredEvent } from '../events';
import type { MessageView, Sending } from '../sending';
import type { SendingStream } from '../types';
import type { EmailLogEntry, EmailLogFilter, EmailLogRepository } from './emailLog';
import { bucketProvider, groupStats, sendingStats, type StatsGroup } from './stats';

/** Mailtrap does not document its page size; the emulator's is 50 (the list's `limit` changes it). */
export const EMAIL_LOG_PAGE_SIZE = 50;

export interface EmailLogPage {
  entries: EmailLogEntry[];
  total: number;
  /** The last entry's message id when more follow; null on the last page. */
  nextCursor: string | null;
}

export interface EmailLogDetail {
  entry: EmailLogEntry;
  view: MessageView;
  /** Oldest first. */
  events: StoredEvent[];
}

export interface StatsParams {
  startMs: number;
  endMs: number;
  domainIds?: number[];
  streams?: SendingStream[];
  categories?: string[];
  providers?: string[];
}

export class EmailLogService {
  constructor(
    private readonly repo: EmailLogRepository,
    private readonly sending: Sending,
    private readonly events: EventService,
    private readonly domains: DomainService,
  ) {}

  list(filter: EmailLogFilter, cursor?: string, limit = EMAIL_LOG_PAGE_SIZE): EmailLogPage {
    let beforeSeq: number | undefined;
    if (cursor !== undefined) {
      beforeSeq = this.repo.seqOf(cursor);
      if (beforeSeq === undefined) throw new BadRequestError(["'search_after' is not a message id of this account"]);
    }
    // One more than asked tells whether a next page exists, so a cursor never leads to an empty page.
    const rows = this.repo.list(filter, { beforeSeq, limit: limit + 1 });
    const entries = rows.slice(0, limit);
    return {
      entries,
      total: this.repo.count(filter),
      nextCursor: rows.length > limit ? entries[entries.length - 1].messageId : null,
    };
  }

  get(messageId: string): EmailLogDetail | undefined {
    const [entry] = this.repo.list({ messageIds: [messageId] }, { limit: 1 });
    const view = entry && this.sending.getMessage(messageId);
    if (!entry || !view) return undefined;
    // A lifecycle is a handful of events; the cap guards messages flooded by the trigger API.
    const events = this.events.list({ messageId, limit: 1000 }).reverse();
    return { entry, view, events };
  }

  /** Totals, or one row per group key. */
  stats(p: StatsParams): ReturnType<typeof sendingStats>;
  stats(p: StatsParams, by: StatsGroup): ReturnType<typeof groupStats>;
  stats(p: StatsParams, by?: StatsGroup) {
    const domainNames = p.domainIds?.map((id) => this.domains.list().find((d) => d.id === id)?.domainName ?? `\0deleted-${id}`);
    let buckets = this.repo.statsBuckets({ startMs: p.startMs, endMs: p.endMs, domainNames, streams: p.streams, categories: p.categories });
    if (p.providers?.length) {
      const wanted = new Set(p.providers);
      buckets = buckets.filter((b) => wanted.has(bucketProvider(b)));
    }
    return by ? groupStats(buckets, by) : sendingStats(buckets);
  }

  /** The id of a sending domain by name (for the wire's `sending_domain_id`), null once deleted. */
  domainIdOf(domainName: string): number | null {
    return this.domains.findByName(domainName)?.id ?? null;
  }
}
