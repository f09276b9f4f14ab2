/** `startEmulator()`: the emulator process and a typed handle over its HTTP API. */
import { toSeconds } from './duration';
import { spawnEmulator, type Spawned } from './process';
import type {
  CheckOptions,
  CheckReport,
  ClockInfo,
  Delivery,
  DeliveryFilter,
  Domain,
  Emulator,
  EventPayload,
  Mail,
  SendResult,
  Sink,
  SinkRequest,
  StartOptions,
  Webhook,
  WebhookEventType,
  WebhookOptions,
} from './types';

/** A non-2xx answer of the emulator's API, with Mailtrap's error body. */
export class EmulatorApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    method: string,
    path: string,
  ) {
    super(`${method} ${path}: HTTP ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'EmulatorApiError';
  }
}

const ALL_EVENT_TYPES: WebhookEventType[] = ['delivery', 'soft_bounce', 'bounce', 'suspension', 'unsubscribe', 'open', 'spam_complaint', 'click', 'reject'];

function flags(o: StartOptions): string[] {
  const f = ['--port', String(o.port ?? 0), '--smtp-port', String(o.smtpPort ?? 0)];
  f.push(...(o.dataDir ? ['--data', o.dataDir] : ['--memory']));
  const numeric: [keyof StartOptions, string][] = [
    ['timeScale', '--time-scale'],
    ['batchInterval', '--batch-interval'],
    ['batchMax', '--batch-max'],
    ['retries', '--retries'],
    ['retryInterval', '--retry-interval'],
    ['timeout', '--timeout'],
  ];
  for (const [key, flag] of numeric) if (o[key] !== undefined) f.push(flag, String(o[key]));
  if (o.token) f.push('--token', o.token);
  return [...f, ...(o.args ?? [])];
}

function query(filter: object): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const parseEvents = (body: string): EventPayload[] => {
  const t = body.trim();
  if (!t) return [];
  if (t.startsWith('{"events"') || t.startsWith('{\n')) return (JSON.parse(t) as { events: EventPayload[] }).events;
  return t.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EventPayload);
};

class RunningEmulator implements Emulator {
  readonly url: string;
  readonly httpPort: number;
  readonly smtpPort: number;
  readonly token: string;
  readonly accountId: number;
  readonly pid: number;
  readonly clock;

  constructor(private readonly proc: Spawned) {
    const r = proc.ready;
    this.url = r.http;
    this.httpPort = r.httpPort;
    this.smtpPort = r.smtpPort;
    this.token = r.token;
    this.accountId = r.accountId;
    this.pid = proc.proc.pid!;
    this.clock = {
      advance: async (by: number | string): Promise<ClockInfo> =>
        (await this.request<{ clock: ClockInfo }>('POST', '/emulator/clock/advance', { seconds: toSeconds(by) })).clock,
      info: () => this.request<ClockInfo>('GET', '/emulator/clock'),
    };
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    if (!res.ok) throw new EmulatorApiError(res.status, parsed, method, path);
    return parsed as T;
  }

  private get account(): string {
    return `/api/accounts/${this.accountId}`;
  }

  async createDomain(domainName: string, options: { verified?: boolean } = {}): Promise<Domain> {
    const domain = await this.request<Domain>('POST', `${this.account}/sending_domains`, { sending_domain: { domain_name: domainName } });
    // Created unverified, as on Mailtrap; a test of webhooks wants the verified domain production has.
    if (options.verified === false) return domain;
    return this.request<Domain>('POST', `/emulator/domains/${domain.id}/verify`);
  }

  async createWebhook(o: WebhookOptions): Promise<Webhook & { signing_secret: string }> {
    const webhook = {
      webhook_type: 'email_sending',
      sending_stream: 'transactional',
      event_types: ALL_EVENT_TYPES,
      payload_format: 'json',
      ...o,
    };
    return (await this.request<{ data: Webhook & { signing_secret: string } }>('POST', `${this.account}/webhooks`, { webhook })).data;
  }

  send(mail: Mail, options: { stream?: 'transactional' | 'bulk' } = {}): Promise<SendResult> {
    return this.request<SendResult>('POST', options.stream === 'bulk' ? '/bulk/api/send' : '/api/send', mail);
  }

  sink(name: string): Sink {
    const path = `/emulator/sinks/${encodeURIComponent(name)}`;
    const requests = async () => (await this.request<{ data: { requests: SinkRequest[] } }>('GET', path)).data.requests;
    return {
      name,
      url: `${this.url}/sink/${encodeURIComponent(name)}`,
      script: async (responses, options = {}) => {
        await this.request('PUT', path, { responses, ...(options.repeat ? { repeat: options.repeat } : {}) });
      },
      requests,
      events: async () => (await requests()).flatMap((r) => parseEvents(r.body)),
      clear: async () => {
        await this.request('DELETE', path);
      },
    };
  }

  async deliveries(filter: DeliveryFilter = {}): Promise<Delivery[]> {
    return (await this.request<{ data: Delivery[] }>('GET', `/emulator/deliveries${query(filter)}`)).data;
  }

  async waitForDelivery(filter: DeliveryFilter = {}, options: { timeout?: number } = {}): Promise<Delivery> {
    const timeout = options.timeout ?? 5000;
    const want = filter.status ?? 'delivered';
    const deadline = Date.now() + timeout;
    for (;;) {
      const list = await this.deliveries({ ...filter, status: undefined });
      const hit = list.find((d) => d.status === want);
      if (hit) return hit;
      if (Date.now() >= deadline) {
        const seen = list[0] ? `; the newest matching delivery is ${list[0].status} (last: ${list[0].lastStatus ?? list[0].lastError ?? 'no attempt yet'})` : '; none matches yet (did you advance the clock past the batch interval?)';
        throw new Error(`waitForDelivery: no ${want} delivery matching ${JSON.stringify(filter)} within ${timeout} ms${seen}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  checkEndpoint(url: string, options: CheckOptions): Promise<CheckReport> {
    return this.request<CheckReport>('POST', '/emulator/check', { url, ...options });
  }

  async stop(): Promise<void> {
    await this.proc.stop();
  }
}

/** Starts an emulator (in memory, on free ports unless told) and resolves once it is ready. */
export async function startEmulator(options: StartOptions = {}): Promise<Emulator> {
  const proc = await spawnEmulator(flags(options), { onLog: options.onLog, startTimeout: options.startTimeout });
  return new RunningEmulator(proc);
}
