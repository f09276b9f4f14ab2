/**
 * Email-log entries and events → Mailtrap's JSON (`mailtrap/mailtrap-openapi`
 * `specs/email-sending.openapi.yml`: `EmailLogsListResponse`, `SendingMessage`, `MessageEvent`).
 *
 * Two path generations, two spellings of one field: the account-scoped paths (which the SDK 4.10
 * calls, and which Mailtrap's recorded answers in `mailtrap/mailtrap-ruby` show) say
 * `sending_domain_id`; the account-free paths of the current spec say `domain_id`. The fields
 * the SDK's `EmailLogMessage` type adds (`rfc_message_id`, `in_reply_to`, `references`,
 * `thread_id`) are in both.
 */
import type { EventPayload } from '../core/events';
import { EMULATOR_IP, toEmailLogEventType, type EmailLogEntry } from '../core/logs/emailLog';
import { providerOf } from '../core/logs/providers';

export type PathGeneration = 'account' | 'current';

/** Mailtrap's timestamps have whole seconds: `2025-01-15T10:30:00Z`. */
export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const headerOf = (headers: Record<string, string>, name: string): string | undefined => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
};

/** The Message-ID header: the sender's own (SMTP), else the one the emulator gives it (as Mailtrap does). */
export const rfcMessageId = (e: EmailLogEntry): string => headerOf(e.headers, 'message-id') ?? `<${e.messageId}@${e.domainName}>`;

export function emailLogMessageToWire(e: EmailLogEntry, generation: PathGeneration) {
  const references = headerOf(e.headers, 'references');
  return {
    message_id: e.messageId,
    status: e.status,
    subject: e.subject,
    rfc_message_id: rfcMessageId(e),
    in_reply_to: headerOf(e.headers, 'in-reply-to') ?? null,
    references: references ? references.split(/\s+/).filter(Boolean) : [],
    thread_id: null,
    from: e.from,
    to: e.email,
    sent_at: isoSeconds(e.createdAt),
    client_ip: EMULATOR_IP,
    category: e.category,
    custom_variables: e.customVariables ?? {},
    sending_stream: e.stream,
    [generation === 'account' ? 'sending_domain_id' : 'domain_id']: e.domainId,
    // Mailtrap's template ids are numbers; the emulator knows templates only by uuid.
    template_id: null,
    template_variables: e.templateVariables ?? {},
    opens_count: e.opensCount,
    clicks_count: e.clicksCount,
  };
}

/** An enhanced status code (`5.1.1`) in an SMTP response text, if it has one. */
const enhancedStatus = (response: string | undefined): string | null => /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(response ?? '')?.[1] ?? null;

/** One event in the email-logs shape: `event_type` (`soft_bounce`), `created_at`, per-type `details`. */
export function emailLogEventToWire(p: EventPayload) {
  const event_type = toEmailLogEventType(p.event);
  const created_at = isoSeconds(p.timestamp * 1000);
  const provider = providerOf(p.email);
  const mta = { sending_ip: EMULATOR_IP, recipient_mx: provider.mx, email_service_provider: provider.name };
  switch (p.event) {
    case 'delivery':
      return { event_type, created_at, details: mta };
    case 'open':
    case 'unsubscribe':
      return { event_type, created_at, details: { web_ip_address: p.ip ?? null } };
    case 'click':
      return { event_type, created_at, details: { click_url: p.url ?? null, web_ip_address: p.ip ?? null } };
    case 'bounce':
    case 'soft bounce':
      return {
        event_type,
        created_at,
        details: {
          ...mta,
          email_service_provider_status: enhancedStatus(p.response),
          email_service_provider_response: p.response ?? null,
          bounce_category: p.bounce_category ?? null,
        },
      };
    case 'spam':
      // Feedback-loop reports (ARF) say `abuse` for a user's "report spam".
      return { event_type, created_at, details: { spam_feedback_type: 'abuse' } };
    case 'reject':
    case 'suspension':
      return { event_type, created_at, details: { reject_reason: p.reason ?? null } };
  }
}
