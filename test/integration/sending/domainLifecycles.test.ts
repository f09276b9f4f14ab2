/**
 * Sending domains that start unverified, `--domains auto|strict`, and lifecycles that resolve,
 * over real sockets (official client, nodemailer, the real process). Sources:
 * - a fresh domain: mailtrap/mailtrap-ruby vcr_cassettes/Mailtrap_SendingDomainsAPI/_create/
 *   maps_response_data_to_sending_domain_object.yml and email-sending.openapi.yml `Domain`;
 * - suspension ("re-check the domain status 10 more times … Delivery, Reject") and soft bounce
 *   ("attempted 10 more times … Delivery or Bounce"): mailtrap-docs analytics/statuses-and-events.md;
 * - strict: troubleshooting/unauthorized-401-error.md (Send API 401) and
 *   troubleshooting/sending-from-domain-not-allowed.md (SMTP `550 5.7.1 Sending from domain is not allowed`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { SUSPENSION_RECHECK_MS, SUSPENSION_RECHECKS } from '../../../emulator/core/sending/scenarios';
import { useEmulatorProcess } from '../../helpers/emulatorProcess';
import { emulatorClient } from '../../helpers/mailtrapClient';
import { advance, eventsOf, mail, send } from '../../helpers/sending';

const shared = useEmulatorProcess(['--memory']);
const strict = useEmulatorProcess(['--memory', '--domains', 'strict']);

const RECHECK_S = SUSPENSION_RECHECK_MS / 1000;

describe('sending domains start unverified', () => {
  it('a domain created through the API answers like Mailtrap\'s fresh one; Mark DNS Verified makes it verified', async () => {
    const client = emulatorClient(shared.emu.ready.http, shared.emu.ready.token, { accountId: 1111111 });
    const d = await client.sendingDomains.create({ domain_name: 'fresh.test' });
    assert.equal(d.dns_verified, false);
    assert.equal(d.compliance_status, 'unverified_dns');
    assert.equal(d.dns_verified_at, '');
    assert.deepEqual(d.dns_records.map((r) => r.key), ['verification', 'spf', 'dkim1', 'dkim2', 'dmarc', 'link_verification']);
    assert.ok(d.dns_records.every((r) => r.status === 'missing'));
    const dkim1 = d.dns_records.find((r) => r.key === 'dkim1')!;
    assert.deepEqual([dkim1.domain, dkim1.name, dkim1.type, dkim1.value], ['rwmt1._domainkey.fresh.test', 'rwmt1._domainkey', 'CNAME', 'rwmt1.dkim.smtp.mailtrap.live']);
    assert.equal(d.dns_records.find((r) => r.key === 'link_verification')!.domain, 'mt-link.fresh.test');

    const setup = await shared.call('POST', `/api/accounts/1111111/sending_domains/${d.id}/send_setup_instructions`, { email: 'devops@example.com' });
    assert.deepEqual([setup.status, setup.text], [204, '']);
    const badEmail = await shared.call('POST', `/api/domains/${d.id}/send_setup_instructions`, { email: 'nope' });
    assert.deepEqual([badEmail.status, badEmail.json], [422, { errors: { email: ['is invalid'] } }]);
    assert.equal((await shared.call('POST', '/api/domains/999999/send_setup_instructions', { email: 'a@b.test' })).status, 404);

    const v = await shared.call('POST', `/emulator/domains/${d.id}/verify`);
    assert.equal(v.status, 200);
    const got = await client.sendingDomains.get(d.id);
    assert.equal(got.dns_verified, true);
    assert.equal(got.compliance_status, 'compliant');
    assert.ok(!Number.isNaN(Date.parse(got.dns_verified_at!)));
    assert.ok(got.dns_records.every((r) => r.status === 'pass'));
  });

  it('mail from an unverified domain is suspended, and delivered when the domain is verified during the re-checks', async () => {
    const d = (await shared.call('POST', '/api/domains', { domain: { domain_name: 'later.test' } })).json;
    const r = await send(shared.call, mail({ from: { email: 'app@later.test' }, to: [{ email: 'ann+click@example.net' }], html: '<a href="https://later.test/x">x</a>' }));
    assert.equal(r.status, 200);
    const id = r.json.message_ids[0];
    await advance(shared.call, 3 * RECHECK_S);
    const [suspension] = await eventsOf(shared.call, id);
    assert.deepEqual([suspension.event, suspension.reason], ['suspension', 'Email was sent from an unverified domain']);
    assert.equal((await eventsOf(shared.call, id)).length, 1, 'nothing more while unverified');
    await shared.call('POST', `/emulator/domains/${d.id}/verify`);
    await advance(shared.call, RECHECK_S + 30);
    // The re-check finds it verified: the mail goes out and the recipient's own scenario (+click) runs.
    assert.deepEqual((await eventsOf(shared.call, id)).map((e) => e.event), ['suspension', 'delivery', 'open', 'click']);
  });

  it('… and rejected after the 10th re-check when it never is', async () => {
    await shared.call('POST', '/api/domains', { domain: { domain_name: 'never.test' } });
    const id = (await send(shared.call, mail({ from: { email: 'app@never.test' } }))).json.message_ids[0];
    await advance(shared.call, (SUSPENSION_RECHECKS - 1) * RECHECK_S);
    assert.deepEqual((await eventsOf(shared.call, id)).map((e) => e.event), ['suspension']);
    await advance(shared.call, RECHECK_S + 5);
    const evs = await eventsOf(shared.call, id);
    assert.deepEqual(evs.map((e) => e.event), ['suspension', 'reject']);
    assert.equal(evs[1].reason, 'The domain was not verified in time after an initial suspension of the email');
    assert.equal(evs[1].timestamp - evs[0].timestamp, SUSPENSION_RECHECKS * RECHECK_S, '10 re-checks, one virtual minute apart');
  });

  it('+suspension ends in reject after the re-checks, or in delivery when the domain is (re)verified meanwhile', async () => {
    const rejected = (await send(shared.call, mail({ from: { email: 'app@susp.test' }, to: [{ email: 'a+suspension@example.net' }] }))).json.message_ids[0];
    await advance(shared.call, SUSPENSION_RECHECKS * RECHECK_S + 5);
    assert.deepEqual((await eventsOf(shared.call, rejected)).map((e) => e.event), ['suspension', 'reject']);

    const delivered = (await send(shared.call, mail({ from: { email: 'app@susp.test' }, to: [{ email: 'b+suspension@example.net' }] }))).json.message_ids[0];
    await advance(shared.call, 2 * RECHECK_S);
    const domain = ((await shared.call('GET', '/api/domains')).json.data as any[]).find((x) => x.domain_name === 'susp.test');
    await shared.call('POST', `/emulator/domains/${domain.id}/verify`);
    await advance(shared.call, RECHECK_S + 5);
    assert.deepEqual((await eventsOf(shared.call, delivered)).map((e) => e.event), ['suspension', 'delivery']);
  });
});

describe('soft bounces resolve', () => {
  it('+soft-bounce: a greylisting soft bounce, then delivery at the first retry', async () => {
    const id = (await send(shared.call, mail({ to: [{ email: 'g+soft-bounce@example.net' }] }))).json.message_ids[0];
    await advance(shared.call, 120);
    const evs = await eventsOf(shared.call, id);
    assert.deepEqual(evs.map((e) => e.event), ['soft bounce', 'delivery']);
    assert.deepEqual([evs[0].bounce_category, evs[0].response_code], ['greylisting', 451]);
  });

  it('+soft-bounce-fail: a soft bounce at the first attempt and 9 retries, then a bounce at the 10th', async () => {
    const id = (await send(shared.call, mail({ to: [{ email: 'f+soft-bounce-fail@example.net' }] }))).json.message_ids[0];
    await advance(shared.call, 700);
    const evs = await eventsOf(shared.call, id);
    assert.deepEqual(evs.map((e) => e.event), [...Array(10).fill('soft bounce'), 'bounce']);
    assert.ok(evs.slice(0, 10).every((e) => e.bounce_category === 'transientfail'));
    assert.equal(evs[10].bounce_category, 'timeout');
    assert.equal(evs[10].timestamp - evs[0].timestamp, 600, 'ten retries a virtual minute apart');
  });
});

describe('--domains', () => {
  it('auto (default): an unknown sender domain is created verified on first use, with a log line', async () => {
    const r = await send(shared.call, mail({ from: { email: 'app@first-use.test' } }));
    assert.equal(r.status, 200);
    const d = ((await shared.call('GET', '/api/domains')).json.data as any[]).find((x) => x.domain_name === 'first-use.test');
    assert.equal(d.dns_verified, true);
    assert.ok(shared.emu.stderr().split('\n').some((l) => /created on first use/.test(l) && /first-use\.test/.test(l)));
  });

  it('strict over HTTP: the Send API\'s 401; a batch answers per request; a known domain sends', async () => {
    const r = await send(strict.call, mail({ from: { email: 'app@unknown.test' } }));
    assert.deepEqual([r.status, r.json], [401, { success: false, errors: ['Unauthorized'] }]);
    assert.deepEqual((await strict.call('GET', '/api/domains')).json.data, [], 'nothing was created');
    const client = emulatorClient(strict.emu.ready.http, strict.emu.ready.token);
    await assert.rejects(client.send(mail({ from: { email: 'app@unknown.test' } }) as never), /Unauthorized/);

    const d = await client.sendingDomains.create({ domain_name: 'known.test' });
    await strict.call('POST', `/emulator/domains/${d.id}/verify`);
    const batch = await strict.call('POST', '/api/batch', {
      base: { subject: 's', text: 't' },
      requests: [{ from: { email: 'a@known.test' }, to: [{ email: 'x@example.net' }] }, { from: { email: 'a@unknown.test' }, to: [{ email: 'y@example.net' }] }],
    });
    assert.equal(batch.status, 200);
    assert.equal(batch.json.responses[0].success, true);
    assert.deepEqual(batch.json.responses[1], { success: false, errors: ['Unauthorized'] });
  });

  it('strict over SMTP: MAIL FROM an unknown domain gets 550 5.7.1 with Mailtrap\'s words', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: strict.emu.ready.smtpPort, secure: false, auth: { user: 'api', pass: strict.emu.ready.token } });
    try {
      await assert.rejects(transport.sendMail({ from: 'app@stranger.test', to: 'x@example.net', subject: 's', text: 't' }), (err: Error & { response?: string; responseCode?: number }) => {
        assert.equal(err.responseCode, 550);
        assert.match(err.response ?? '', /^550 5\.7\.1 Sending from domain is not allowed/);
        return true;
      });
      const ok = await transport.sendMail({ from: 'app@known.test', to: 'x@example.net', subject: 's', text: 't' });
      assert.match(ok.response, /^250 2\.0\.0 Ok: queued as /);
    } finally {
      transport.close();
    }
  });
});
