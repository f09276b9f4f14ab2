/**
 * JSON Schemas written from Mailtrap's OpenAPI, `mailtrap/mailtrap-openapi`
 * `specs/email-sending.openapi.yml` (commit f96b352), for the Email Logs and Stats operations.
 * OpenAPI's `nullable: true` is written as a `null` type; `format`s are the ones the spec names
 * (checked by the formats registered in the contract test). Where the spec leaves a schema open
 * (no `additionalProperties: false`), it is left open here too; the event `details` are closed,
 * as in the spec. The error bodies require their `error` field (every example of the spec has it).
 *
 * The account-scoped path generation (`/api/accounts/{account_id}/…`, the SDK's) is the spec as
 * of commit ddadfe9 (2026-03), which names the domain `sending_domain_id`; the current spec's
 * account-free paths name it `domain_id`. Everything else is the same in both.
 */
type Schema = Record<string, unknown>;

const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
const STATUS = { type: 'string', enum: ['delivered', 'not_delivered', 'enqueued', 'opted_out'] };

/** `EmailLogsListResponse.messages.items` and the first part of `SendingMessage`. */
function messageProperties(domainKey: 'domain_id' | 'sending_domain_id'): Schema {
  return {
    message_id: { type: 'string', format: 'uuid' },
    status: STATUS,
    subject: nullable('string'),
    from: { type: 'string' },
    to: { type: 'string' },
    sent_at: { type: 'string', format: 'date-time' },
    client_ip: nullable('string'),
    category: nullable('string'),
    custom_variables: { type: 'object' },
    sending_stream: { type: 'string', enum: ['transactional', 'bulk'] },
    [domainKey]: { type: 'integer' },
    template_id: nullable('integer'),
    template_variables: { type: 'object' },
    opens_count: { type: 'integer' },
    clicks_count: { type: 'integer' },
  };
}

/** `EventDetails*`: every property nullable, nothing else allowed. */
const details = (...keys: string[]): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(keys.map((k) => [k, nullable('string')])),
});

/** `MessageEvent`: oneOf `MessageEventDelivery` … `MessageEventReject`. */
const event = (types: string[], detailSchema: Schema): Schema => ({
  type: 'object',
  required: ['event_type', 'created_at', 'details'],
  properties: {
    event_type: { type: 'string', enum: types },
    created_at: { type: 'string', format: 'date-time' },
    details: detailSchema,
  },
});
const MTA = ['sending_ip', 'recipient_mx', 'email_service_provider'];
export const MessageEvent: Schema = {
  oneOf: [
    event(['delivery'], details(...MTA)),
    event(['open'], details('web_ip_address')),
    event(['click'], details('click_url', 'web_ip_address')),
    event(['soft_bounce', 'bounce'], details(...MTA, 'email_service_provider_status', 'email_service_provider_response', 'bounce_category')),
    event(['spam'], details('spam_feedback_type')),
    event(['unsubscribe'], details('web_ip_address')),
    event(['suspension', 'reject'], details('reject_reason')),
  ],
};

/** Operation `listEmailLogs`: 200 `EmailLogsListResponse`. */
export const EmailLogsListResponse = (domainKey: 'domain_id' | 'sending_domain_id'): Schema => ({
  type: 'object',
  required: ['messages', 'total_count', 'next_page_cursor'],
  properties: {
    messages: { type: 'array', items: { type: 'object', properties: messageProperties(domainKey) } },
    total_count: { type: 'integer' },
    next_page_cursor: nullable('string', { format: 'uuid' }),
  },
});

/** Operation `getEmailLogMessage`: 200 `SendingMessage`. */
export const SendingMessage = (domainKey: 'domain_id' | 'sending_domain_id'): Schema => ({
  type: 'object',
  properties: {
    ...messageProperties(domainKey),
    raw_message_url: { type: 'string', format: 'uri' },
    events: { type: 'array', items: MessageEvent },
  },
});

/** `SendingStats` (operation `getAccountSendingStats`, and `stats` in every grouped one). */
export const SendingStats: Schema = {
  type: 'object',
  properties: Object.fromEntries(
    ['delivery', 'bounce', 'open', 'click', 'spam'].flatMap((k) => [
      [`${k}_count`, { type: 'integer' }],
      [`${k}_rate`, { type: 'number' }],
    ]),
  ),
};

/** The grouped operations: an array of `{<key>: …, stats: SendingStats}`. */
export const groupedStats = (key: string, type: Schema): Schema => ({
  type: 'array',
  items: { type: 'object', properties: { [key]: type, stats: SendingStats } },
});
/** `getAccountSendingStatsByDomains` (`domain_id`; `sending_domain_id` in the account generation). */
export const StatsByDomains = (domainKey: 'domain_id' | 'sending_domain_id') => groupedStats(domainKey, { type: 'integer' });
/** `getAccountSendingStatsByCategories`. */
export const StatsByCategories = groupedStats('category', { type: 'string' });
/** `getAccountSendingStatsByEmailServiceProviders`. */
export const StatsByEmailServiceProviders = groupedStats('email_service_provider', { type: 'string' });
/** `getAccountSendingStatsByDate`. */
export const StatsByDate = groupedStats('date', { type: 'string', format: 'date' });

/** `components.schemas.BadRequest` (responses `BAD_REQUEST`). */
export const BadRequest: Schema = { type: 'object', required: ['error'], properties: { error: { type: 'string' } } };
/** `components.schemas.NotFoundResponse` (responses `NotFound`). */
export const NotFoundResponse: Schema = { type: 'object', required: ['error'], properties: { error: { type: 'string' } } };
/** `components.schemas.UnauthenticatedResponse` (responses `Unauthorized`). */
export const UnauthenticatedResponse: Schema = { type: 'object', required: ['error'], properties: { error: { type: 'string' } } };
