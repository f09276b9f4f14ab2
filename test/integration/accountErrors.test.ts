/**
 * The account APIs' error bodies, read by the official `mailtrap` client (4.10) exactly as it
 * reads production's. Each expected body is a recorded answer of Mailtrap's in
 * mailtrap/mailtrap-ruby spec/fixtures/vcr_cassettes/ (named per case), and matches
 * mailtrap/mailtrap-openapi specs/email-sending.openapi.yml `components.responses`
 * (Unauthorized, NotFound, UnprocessableEntity). The Send API keeps its own envelope.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useEmulatorProcess } from '../helpers/emulatorProcess';
import { emulatorClient } from '../helpers/mailtrapClient';

const shared = useEmulatorProcess(['--memory']);

/** The message the SDK throws (MailtrapError), and the HTTP status under it. */
async function thrown(p: Promise<unknown>): Promise<{ message: string; status: number | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as Error & { cause?: { response?: { status?: number } } };
    return { message: e.message, status: e.cause?.response?.status };
  }
  assert.fail('expected the client to throw');
}

describe('account API errors through the official client', () => {
  it('401: a wrong token throws "Incorrect API token" on domains, webhooks and suppressions', async () => {
    // Mailtrap_WebhooksAPI/_list/when_api_key_is_incorrect, Mailtrap_SendingDomainsAPI/_list/…, Mailtrap_SuppressionsAPI/vcr_list/…
    const client = emulatorClient(shared.emu.ready.http, 'not-the-token');
    for (const call of [client.webhooks.getList(), client.sendingDomains.getList(), client.suppressions.getList()]) {
      assert.deepEqual(await thrown(call), { message: 'Incorrect API token', status: 401 });
    }
    const raw = await fetch(`${shared.emu.ready.http}/api/suppressions`, { headers: { 'Api-Token': 'nope' } });
    assert.equal(raw.status, 401);
    assert.deepEqual(await raw.json(), { error: 'Incorrect API token' });
  });

  it('401 on the Send API keeps {"success":false,"errors":["Unauthorized"]}', async () => {
    // email-sending-transactional.openapi.yml, sendEmail → 401 `Unauthorized`
    const client = emulatorClient(shared.emu.ready.http, 'not-the-token');
    const e = await thrown(client.send({ from: { email: 'a@shop.test' }, to: [{ email: 'b@x.test' }], subject: 's', text: 't' }));
    assert.deepEqual(e, { message: 'Unauthorized', status: 401 });
  });

  it('404: an unknown domain or webhook throws "Not Found"', async () => {
    // Mailtrap_WebhooksAPI/_get/when_webhook_does_not_exist, Mailtrap_SendingDomainsAPI/_get/when_sending_domain_does_not_exist
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { accountId: 1111111 });
    assert.deepEqual(await thrown(client.webhooks.get(-1)), { message: 'Not Found', status: 404 });
    assert.deepEqual(await thrown(client.sendingDomains.get(-1)), { message: 'Not Found', status: 404 });
    assert.deepEqual(await thrown(client.webhooks.delete(987654)), { message: 'Not Found', status: 404 });
    assert.deepEqual(await thrown(client.suppressions.delete('00000000-0000-4000-8000-000000000000')), { message: 'Not Found', status: 404 });
    const unknownRoute = await shared.call('GET', '/api/nothing-here');
    assert.deepEqual([unknownRoute.status, unknownRoute.json], [404, { error: 'Not Found' }]);
  });

  it('422: a webhook with a blank URL and no event_types / sending_stream gets every error in one answer', async () => {
    // Mailtrap_WebhooksAPI/_create/when_API_returns_an_error: request {"url":"","webhook_type":"email_sending"}
    const r = await shared.call('POST', '/api/accounts/1111111/webhooks', { webhook: { url: '', webhook_type: 'email_sending' } });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json, { errors: { url: ["can't be blank", 'is invalid'], event_types: ["can't be blank"], sending_stream: ["can't be blank"] } });
    assert.deepEqual(Object.keys(r.json.errors), ['url', 'event_types', 'sending_stream'], 'in the recorded order');
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token);
    const e = await thrown(client.webhooks.create({ url: '', webhook_type: 'email_sending' }));
    assert.deepEqual(e, { message: "url: can't be blank, is invalid; event_types: can't be blank; sending_stream: can't be blank", status: 422 });
  });

  it('422: a blank domain name throws Mailtrap\'s "Validation failed" sentence', async () => {
    // Mailtrap_SendingDomainsAPI/_create/when_API_returns_an_error: request {"sending_domain":{"domain_name":""}}
    const r = await shared.call('POST', '/api/accounts/1111111/sending_domains', { sending_domain: { domain_name: '' } });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json, { errors: { base: ["Validation failed: Domain name can't be blank, Tracking domain name is not a valid domain name"] } });
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token);
    const e = await thrown(client.sendingDomains.create({ domain_name: '' }));
    assert.deepEqual(e, { message: "Validation failed: Domain name can't be blank, Tracking domain name is not a valid domain name", status: 422 });
  });
});
