/**
 * Contract: every management response the emulator emits (status and body) against the schemas
 * of Mailtrap's OpenAPI (test/integration/contract/mailtrapSchemas.ts, from mailtrap/mailtrap-openapi
 * specs/email-sending.openapi.yml). Each check names its operation id; each runs on both path
 * generations (`/api/…` as the spec has them now, `/api/accounts/{account_id}/…` as the official
 * client 4.10 calls them). Success answers, and the 401, 404 and 422 each operation lists.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useEmulatorProcess } from '../../helpers/emulatorProcess';
import { validate, type Schema } from '../../helpers/schema';
import * as S from './mailtrapSchemas';

const shared = useEmulatorProcess(['--memory']);

const GENERATIONS = [
  { name: 'account-free', domains: '/api/domains', webhooks: '/api/webhooks', suppressions: '/api/suppressions' },
  { name: 'account-scoped', domains: '/api/accounts/1111111/sending_domains', webhooks: '/api/accounts/1111111/webhooks', suppressions: '/api/accounts/1111111/suppressions' },
];

/** One operation's answer: status as the spec lists it, body valid against its schema (or empty). */
async function expectOp(op: string, method: string, path: string, body: unknown, status: number, schema: Schema | 'empty', headers?: Record<string, string>) {
  const r = await shared.call(method, path, body, headers);
  assert.equal(r.status, status, `${op} ${method} ${path} → ${r.status} ${r.text}`);
  if (schema === 'empty') assert.equal(r.text, '', `${op}: ${status} has no body`);
  else assert.deepEqual(validate(schema, r.json), [], `${op} ${method} ${path} ${status}: ${r.text}`);
  return r.json;
}

const WRONG = { Authorization: 'Bearer wrong-token' };

