/** Sending objects → wire shapes: MessageDto (dto.ts) and Mailtrap's suppression object. */
import { deriveStatus } from '../core/logs/emailLog';
import type { MessageView } from '../core/sending';
import type { Address, Suppression } from '../core/sending/model';
import { trackHtml } from '../core/sending/tracking';
import type { EventPayload } from '../core/events';
import type { PayloadEventName } from '../core/types';
import type { MessageDto, MessageSummaryDto } from './dto';

const formatAddress = (a: Address): string => (a.name ? `${JSON.stringify(a.name)} <${a.email}>` : a.email);

export function messageSummaryToDto(v: MessageView, events: EventPayload[]): MessageSummaryDto {
  const eventCounts: Partial<Record<PayloadEventName, number>> = {};
  for (const e of events) eventCounts[e.event] = (eventCounts[e.event] ?? 0) + 1;
  return {
    id: v.message.id,
    createdAt: v.message.createdAt,
    stream: v.send.stream,
    from: formatAddress(v.send.mail.from),
    subject: v.send.mail.subject,
    category: v.send.mail.category,
    recipients: [v.message.email],
    eventCounts,
    status: deriveStatus(events.map((e) => e.event)),
  };
}

/** The headers a recipient would see: the envelope fields, then the sender's custom headers. */
function headersOf(v: MessageView): Record<string, string> {
  const m = v.send.mail;
  if (v.send.source === 'smtp') return { ...m.headers };
  const h: Record<string, string> = { From: formatAddress(m.from) };
  if (m.to.length) h.To = m.to.map(formatAddress).join(', ');
  if (m.cc.length) h.Cc = m.cc.map(formatAddress).join(', ');
  if (m.replyTo) h['Reply-To'] = formatAddress(m.replyTo);
  if (m.subject !== null) h.Subject = m.subject;
  if (m.category) h['X-MT-Category'] = m.category;
  return { ...h, ...m.headers };
}

/** `events` oldest first; `baseUrl` is where tracking links point (the emulator's own origin). */
export function messageToDto(v: MessageView, events: EventPayload[], baseUrl: string): MessageDto {
  const m = v.send.mail;
  return {
    ...messageSummaryToDto(v, events),
    headers: headersOf(v),
    text: m.text,
    html: m.html && trackHtml(m.html, { baseUrl, messageId: v.message.id, open: v.send.openTracking, click: v.send.clickTracking }),
    customVariables: m.customVariables,
    attachments: v.send.attachments,
    events,
  };
}

export function suppressionToWire(s: Suppression, related?: MessageView) {
  return {
    id: s.id,
    type: s.type,
    created_at: new Date(s.createdAt).toISOString(),
    email: s.email,
    sending_stream: s.sendingStream,
    domain_name: s.domainName,
    message_bounce_category: s.bounceCategory,
    message_category: related?.send.mail.category ?? null,
    message_client_ip: related ? '127.0.0.1' : null,
    message_created_at: related ? new Date(related.message.createdAt).toISOString() : null,
    message_esp_response: s.espResponse,
    message_esp_server_type: null,
    message_outgoing_ip: null,
    message_recipient_mx_name: null,
    message_sender_email: related?.send.mail.from.email ?? null,
    message_subject: related?.send.mail.subject ?? null,
  };
}
