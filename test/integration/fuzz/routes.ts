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
];

export const validBodies: Record<string, () => Record<string, unknown>> = {
  'POST /api/domains': () => ({ domain: { domain_name: 'fuzz.test' } }),
  'PATCH /api/domains/:id': () => ({ domain: { open_tracking_enabled: false } }),
  'POST /api/webhooks': () => ({
    webhook: { url: 'http://127.0.0.1:9/h', webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] },
  }),
  'PATCH /api/webhooks/:id': () => ({ webhook: { url: 'http://127.0.0.1:9/x', active: false, event_types: ['bounce'] } }),
  'POST /emulator/clock/advance': () => ({ seconds: 1 }),
};
