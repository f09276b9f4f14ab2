/**
 * Response schemas transcribed from Mailtrap's OpenAPI, mailtrap/mailtrap-openapi
 * specs/email-sending.openapi.yml (HEAD f96b352, 2026-05; `components.schemas` and
 * `components.responses`; the webhooks operations were added in 176cea0 and lost their
 * `accounts/{account_id}` prefix in 426092f). Every property the spec lists is required here:
 * the emulator must answer all of them (issue 11). Kept to what the spec says; where the
 * recorded answers of mailtrap/mailtrap-ruby add detail (a fresh domain's `dns_verified_at: ""`)
 * the spec's types still hold.
 */
import { all, type Schema } from '../../helpers/schema';

const nullableString: Schema = { type: ['string', 'null'] };

/** `components.schemas.Domain`. */
export const Domain: Schema = all({
  id: { type: 'integer' },
  domain_name: { type: 'string' },
  demo: { type: 'boolean' },
  compliance_status: {
    type: 'string',
    enum: ['demo', 'demo_exhausted', 'unverified_dns', 'missing_company_info', 'under_review', 'awaiting_questionnaire', 'awaiting_card_verification', 'non_compliant', 'compliant', 'suspended'],
  },
  dns_verified: { type: 'boolean' },
  dns_verified_at: nullableString,
  dns_records: {
    type: 'array',
    items: all({
      key: { type: 'string' },
      domain: { type: 'string' },
      name: { type: 'string' },
      status: { type: 'string', enum: ['pass', 'fail', 'unchecked', 'missing', 'softfail', 'network_error'] },
      type: { type: 'string' },
      value: { type: 'string' },
    }),
  },
  open_tracking_enabled: { type: 'boolean' },
  click_tracking_enabled: { type: 'boolean' },
  auto_unsubscribe_link_enabled: { type: 'boolean' },
  custom_domain_tracking_enabled: { type: 'boolean' },
  health_alerts_enabled: { type: 'boolean' },
  critical_alerts_enabled: { type: 'boolean' },
  alert_recipient_email: nullableString,
  permissions: all({ can_read: { type: 'boolean' }, can_update: { type: 'boolean' }, can_destroy: { type: 'boolean' } }),
});

/** `components.responses.DomainsResponse`. */
export const DomainsResponse: Schema = all({ data: { type: 'array', items: Domain } });

/** `components.schemas.Suppression`. */
export const Suppression: Schema = all({
  id: { type: 'string', format: 'uuid' },
  type: { type: 'string', enum: ['hard bounce', 'unsubscription', 'spam complaint', 'manual import'] },
  created_at: { type: 'string', format: 'date-time' },
  email: { type: 'string', format: 'email' },
  sending_stream: { type: 'string', enum: ['transactional', 'bulk', 'any'] },
  domain_name: nullableString,
  message_bounce_category: nullableString,
  message_category: nullableString,
  message_client_ip: nullableString,
  message_created_at: { type: ['string', 'null'], format: 'date-time' },
  message_esp_response: nullableString,
  message_esp_server_type: nullableString,
  message_outgoing_ip: nullableString,
  message_recipient_mx_name: nullableString,
  message_sender_email: nullableString,
  message_subject: nullableString,
});
/** `GetSuppressionsResponse` (an array), `CreateSuppressionResponse` (`{data}`), `DeleteSuppressionResponse` (the object). */
export const GetSuppressionsResponse: Schema = { type: 'array', items: Suppression };
export const CreateSuppressionResponse: Schema = all({ data: Suppression });

const EVENT_TYPES = ['delivery', 'soft_bounce', 'bounce', 'suspension', 'unsubscribe', 'open', 'spam_complaint', 'click', 'reject'];

/** `components.schemas.Webhook`. */
export const Webhook: Schema = all({
  id: { type: 'integer' },
  url: { type: 'string', format: 'uri' },
  active: { type: 'boolean' },
  webhook_type: { type: 'string', enum: ['email_sending', 'campaigns', 'audit_log', 'inbound_receiving'] },
  payload_format: { type: 'string', enum: ['json', 'jsonlines'] },
  sending_stream: { type: ['string', 'null'], enum: ['transactional', 'bulk', null] },
  domain_id: { type: ['integer', 'null'] },
  inbound_inbox_id: { type: ['integer', 'null'] },
  event_types: { type: 'array', items: { type: 'string', enum: EVENT_TYPES } },
});
/** `WebhookCreateResponse`: the webhook and, only here, `signing_secret`. */
export const WebhookCreateResponse: Schema = all({ data: { allOf: [Webhook, all({ signing_secret: { type: 'string' } })] } });
/** listWebhooks / getWebhook, updateWebhook, deleteWebhook 200 bodies. */
export const WebhookList: Schema = all({ data: { type: 'array', items: Webhook } });
export const WebhookData: Schema = all({ data: Webhook });

/** `UnauthenticatedResponse` (401), `NotFoundResponse` (404), `UnprocessableEntity` (422), `BadRequest` (400). */
export const Unauthorized: Schema = all({ error: { type: 'string', enum: ['Incorrect API token'] } });
export const NotFound: Schema = all({ error: { type: 'string', enum: ['Not Found'] } });
export const UnprocessableEntity: Schema = all({ errors: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } });
export const BadRequest: Schema = all({ error: { type: 'string' } });
