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
  { method: 'DELETE', path: '/api/domains/:id', mutates: true },
  { method: 'DELETE', path: '/api/webhooks/:id', mutates: true },
  { method: 'POST', path: '/api/send', mutates: true },
  { method: 'POST', path: '/bulk/api/send', mutates: true },
  { method: 'POST', path: '/api/batch', mutates: true },
  { method: 'POST', path: '/bulk/api/batch', mutates: true },
  { method: 'GET', path: '/api/accounts/1/suppressions' },
  { method: 'POST', path: '/api/accounts/1/suppressions', mutates: true },
  { method: 'DELETE', path: '/api/accounts/1/suppressions/:id', mutates: true },
  { method: 'GET', path: '/emulator/messages' },
  { method: 'GET', path: '/emulator/messages/:id' },
  { method: 'GET', path: '/emulator/messages/:id/html' },
  { method: 'POST', path: '/emulator/messages/:id/link' },
  { method: 'GET', path: '/emulator/events' },
  { method: 'POST', path: '/emulator/events', mutates: true },
  { method: 'GET', path: '/api/accounts/1/email_logs' },
  { method: 'GET', path: '/api/accounts/1/email_logs/:id' },
  { method: 'GET', path: '/api/email_logs' },
  { method: 'GET', path: '/emulator/email_logs/:id/raw' },
  { method: 'GET', path: '/api/accounts/1/stats' },
  { method: 'GET', path: '/api/accounts/1/stats/domains' },
  { method: 'GET', path: '/api/stats/email_service_providers' },
  { method: 'GET', path: '/api/stats/date' },
  { method: 'GET', path: '/t/o/:id', public: true },
  { method: 'GET', path: '/t/c/:id', public: true },
  // The web UI (issue 15): its shell and login exchange are public (and reveal nothing).
  { method: 'GET', path: '/', public: true },
  { method: 'GET', path: '/ui/assets/:name', public: true },
  { method: 'POST', path: '/ui/session', public: true },
  { method: 'POST', path: '/emulator/ui/login' },
  { method: 'GET', path: '/emulator/samples' },
  { method: 'GET', path: '/emulator/samples/:name' },
];

/** Read routes with query parameters, and the parameters they read (for query-string fuzzing). */
export const QUERY_ROUTES: { path: string; params: string[] }[] = [
  { path: '/emulator/events', params: ['type', 'message_id', 'email', 'webhook_id', 'before', 'limit'] },
  { path: '/emulator/messages', params: ['email', 'before', 'limit'] },
  { path: '/emulator/deliveries', params: ['webhook_id', 'status', 'event', 'message_id', 'email', 'q', 'before', 'limit'] },
  { path: '/api/accounts/1/suppressions', params: ['email'] },
  { path: '/emulator/messages/1/html', params: ['token', 'link'] },
  { path: '/emulator/replay', params: ['keep_ids'] },
  {
    path: '/api/accounts/1/email_logs',
    params: [
      'search_after',
      'filters',
      'filters[to][operator]',
      'filters[to][value]',
      'filters[to][value][]',
      'filters[status][operator]',
      'filters[status][value][]',
      'filters[events][value][0]',
      'filters[opens_count][value]',
      'filters[sent_after]',
      'filters[__proto__][operator]',
    ],
  },
  { path: '/api/accounts/1/stats/categories', params: ['start_date', 'end_date', 'sending_domain_ids[]', 'sending_streams[]', 'categories[]'] },
  { path: '/emulator/email_logs/1/raw', params: ['signature'] },
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
  'POST /api/send': () => ({ from: { email: 'app@fuzz.test', name: 'Fuzz' }, to: [{ email: 'ann@example.net' }], subject: 'Hi', text: 'Hello', category: 'c', custom_variables: { k: 'v' } }),
  'POST /bulk/api/send': () => ({ from: { email: 'app@fuzz.test', name: 'Fuzz' }, to: [{ email: 'ann@example.net' }], subject: 'Hi', text: 'Hello', category: 'c', custom_variables: { k: 'v' } }),
  'POST /api/batch': () => ({ base: { from: { email: 'app@fuzz.test' }, subject: 'Hi', text: 'Hello' }, requests: [{ to: [{ email: 'b@example.net' }] }] }),
  'POST /bulk/api/batch': () => ({ base: { from: { email: 'app@fuzz.test' }, subject: 'Hi', text: 'Hello' }, requests: [{ to: [{ email: 'b@example.net' }] }] }),
  'POST /api/accounts/1/suppressions': () => ({ email: 'sup@example.net', domain_id: 1, sending_stream: 'transactional' }),
  'POST /emulator/events': () => ({ type: 'bounce', email: 'ann@example.net', overrides: { category: 'x' } }),
};