describe('management API contract (email-sending.openapi.yml)', () => {
  for (const g of GENERATIONS) {
    it(`domains, ${g.name} paths: createDomain, getDomains, getDomain, updateDomain, sendDomainSetupInstructions, deleteDomain`, async () => {
      const name = `contract-${g.name}.test`;
      const d = await expectOp('createDomain', 'POST', g.domains, { domain: { domain_name: name } }, 200, S.Domain);
      assert.equal(d.dns_verified, false);
      await expectOp('createDomain', 'POST', g.domains, { domain: { domain_name: '' } }, 422, S.UnprocessableEntity);
      await expectOp('createDomain', 'POST', g.domains, { domain: { domain_name: name } }, 401, S.Unauthorized, WRONG);
      await expectOp('getDomains', 'GET', g.domains, undefined, 200, S.DomainsResponse);
      await expectOp('getDomains', 'GET', g.domains, undefined, 401, S.Unauthorized, WRONG);
      await expectOp('getDomain', 'GET', `${g.domains}/${d.id}`, undefined, 200, S.Domain);
      await expectOp('getDomain', 'GET', `${g.domains}/987654`, undefined, 404, S.NotFound);
      await expectOp('getDomain', 'GET', `${g.domains}/${d.id}`, undefined, 401, S.Unauthorized, WRONG);
      const u = await expectOp('updateDomain', 'PATCH', `${g.domains}/${d.id}`, { domain: { click_tracking_enabled: false } }, 200, S.Domain);
      assert.equal(u.click_tracking_enabled, false);
      await expectOp('updateDomain', 'PATCH', `${g.domains}/${d.id}`, { domain: { open_tracking_enabled: 'yes' } }, 422, S.UnprocessableEntity);
      await expectOp('updateDomain', 'PATCH', `${g.domains}/987654`, { domain: { open_tracking_enabled: true } }, 404, S.NotFound);
      // After Mark DNS Verified the same schema holds, with the verified values.
      const v = await expectOp('(emulator) verify', 'POST', `/emulator/domains/${d.id}/verify`, undefined, 200, S.Domain);
      assert.equal(v.compliance_status, 'compliant');
      await expectOp('sendDomainSetupInstructions', 'POST', `${g.domains}/${d.id}/send_setup_instructions`, { email: 'ops@example.com' }, 204, 'empty');
      await expectOp('sendDomainSetupInstructions', 'POST', `${g.domains}/${d.id}/send_setup_instructions`, {}, 422, S.UnprocessableEntity);
      await expectOp('sendDomainSetupInstructions', 'POST', `${g.domains}/987654/send_setup_instructions`, { email: 'ops@example.com' }, 404, S.NotFound);
      await expectOp('deleteDomain', 'DELETE', `${g.domains}/${d.id}`, undefined, 401, S.Unauthorized, WRONG);
      await expectOp('deleteDomain', 'DELETE', `${g.domains}/${d.id}`, undefined, 204, 'empty');
      await expectOp('deleteDomain', 'DELETE', `${g.domains}/${d.id}`, undefined, 404, S.NotFound);
    });

    it(`webhooks, ${g.name} paths: createWebhook, listWebhooks, getWebhook, updateWebhook, deleteWebhook`, async () => {
      const body = { webhook: { url: 'https://example.com/mailtrap/webhooks', webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery', 'bounce'] } };
      const created = await expectOp('createWebhook', 'POST', g.webhooks, body, 200, S.WebhookCreateResponse);
      const id = created.data.id;
      await expectOp('createWebhook', 'POST', g.webhooks, { webhook: { url: '', webhook_type: 'email_sending' } }, 422, S.UnprocessableEntity);
      await expectOp('createWebhook', 'POST', g.webhooks, body, 401, S.Unauthorized, WRONG);
      const list = await expectOp('listWebhooks', 'GET', g.webhooks, undefined, 200, S.WebhookList);
      assert.ok(list.data.every((w: object) => !('signing_secret' in w)), 'the secret only in the create answer');
      await expectOp('listWebhooks', 'GET', g.webhooks, undefined, 401, S.Unauthorized, WRONG);
      const got = await expectOp('getWebhook', 'GET', `${g.webhooks}/${id}`, undefined, 200, S.WebhookData);
      assert.equal('signing_secret' in got.data, false);
      await expectOp('getWebhook', 'GET', `${g.webhooks}/987654`, undefined, 404, S.NotFound);
      await expectOp('updateWebhook', 'PATCH', `${g.webhooks}/${id}`, { webhook: { active: false, event_types: ['delivery', 'bounce', 'unsubscribe'] } }, 200, S.WebhookData);
      await expectOp('updateWebhook', 'PATCH', `${g.webhooks}/${id}`, { webhook: { url: 'ftp://x' } }, 422, S.UnprocessableEntity);
      await expectOp('updateWebhook', 'PATCH', `${g.webhooks}/987654`, { webhook: { active: true } }, 404, S.NotFound);
      await expectOp('deleteWebhook', 'DELETE', `${g.webhooks}/${id}`, undefined, 200, S.WebhookData);
      await expectOp('deleteWebhook', 'DELETE', `${g.webhooks}/${id}`, undefined, 404, S.NotFound);
    });

    it(`webhooks, ${g.name} paths: an inbound_receiving webhook's inbound_inbox_id round-trips`, async () => {
      // mailtrap-ruby vcr_cassettes/Mailtrap_WebhooksAPI/_create/when_creating_an_inbound_receiving_webhook
      const created = await expectOp('createWebhook', 'POST', g.webhooks, { webhook: { url: 'https://example.com/mailtrap/inbound', webhook_type: 'inbound_receiving', payload_format: 'json', inbound_inbox_id: 42 } }, 200, S.WebhookCreateResponse);
      const { signing_secret: _secret, ...rest } = created.data;
      assert.deepEqual(rest, { id: rest.id, url: 'https://example.com/mailtrap/inbound', active: true, webhook_type: 'inbound_receiving', payload_format: 'json', sending_stream: null, domain_id: null, inbound_inbox_id: 42, event_types: [] });
      assert.equal((await expectOp('getWebhook', 'GET', `${g.webhooks}/${rest.id}`, undefined, 200, S.WebhookData)).data.inbound_inbox_id, 42);
      const upd = await expectOp('updateWebhook', 'PATCH', `${g.webhooks}/${rest.id}`, { webhook: { inbound_inbox_id: 43 } }, 200, S.WebhookData);
      assert.equal(upd.data.inbound_inbox_id, 43);
      const email = await expectOp('createWebhook', 'POST', g.webhooks, { webhook: { url: 'https://example.com/h', webhook_type: 'email_sending', sending_stream: 'bulk', event_types: ['open'], inbound_inbox_id: 1 } }, 422, S.UnprocessableEntity);
      assert.deepEqual(email.errors, { inbound_inbox_id: ['must be blank'] });
      await expectOp('createWebhook', 'POST', g.webhooks, { webhook: { url: 'https://example.com/h', webhook_type: 'inbound_receiving' } }, 422, S.UnprocessableEntity);
    });

    it(`suppressions, ${g.name} paths: getSuppressions, createSuppression, deleteSuppression`, async () => {
      const domain = (await shared.call('POST', '/api/domains', { domain: { domain_name: `supp-${g.name}.test` } })).json;
      const made = await expectOp('createSuppression', 'POST', g.suppressions, { email: `c-${g.name}@example.net`, domain_id: domain.id, sending_stream: 'bulk' }, 201, S.CreateSuppressionResponse);
      await expectOp('createSuppression', 'POST', g.suppressions, { email: 'nope', domain_id: domain.id, sending_stream: 'x' }, 422, S.UnprocessableEntity);
      await expectOp('createSuppression', 'POST', g.suppressions, {}, 401, S.Unauthorized, WRONG);
      // An automatic one too (with its message fields): a hard bounce from an auto-created domain.
      await shared.call('POST', '/api/send', { from: { email: `app@auto-${g.name}.test` }, to: [{ email: `b-${g.name}+bounce@example.net` }], subject: 'Hi', text: 't', category: 'Welcome' });
      await shared.call('POST', '/emulator/clock/advance', { seconds: 10 });
      const list = await expectOp('getSuppressions', 'GET', g.suppressions, undefined, 200, S.GetSuppressionsResponse);
      assert.ok(list.some((s: { message_category: string | null }) => s.message_category === 'Welcome'));
      await expectOp('getSuppressions', 'GET', `${g.suppressions}?email=${encodeURIComponent(`c-${g.name}@example.net`)}`, undefined, 200, S.GetSuppressionsResponse);
      await expectOp('getSuppressions', 'GET', g.suppressions, undefined, 401, S.Unauthorized, WRONG);
      await expectOp('deleteSuppression', 'DELETE', `${g.suppressions}/${made.data.id}`, undefined, 200, S.Suppression);
      await expectOp('deleteSuppression', 'DELETE', `${g.suppressions}/${made.data.id}`, undefined, 404, S.NotFound);
    });
  }

  it('malformed JSON on any account API is a 400 `{"error":…}` (BAD_REQUEST)', async () => {
    for (const path of ['/api/domains', '/api/webhooks', '/api/suppressions']) {
      await expectOp('BAD_REQUEST', 'POST', path, '{"x":', 400, S.BadRequest, { 'Content-Type': 'application/json' });
    }
  });
});
