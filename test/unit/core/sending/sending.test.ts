/** The sending core on an in-memory store and a fake clock: ingest, scheduling, suppressions, tracking HTML. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scenarioFor } from '../../../../emulator/core/sending/scenarios';
import { trackHtml, trackableLinks } from '../../../../emulator/core/sending/tracking';
import { validateMail } from '../../../../emulator/core/sending/validation';
import { BadRequestError } from '../../../../emulator/core/errors';
import { inMemoryCore } from '../../../helpers/inMemoryCore';

const setup = () => inMemoryCore();

const mail = (to: string, over: Record<string, unknown> = {}) => ({ from: { email: 'a@core.test' }, to: [{ email: to }], subject: 's', text: 't', ...over });

describe('sending core', () => {
  it('a send stores its lifecycle as scheduled rows; advancing the clock records them in order and empties the schedule', async () => {
    const { core, sending } = await setup();
    const created: string[][] = [];
    core.bus.on('message.created', (m) => created.push(m.messageIds));
    const [id] = sending.service.ingest(mail('x+click@example.net'), 'transactional');
    assert.deepEqual(created, [[id]]);
    assert.equal(sending.scheduler.pending(), 3);
    assert.equal(core.events.count({}), 0, 'nothing is recorded before it is due');
    await core.advanceClock(5);
    assert.deepEqual(core.events.list({ messageId: id }).map((e) => e.payload.event), ['delivery']);
    await core.advanceClock(60);
    assert.deepEqual(core.events.list({ messageId: id }).map((e) => e.payload.event).reverse(), ['delivery', 'open', 'click']);
    assert.equal(sending.scheduler.pending(), 0);
  });

  it('a bad request stores nothing at all', async () => {
    const { sending, store } = await setup();
    assert.throws(() => sending.service.ingest(mail('nope'), 'transactional'), BadRequestError);
    assert.equal(store.get<{ n: number }>('SELECT COUNT(*) AS n FROM sends')!.n, 0);
    assert.equal(sending.scheduler.pending(), 0);
  });

  it('an unsubscribe suppresses the address for its domain and stream only; the next send there is a reject with the reason', async () => {
    const { core, sending } = await setup();
    sending.service.ingest(mail('u+unsubscribe@example.net'), 'bulk');
    await core.advanceClock(60);
    assert.equal(sending.suppressions.find('core.test', 'bulk', 'U+Unsubscribe@example.net')?.type, 'unsubscription');
    assert.equal(sending.suppressions.find('core.test', 'transactional', 'u+unsubscribe@example.net'), undefined, 'the other stream is not blocked');
    assert.equal(sending.suppressions.find('other.test', 'bulk', 'u+unsubscribe@example.net'), undefined, 'another domain is not blocked');
    const [id] = sending.service.ingest(mail('u+unsubscribe@example.net'), 'bulk');
    await core.advanceClock(60);
    const [e] = core.events.list({ messageId: id });
    assert.equal(e.payload.event, 'reject');
    assert.equal(e.payload.reason, 'Recipient in suppression list. Reason: unsubscription');
  });

  it('re-arming after a restart fires what is overdue', async () => {
    const { core, sending } = await setup();
    const [id] = sending.service.ingest(mail('plain@example.net'), 'transactional');
    sending.scheduler.stop(); // as if the process died: the timers are gone, the rows are not
    await core.advanceClock(10);
    assert.equal(core.events.count({ messageId: id }), 0);
    sending.scheduler.start();
    await core.advanceClock(0);
    assert.equal(core.events.count({ messageId: id }), 1);
  });
});

describe('scenarios, validation and tracking HTML', () => {
  it('plus-tag or local part picks the scenario; anything else is delivery', () => {
    assert.equal(scenarioFor('ann+soft-bounce@x.test'), 'soft-bounce');
    assert.equal(scenarioFor('SPAM@x.test'), 'spam');
    assert.equal(scenarioFor('a+b+click@x.test'), 'click');
    assert.equal(scenarioFor('bouncer@x.test'), 'delivery');
    assert.equal(scenarioFor('a.very.long.local.part.of.someone+SOFT_BOUNCE@x.test'), 'soft-bounce', 'a long part before the tag');
    assert.equal(scenarioFor('Spam_Complaint@x.test'), 'spam', 'the longest aliases');
    assert.equal(scenarioFor('soft-bounce-fail@x.test'), 'soft-bounce-fail');
    assert.equal(scenarioFor('a+soft-bounce-fails@x.test'), 'delivery', 'one letter longer than an alias');
    assert.equal(scenarioFor('spam+x@sub+domain@x.test'), 'delivery', 'the tag ends at the last @');
  });

  it('a local part or tag that names a property of every JS object (constructor, __proto__, hasOwnProperty) is a plain delivery', async () => {
    for (const a of ['constructor@x.test', 'a+__proto__@x.test', 'hasownproperty@x.test', 'a+valueof@x.test']) assert.equal(scenarioFor(a), 'delivery', a);
    const { core, sending } = await setup();
    const [id] = sending.service.ingest(mail('constructor@example.net'), 'transactional');
    await core.advanceClock(5);
    assert.deepEqual(core.events.list({ messageId: id }).map((e) => e.payload.event), ['delivery']);
  });

  it('validation decodes attachments and keeps addresses in order', () => {
    const m = validateMail(mail('a@x.test', { cc: [{ email: 'c@x.test', name: 'C' }], attachments: [{ filename: 'f', content: 'aGVsbG8=' }] }));
    assert.equal(Buffer.from(m.attachments[0].content).toString(), 'hello');
    assert.deepEqual(m.cc, [{ email: 'c@x.test', name: 'C' }]);
  });

  it('tracking rewrites only http(s) anchors, in order, and the token maps back to the original URL', () => {
    const html = `<a href='https://a.test/?q=1&amp;r=2'>a</a><a href="javascript:alert(1)">j</a><A HREF="http://b.test/">b</A>`;
    assert.deepEqual(trackableLinks(html), ['https://a.test/?q=1&r=2', 'http://b.test/']);
    const out = trackHtml(html, { baseUrl: 'http://127.0.0.1:1', messageId: 'm1', open: true, click: true });
    assert.match(out, /href='http:\/\/127\.0\.0\.1:1\/t\/c\/m1\.0'/);
    assert.match(out, /href="javascript:alert\(1\)"/);
    assert.match(out, /HREF="http:\/\/127\.0\.0\.1:1\/t\/c\/m1\.1"/);
    const hostile = trackHtml(html, { baseUrl: 'http://h"><script>', messageId: 'm1', open: true, click: true });
    assert.doesNotMatch(hostile, /<script>|h"/, 'the base URL can never break out of the attribute');
    assert.match(out, /<img src="http:\/\/127\.0\.0\.1:1\/t\/o\/m1"/);
  });
});

describe('scheduler failure', () => {
  it('a failing consumer leaves the events scheduled; they are recorded once it recovers', async () => {
    const { core, sending } = await setup();
    let fail = true;
    core.events.addConsumer(() => {
      if (fail) throw new Error('queue unavailable');
    });
    const [id] = sending.service.ingest(mail('plain@example.net'), 'transactional');
    await core.advanceClock(10);
    assert.equal(core.events.count({ messageId: id }), 0);
    assert.equal(sending.scheduler.pending(), 1);
    fail = false;
    await core.advanceClock(60);
    assert.equal(core.events.count({ messageId: id }), 1);
    assert.equal(sending.scheduler.pending(), 0);
  });
});
