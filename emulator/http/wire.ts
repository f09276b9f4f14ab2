/** Core objects → Mailtrap's JSON shapes (SPEC §4). */
import type { Domain, Webhook } from '../core/types';
import type { CreatedWebhookDto, DnsRecordDto, DomainDto, WebhookDto } from './dto';

/**
 * A domain as Mailtrap answers it (email-sending.openapi.yml `Domain`; a fresh one as recorded in
 * mailtrap/mailtrap-ruby vcr_cassettes/Mailtrap_SendingDomainsAPI/_create/maps_response_data…):
 * unverified, it is `compliance_status: "unverified_dns"`, `dns_verified_at: ""` and every DNS
 * record `missing`; verified, `compliant` and `pass`. Record `domain`s are full names
 * (`rwmt1._domainkey.example.com`); the keys are the spec's (…, `link_verification`).
 */
export function domainToWire(d: Domain): DomainDto {
  const verified = d.dnsVerifiedAt !== null;
  const record = (key: string, type: string, name: string, value: string): DnsRecordDto => ({
    key,
    domain: name ? `${name}.${d.domainName}` : d.domainName,
    type,
    value,
    status: verified ? 'pass' : 'missing',
    name,
  });
  return {
    id: d.id,
    domain_name: d.domainName,
    demo: false,
    compliance_status: verified ? 'compliant' : 'unverified_dns',
    dns_verified: verified,
    dns_verified_at: verified ? new Date(d.dnsVerifiedAt!).toISOString() : '',
    dns_records: [
      record('verification', 'CNAME', `mt${d.id}`, 'smtp.mailtrap.live'),
      record('spf', 'TXT', '', 'v=spf1 include:_spf.smtp.mailtrap.live ~all'),
      record('dkim1', 'CNAME', 'rwmt1._domainkey', 'rwmt1.dkim.smtp.mailtrap.live'),
      record('dkim2', 'CNAME', 'rwmt2._domainkey', 'rwmt2.dkim.smtp.mailtrap.live'),
      record('dmarc', 'TXT', '_dmarc', 'v=DMARC1; p=none; rua=mailto:dmarc@smtp.mailtrap.live; ruf=mailto:dmarc@smtp.mailtrap.live; rf=afrf; pct=100'),
      record('link_verification', 'CNAME', 'mt-link', 't.mailtrap.live'),
    ],
    open_tracking_enabled: d.openTrackingEnabled,
    click_tracking_enabled: d.clickTrackingEnabled,
    tracking_opt_out_enabled: d.trackingOptOutEnabled,
    auto_unsubscribe_link_enabled: d.autoUnsubscribeLinkEnabled,
    custom_domain_tracking_enabled: false,
    health_alerts_enabled: true,
    critical_alerts_enabled: true,
    alert_recipient_email: null,
    inbound_enabled: d.inboundEnabled,
    inbound_verified: false,
    permissions: { can_read: true, can_update: true, can_destroy: true },
  };
}

export function webhookToWire(w: Webhook): WebhookDto {
  return {
    id: w.id,
    url: w.url,
    active: w.active,
    webhook_type: w.webhookType,
    payload_format: w.payloadFormat,
    sending_stream: w.sendingStream,
    domain_id: w.domainId,
    inbound_inbox_id: w.inboundInboxId,
    event_types: w.eventTypes,
  };
}

/** The create answer carries the signing secret, once (SPEC §4). */
export function createdWebhookToWire(w: Webhook): CreatedWebhookDto {
  return { ...webhookToWire(w), signing_secret: w.signingSecret };
}
