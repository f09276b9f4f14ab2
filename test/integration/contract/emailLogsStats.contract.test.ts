/**
 * Contract: every Email Logs and Stats response the emulator emits (status and body) against the
 * schemas written from `mailtrap/mailtrap-openapi` `specs/email-sending.openapi.yml`
 * (emailSendingSchemas.ts; each check names its operation). The messages cover all nine event
 * types, both streams, API and SMTP, and both path generations.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import Ajv from 'ajv';
import { smtpTransport, useEmulatorProcess } from '../../helpers/emulatorProcess';
import { advance } from '../../helpers/sending';
import * as S from './emailSendingSchemas';

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
ajv.addFormat('date', (s: string) => /^\d{4}-\d\d-\d\d$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s));
ajv.addFormat('uri', (s: string) => URL.canParse(s));

function conforms(operation: string, schema: object, status: number, expectedStatus: number, body: unknown): void {
  assert.equal(status, expectedStatus, `${operation}: status`);
  const validate = ajv.compile(schema);
  assert.ok(validate(body), `${operation} (${status}): ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 600)}`);
}

// A nearly stopped clock: only the tests' advances run lifecycles, however slow the machine.
const shared = useEmulatorProcess(['--memory', '--time-scale', '0.000001']);
const RANGE = 'start_date=2000-01-01&end_date=2100-12-31';
const GENERATIONS = [
  { prefix: '/api/accounts/1', domainKey: 'sending_domain_id' as const },
  { prefix: '/api', domainKey: 'domain_id' as const },
];

describe('contract: Email Logs and Stats against email-sending.openapi.yml', () => {
  let ids: string[] = [];
  before(async () => {
    const to = ['delivery', 'open', 'click', 'bounce', 'soft-bounce', 'spam', 'unsubscribe', 'reject', 'suspension'].map((s) => ({ email: `u+${s}@gmail.com` }));
    const sent = await shared.call('POST', '/api/send', { from: { email: 'app@contract.test' }, to, subject: 'Contract', html: '<a href="https://x.test">x</a>', category: 'C' });
    assert.equal(sent.status, 200);
    ids = sent.json.message_ids;
    const bulk = await shared.call('POST', '/bulk/api/send', { from: { email: 'news@contract.test' }, to: [{ email: 'r@example.com' }], subject: 'Bulk', text: 'b' });
    assert.equal(bulk.status, 200);
    const smtp = smtpTransport(shared.emu.ready);
    await smtp.sendMail({ from: 'app@contract.test', to: 'smtp@example.com', subject: 'SMTP', text: 't' });
    smtp.close();
    // Half-way through some lifecycles (enqueued messages in the mix), then to the end of all.
    await advance(shared.call, 2);
  });

  for (const g of GENERATIONS) {
    it(`listEmailLogs (${g.prefix}/email_logs): first page, next page, filtered, empty`, async () => {
      const schema = S.EmailLogsListResponse(g.domainKey);
      const all = await shared.call('GET', `${g.prefix}/email_logs`);
      conforms('listEmailLogs', schema, all.status, 200, all.json);
      assert.ok(all.json.messages.some((m: any) => m.status === 'enqueued'));
      const filtered = await shared.call('GET', `${g.prefix}/email_logs?filters[status][operator]=equal&filters[status][value][]=delivered&filters[category][operator]=equal&filters[category][value]=C`);
      conforms('listEmailLogs', schema, filtered.status, 200, filtered.json);
      const none = await shared.call('GET', `${g.prefix}/email_logs?filters[sent_before]=2000-01-01T00:00:00Z`);
      conforms('listEmailLogs', schema, none.status, 200, none.json);
      assert.deepEqual(none.json, { messages: [], total_count: 0, next_page_cursor: null });
      const bad = await shared.call('GET', `${g.prefix}/email_logs?search_after=00000000-0000-0000-0000-000000000000`);
      conforms('listEmailLogs', S.BadRequest, bad.status, 400, bad.json);
    });
  }

  it('getEmailLogMessage: every event type, both generations, and the 404', async () => {
    await advance(shared.call, 3600);
    const list = (await shared.call('GET', '/api/accounts/1/email_logs')).json.messages;
    const seen = new Set<string>();
    for (const g of GENERATIONS) {
      for (const m of list) {
        const r = await shared.call('GET', `${g.prefix}/email_logs/${m.message_id}`);
        conforms('getEmailLogMessage', S.SendingMessage(g.domainKey), r.status, 200, r.json);
        for (const e of r.json.events) seen.add(e.event_type);
      }
      const missing = await shared.call('GET', `${g.prefix}/email_logs/00000000-0000-0000-0000-000000000000`);
      conforms('getEmailLogMessage', S.NotFoundResponse, missing.status, 404, missing.json);
      assert.deepEqual(missing.json, { error: 'Not Found' }, "the spec's example body");
    }
    assert.deepEqual([...seen].sort(), ['bounce', 'click', 'delivery', 'open', 'reject', 'soft_bounce', 'spam', 'suspension', 'unsubscribe']);
    assert.equal(list.length, ids.length + 2);
  });

  it('every operation, both generations: 401 Unauthorized with a wrong token', async () => {
    const ops: [string, string][] = [
      ['listEmailLogs', '/email_logs'],
      ['getEmailLogMessage', `/email_logs/${ids[0]}`],
      ['getAccountSendingStats', `/stats?${RANGE}`],
      ['getAccountSendingStatsByDomains', `/stats/domains?${RANGE}`],
      ['getAccountSendingStatsByCategories', `/stats/categories?${RANGE}`],
      ['getAccountSendingStatsByEmailServiceProviders', `/stats/email_service_providers?${RANGE}`],
      ['getAccountSendingStatsByDate', `/stats/date?${RANGE}`],
    ];
    for (const g of GENERATIONS) {
      for (const [op, path] of ops) {
        const r = await shared.call('GET', g.prefix + path, undefined, { Authorization: 'Bearer not-the-token' });
        conforms(op, S.UnauthenticatedResponse, r.status, 401, r.json);
        assert.deepEqual(r.json, { error: 'Incorrect API token' }, `${op}: the spec's example body`);
      }
    }
  });

  for (const g of GENERATIONS) {
    it(`getAccountSendingStats and the grouped operations (${g.prefix}/stats…), and their 400`, async () => {
      const get = (p: string) => shared.call('GET', `${g.prefix}/stats${p}`);
      let r = await get(`?${RANGE}`);
      conforms('getAccountSendingStats', S.SendingStats, r.status, 200, r.json);
      r = await get(`/domains?${RANGE}`);
      conforms('getAccountSendingStatsByDomains', S.StatsByDomains(g.domainKey), r.status, 200, r.json);
      assert.equal(r.json.length, 1);
      r = await get(`/categories?${RANGE}`);
      conforms('getAccountSendingStatsByCategories', S.StatsByCategories, r.status, 200, r.json);
      r = await get(`/email_service_providers?${RANGE}&email_service_providers[]=Google`);
      conforms('getAccountSendingStatsByEmailServiceProviders', S.StatsByEmailServiceProviders, r.status, 200, r.json);
      assert.deepEqual(r.json.map((x: any) => x.email_service_provider), ['Google']);
      r = await get(`/date?${RANGE}`);
      conforms('getAccountSendingStatsByDate', S.StatsByDate, r.status, 200, r.json);
      for (const p of ['', '/domains', '/categories', '/email_service_providers', '/date']) {
        r = await get(`${p}?end_date=2026-01-01`);
        conforms(`getAccountSendingStats${p} without start_date`, S.BadRequest, r.status, 400, r.json);
      }
    });
  }
});
