/**
 * A small HTTP server that answers the emulator-only routes the extension uses but the emulator on
 * this branch does not have yet (webhook test, send, deliveries, resend, replay, messages, events),
 * shaped exactly as emulator/http/dto.ts says. It records every request it gets.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryDto, WebhookTestResult } from '../../emulator/http/dto';
import { toDeliverySummary } from '../../emulator/http/deliveryWire';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeEmulator {
  url: string;
  token: string;
  requests: Recorded[];
  /** What POST /emulator/webhooks/:id/test answers. */
  testResult: WebhookTestResult;
  deliveries: DeliveryDto[];
  /** Path prefixes answered with 404, as by an emulator without that feature. */
  missing: string[];
  close(): Promise<void>;
}

export function delivery(id: number, over: Partial<DeliveryDto> = {}): DeliveryDto {
  const body = JSON.stringify({ events: [{ event: 'bounce', message_id: `m-${id}`, email: `u${id}@example.com` }] });
  return {
    id,
    kind: 'batch',
    webhookId: 1,
    webhookUrl: 'http://127.0.0.1:9/sink/demo',
    status: 'delivered',
    payloadFormat: 'json',
    eventCount: 1,
    eventTypes: ['bounce'],
    messageIds: [`m-${id}`],
    createdAt: Date.UTC(2026, 0, 1) + id * 1000,
    attemptCount: 1,
    nextAttemptAt: null,
    lastStatus: 200,
    lastError: null,
    body,
    attempts: [
      {
        id,
        deliveryId: id,
        number: 1,
        startedAt: Date.UTC(2026, 0, 1) + id * 1000,
        durationMs: 12,
        request: { method: 'POST', url: 'http://127.0.0.1:9/sink/demo', headers: { 'content-type': 'application/json', 'mailtrap-signature': `sig${id}` }, body },
        response: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok', truncated: false },
        error: null,
        ok: true,
      },
    ],
    ...over,
  };
}

export async function startFakeEmulator(): Promise<FakeEmulator> {
  const state: Omit<FakeEmulator, 'url' | 'close'> = {
    token: 'fake-token',
    requests: [],
    testResult: { ok: true, status: 200, durationMs: 12.4, error: null, responseBody: 'ok' },
    deliveries: [],
    missing: [],
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const u = new URL(req.url!, 'http://x');
      state.requests.push({ method: req.method!, path: u.pathname, query: u.searchParams, headers: req.headers, body });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.headers.authorization !== `Bearer ${state.token}`) return json(401, { error: 'Incorrect API token' });
      const p = `${req.method} ${u.pathname}`;
      let m: RegExpMatchArray | null;
      // Routes an older emulator lacks answer like its catch-all.
      if (state.missing.some((m) => u.pathname.startsWith(m))) return json(404, { error: 'Not Found' });
      if (p === 'GET /emulator/status')
        return json(200, { accountId: 1, dataDir: null, httpPort: 1, smtpPort: 2, pendingDeliveries: state.deliveries.filter((d) => d.status === 'pending' || d.status === 'retrying').length, clock: { now: Date.UTC(2026, 0, 1), iso: '2026-01-01T00:00:00.000Z', unix: 1767225600, scale: 1, pendingTimers: 0, nextDue: null } });
      if (p === 'GET /api/accounts/1/sending_domains') return json(200, { data: [{ id: 1, domain_name: 'acme.test' }] });
      if (p === 'GET /api/accounts/1/webhooks')
        return json(200, { data: [{ id: 1, url: 'http://127.0.0.1:9/sink/demo', active: true, webhook_type: 'email_sending', payload_format: 'json', sending_stream: 'transactional', domain_id: 1, event_types: ['bounce'] }] });
      if ((m = p.match(/^POST \/emulator\/webhooks\/(\d+)\/test$/))) return json(200, state.testResult);
      if (p === 'POST /api/send') return json(200, { success: true, message_ids: ['msg-1'] });
      if (p === 'POST /emulator/events') return json(200, { data: { event: JSON.parse(body).type, event_id: 'ev-1', email: JSON.parse(body).email ?? 'b@example.com' } });
      if (p === 'POST /emulator/replay') return json(200, { data: { recorded: body.trim().split('\n').length, event_ids: [] } });
      if (p === 'GET /emulator/messages')
        return json(200, { data: [{ id: 'msg-1', createdAt: 0, stream: 'transactional', from: 'a@acme.test', subject: 'Hi', category: null, recipients: ['b@example.com'], eventCounts: {} }], next_before: null, total: 1 });
      if (p === 'GET /emulator/deliveries') {
        const before = Number(u.searchParams.get('before') ?? Infinity);
        const limit = Number(u.searchParams.get('limit') ?? 50);
        const page = state.deliveries.filter((d) => d.id < before).slice(0, limit);
        const more = state.deliveries.filter((d) => d.id < before).length > limit;
        // `summary=true`: as the emulator answers it (deliveryWire.ts, deliveryToStreamDto): no bodies.
        const data = u.searchParams.get('summary') === 'true' ? page.map(toDeliverySummary) : page;
        return json(200, { data, next_before: more ? page.at(-1)!.id : null, total: state.deliveries.length });
      }
      if ((m = p.match(/^GET \/emulator\/deliveries\/(\d+)$/))) {
        const d = state.deliveries.find((x) => x.id === Number(m![1]));
        return d ? json(200, { data: d }) : json(404, { error: 'Not Found' });
      }
      if ((m = p.match(/^POST \/emulator\/deliveries\/(\d+)\/resend$/))) return json(200, { data: delivery(999, { kind: 'resend' }) });
      return json(404, { error: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  }) as FakeEmulator;
}
