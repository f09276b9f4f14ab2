/** Every HTTP route the fuzzer drives, with a valid body to mutate where one exists. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** Changes domains or webhooks when it succeeds. */
  mutates?: boolean;
  /** Answers without a token. */
  public?: boolean;
}

export const ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/api/domains' },
  { method: 'POST', path: '/api/domains', mutates: true },
  { method: 'GET', path: '/api/domains/:id' },
  { method: 'PATCH', path: '/api/domains/:id', mutates: true },
  { method: 'POST', path: '/api/accounts/1/sending_domains', mutates: true },
  { method: 'GET', path: '/api/webhooks' },
  { method: 'POST', path: '/api/webhooks', mutates: true },
  { method: 'GET', path: '/api/webhooks/:id' },
  { method: 'PATCH', path: '/api/webhooks/:id', mutates: true },
  { method: 'POST', path: '/api/accounts/1/webhooks', mutates: true },
  { method: 'GET', path: '/emulator/clock' },
  { method: 'POST', path: '/emulator/clock/advance' },
  { method: 'GET', path: '/emulator/status' },
  { method: 'GET', path: '/emulator/deliveries' },
  { method: 'GET', path: '/emulator/deliveries/:id' },
  { method: 'POST', path: '/emulator/deliveries/:id/resend' },
  { method: 'POST', path: '/emulator/webhooks/:id/test' },
  { method: 'POST', path: '/emulator/replay' },
  { method: 'GET', path: '/emulator/sinks' },
  { method: 'PUT', path: '/emulator/sinks/:name' },
  { method: 'GET', path: '/emulator/sinks/:name' },
  { method: 'DELETE', path: '/emulator/sinks/:name' },
  { method: 'POST', path: '/sink/:name', public: true },
];

export const validBodies: Record<string, () => Record<string, unknown>> = {
  'POST /api/domains': () => ({ domain: { domain_name: 'fuzz.test' } }),
  'PATCH /api/domains/:id': () => ({ domain: { open_tracking_enabled: false } }),
  'POST /api/webhooks': () => ({
    webhook: { url: 'http://127.0.0.1:9/h', webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] },
  }),
  'PATCH /api/webhooks/:id': () => ({ webhook: { url: 'http://127.0.0.1:9/x', active: false, event_types: ['bounce'] } }),
  'POST /emulator/clock/advance': () => ({ seconds: 1 }),
  'POST /emulator/replay': () => ({
    events: [
      {
        event: 'delivery',
        message_id: 'm-1',
        event_id: 'e-1',
        timestamp: 1764150000,
        email: 'a@example.net',
        sending_stream: 'transactional',
        sending_domain_name: 'example.com',
      },
    ],
  }),
  'PUT /emulator/sinks/:name': () => ({ responses: [{ status: 500 }, { status: 200, delayMs: 1 }] }),
  'POST /emulator/deliveries/:id/resend': () => ({ event_id: 'e-1' }),
};
