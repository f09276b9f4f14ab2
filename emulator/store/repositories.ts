/** sql.js implementations of the core's domain and webhook repositories. */
import type { DomainRepository, WebhookRepository } from '../core/ports';
import type { Domain, PayloadFormat, SendingStream, Webhook, WebhookEventType, WebhookType } from '../core/types';
import { perStore, type Row, type Store } from './database';

const bool = (v: unknown): boolean => v === 1 || v === '1' || v === true;

function toDomain(r: Row): Domain {
  return {
    id: Number(r.id),
    domainName: String(r.domain_name),
    createdAt: Number(r.created_at),
    openTrackingEnabled: bool(r.open_tracking_enabled),
    clickTrackingEnabled: bool(r.click_tracking_enabled),
    trackingOptOutEnabled: bool(r.tracking_opt_out_enabled),
    autoUnsubscribeLinkEnabled: bool(r.auto_unsubscribe_link_enabled),
    inboundEnabled: bool(r.inbound_enabled),
    dnsVerifiedAt: r.dns_verified_at === null || r.dns_verified_at === undefined ? null : Number(r.dns_verified_at),
  };
}

/**
 * Per store: domains by name, as committed. Every send looks its sender's domain up (~4 % of a
 * send's CPU as a statement). Filled only outside a transaction, emptied by every write of this
 * repository (the only writer of `domains`), so a rolled-back write leaves nothing behind.
 */
const domainsByName = perStore(() => new Map<string, Domain>());

export class SqlDomainRepository implements DomainRepository {
  private readonly byName: Map<string, Domain>;

  constructor(private readonly store: Store) {
    this.byName = domainsByName(store);
  }

  list(): Domain[] {
    return this.store.all('SELECT * FROM domains ORDER BY id').map(toDomain);
  }

  get(id: number): Domain | undefined {
    const r = this.store.get('SELECT * FROM domains WHERE id = ?', [id]);
    return r && toDomain(r);
  }

  findByName(domainName: string): Domain | undefined {
    const cached = this.byName.get(domainName);
    if (cached) return { ...cached };
    const r = this.store.get('SELECT * FROM domains WHERE domain_name = ?', [domainName]);
    const d = r && toDomain(r);
    if (d && !this.store.inTransaction) this.byName.set(domainName, { ...d });
    return d;
  }

  insert(d: Omit<Domain, 'id'>): Domain {
    this.byName.clear();
    const [r] = this.store.write(
      `INSERT INTO domains (domain_name, created_at, open_tracking_enabled, click_tracking_enabled,
         tracking_opt_out_enabled, auto_unsubscribe_link_enabled, inbound_enabled, dns_verified_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        d.domainName,
        d.createdAt,
        +d.openTrackingEnabled,
        +d.clickTrackingEnabled,
        +d.trackingOptOutEnabled,
        +d.autoUnsubscribeLinkEnabled,
        +d.inboundEnabled,
        d.dnsVerifiedAt,
      ],
    );
    return toDomain(r);
  }

  update(d: Domain): void {
    this.byName.clear();
    this.store.run(
      `UPDATE domains SET open_tracking_enabled = ?, click_tracking_enabled = ?, tracking_opt_out_enabled = ?,
         auto_unsubscribe_link_enabled = ?, inbound_enabled = ?, dns_verified_at = ? WHERE id = ?`,
      [+d.openTrackingEnabled, +d.clickTrackingEnabled, +d.trackingOptOutEnabled, +d.autoUnsubscribeLinkEnabled, +d.inboundEnabled, d.dnsVerifiedAt, d.id],
    );
  }

  delete(id: number): void {
    this.byName.clear();
    this.store.run('DELETE FROM domains WHERE id = ?', [id]);
  }
}

function toWebhook(r: Row): Webhook {
  return {
    id: Number(r.id),
    url: String(r.url),
    active: bool(r.active),
    webhookType: r.webhook_type as WebhookType,
    payloadFormat: r.payload_format as PayloadFormat,
    sendingStream: (r.sending_stream as SendingStream | null) ?? null,
    domainId: r.domain_id === null ? null : Number(r.domain_id),
    inboundInboxId: r.inbound_inbox_id === null || r.inbound_inbox_id === undefined ? null : Number(r.inbound_inbox_id),
    eventTypes: JSON.parse(String(r.event_types)) as WebhookEventType[],
    signingSecret: String(r.signing_secret),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export class SqlWebhookRepository implements WebhookRepository {
  constructor(private readonly store: Store) {}

  list(): Webhook[] {
    return this.store.all('SELECT * FROM webhooks ORDER BY id').map(toWebhook);
  }

  get(id: number): Webhook | undefined {
    const r = this.store.get('SELECT * FROM webhooks WHERE id = ?', [id]);
    return r && toWebhook(r);
  }

  insert(w: Omit<Webhook, 'id'>): Webhook {
    const [r] = this.store.write(
      `INSERT INTO webhooks (url, active, webhook_type, payload_format, sending_stream, domain_id, event_types,
         signing_secret, created_at, updated_at, inbound_inbox_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        w.url,
        +w.active,
        w.webhookType,
        w.payloadFormat,
        w.sendingStream,
        w.domainId,
        JSON.stringify(w.eventTypes),
        w.signingSecret,
        w.createdAt,
        w.updatedAt,
        w.inboundInboxId,
      ],
    );
    return toWebhook(r);
  }

  update(w: Webhook): void {
    this.store.run(
      'UPDATE webhooks SET url = ?, active = ?, payload_format = ?, event_types = ?, inbound_inbox_id = ?, updated_at = ? WHERE id = ?',
      [w.url, +w.active, w.payloadFormat, JSON.stringify(w.eventTypes), w.inboundInboxId, w.updatedAt, w.id],
    );
  }

  delete(id: number): void {
    this.store.run('DELETE FROM webhooks WHERE id = ?', [id]);
  }
}
