/**
 * Typed client of the emulator's HTTP API (Mailtrap's management routes and the emulator-only
 * routes of emulator/http/dto.ts), authenticated with the token from the ready line.
 * Every non-2xx answer becomes an ApiError carrying Mailtrap's error shapes.
 */
import type {
  CheckReport,
  DeliveryDto,
  DeliverySummaryDto,
  EventPayload,
  MessageDto,
  MessageSummaryDto,
  Page,
  ReplayResult,
  StatusDto,
  WebhookTestResult,
} from '../../emulator/http/dto';
import type { DomainWire, WebhookInput, WebhookWire } from '../protocol/wire';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    /** Field errors of a 422 (`{"errors":{"url":["is invalid"]}}`). */
    readonly fields: Record<string, string[]> = {},
  ) {
    super(messages.join('; ') || `HTTP ${status}`);
  }
  /** A 404 from a route this emulator build does not have yet reads the same as a missing resource. */
  get notFound(): boolean {
    return this.status === 404;
  }
}

/** Turns any error body into messages and field errors. */
function parseError(status: number, text: string): ApiError {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return new ApiError(status, [text.trim() || `HTTP ${status}`]);
  }
  if (body && Array.isArray(body.errors)) return new ApiError(status, body.errors.map(String));
  if (body && body.errors && typeof body.errors === 'object') {
    const fields: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(body.errors)) fields[k] = Array.isArray(v) ? v.map(String) : [String(v)];
    // `base` holds whole sentences (Mailtrap's "Validation failed: …"), not a field's messages.
    return new ApiError(status, Object.entries(fields).map(([k, v]) => (k === 'base' ? v.join(', ') : `${k} ${v.join(', ')}`)), fields);
  }
  if (body && typeof body.error === 'string') return new ApiError(status, [body.error]);
  return new ApiError(status, [`HTTP ${status}`]);
}

export interface DeliveryQuery {
  webhook_id?: number;
  status?: string;
  event?: string;
  message_id?: string;
  email?: string;
  /** Free text: part of an email or domain, a message id prefix, a batch id. */
  q?: string;
  before?: number;
  limit?: number;
}

export class EmulatorApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    readonly accountId = 1,
  ) {}

  async request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          // No token: the web UI in a browser, authenticated by its session cookie instead.
          ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': contentType } : {}),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(0, [`cannot reach the emulator at ${this.baseUrl}: ${(err as Error).message}`]);
    }
    const text = await res.text();
    if (!res.ok) throw parseError(res.status, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private get acct(): string {
    return `/api/accounts/${this.accountId}`;
  }

  status = () => this.request<StatusDto>('GET', '/emulator/status');
  /** A fresh one-time link that logs a browser into the emulator's web UI. */
  webUiLink = async () => (await this.request<{ url: string }>('POST', '/emulator/ui/login')).url;
  advanceClock = (seconds: number) => this.request<{ clock: StatusDto['clock'] }>('POST', '/emulator/clock/advance', { seconds });

  listDomains = async () => (await this.request<{ data: DomainWire[] }>('GET', `${this.acct}/sending_domains`)).data;
  createDomain = (domain_name: string) => this.request<DomainWire>('POST', `${this.acct}/sending_domains`, { sending_domain: { domain_name } });
  deleteDomain = (id: number) => this.request<void>('DELETE', `${this.acct}/sending_domains/${id}`);
  /** Emulator-only: marks the domain's DNS records verified (a suspended message then goes out at its next re-check). */
  verifyDomain = (id: number) => this.request<DomainWire>('POST', `/emulator/domains/${id}/verify`);

  listWebhooks = async () => (await this.request<{ data: WebhookWire[] }>('GET', `${this.acct}/webhooks`)).data;
  getWebhook = async (id: number) => (await this.request<{ data: WebhookWire }>('GET', `${this.acct}/webhooks/${id}`)).data;
  createWebhook = async (w: WebhookInput) =>
    (await this.request<{ data: WebhookWire }>('POST', `${this.acct}/webhooks`, { webhook: { webhook_type: 'email_sending', ...w } })).data;
  updateWebhook = async (id: number, w: Partial<WebhookInput>) =>
    (await this.request<{ data: WebhookWire }>('PATCH', `${this.acct}/webhooks/${id}`, { webhook: w })).data;
  deleteWebhook = async (id: number) => (await this.request<{ data: WebhookWire }>('DELETE', `${this.acct}/webhooks/${id}`)).data;
  testWebhook = (id: number) => this.request<WebhookTestResult>('POST', `/emulator/webhooks/${id}/test`);
  /** The endpoint check: a URL with its secret, or one of the emulator's webhooks (its own URL, secret and format). */
  checkEndpoint = (body: { webhook_id: number } | { url: string; secret: string; format?: 'json' | 'jsonlines'; timeout?: number }) =>
    this.request<CheckReport>('POST', '/emulator/check', body);

  listDeliveries = (q: DeliveryQuery = {}) => this.request<Page<DeliveryDto>>('GET', `/emulator/deliveries${query(q)}`);
  /** The same list without batch bodies (as the stream has them): for a status, not a payload. */
  listDeliverySummaries = (q: DeliveryQuery = {}) => this.request<Page<DeliverySummaryDto>>('GET', `/emulator/deliveries${query({ ...q, summary: true })}`);
  getDelivery = async (id: number) => (await this.request<{ data: DeliveryDto }>('GET', `/emulator/deliveries/${id}`)).data;
  /** A new delivery of kind `resend`, attempted at once. */
  resendDelivery = async (id: number) => (await this.request<{ data: DeliveryDto }>('POST', `/emulator/deliveries/${id}/resend`, {})).data;

  send = (body: unknown, stream: 'transactional' | 'bulk' = 'transactional') =>
    this.request<{ success: true; message_ids: string[] }>('POST', stream === 'bulk' ? '/bulk/api/send' : '/api/send', body);
  listMessages = (q: { email?: string; before?: number; limit?: number } = {}) => this.request<Page<MessageSummaryDto>>('GET', `/emulator/messages${query(q)}`);
  getMessage = (id: string) => this.request<MessageDto>('GET', `/emulator/messages/${encodeURIComponent(id)}`);
  /** A one-time browser URL of a message's tracked HTML (the token stays out of URLs and browser history). */
  messageLink = async (id: string) => (await this.request<{ url: string }>('POST', `/emulator/messages/${encodeURIComponent(id)}/link`)).url;
  triggerEvent = (body: { type: string; message_id?: string; email?: string; overrides?: Record<string, unknown> }) =>
    this.request<{ data: EventPayload }>('POST', '/emulator/events', body);
  /** `text` is a JSON batch (`{"events":[…]}`) or JSON Lines. */
  replay = (text: string, jsonLines: boolean) =>
    this.request<{ data: ReplayResult }>('POST', '/emulator/replay', text, jsonLines ? 'application/jsonl' : 'application/json');
}

function query(q: object): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
