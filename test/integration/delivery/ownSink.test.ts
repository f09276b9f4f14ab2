/**
 * Issue #17 item 2: webhooks that point at the emulator's own built-in sink keep delivering after
 * its HTTP port changes (the emulator rewrites them on start; see emulator/core/ownSink.ts). A
 * webhook at another local port is left alone. The real process, restarted on the same data dir.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { api, startEmulatorProcess, tempDir, type RunningEmulator } from '../../helpers/emulatorProcess';
import { followOwnSink, rememberOrigin } from '../../../emulator/core/ownSink';

const running: RunningEmulator[] = [];
after(async () => {
  await Promise.all(running.map((e) => e.stop()));
});
const start = async (args: string[]) => {
  const e = await startEmulatorProcess(args);
  running.push(e);
  return e;
};

describe('built-in sink webhooks across HTTP port changes', () => {
  it('follow the emulator to its new port: the webhook URL is rewritten and delivery reaches the sink', async () => {
    const data = tempDir();
    const first = await start(['--data', data]);
    let call = api(first.ready);
    const sink = (await call('POST', '/api/webhooks', {
      webhook: { url: `${first.ready.http}/sink/demo`, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] },
    })).json.data;
    const authed = (await call('POST', '/api/webhooks', {
      webhook: { url: `http://ann%40x.test:pw@localhost:${first.ready.httpPort}/sink/private?token=t1`, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'] },
    })).json.data;
    const elsewhere = (await call('POST', '/api/webhooks', {
      webhook: { url: 'http://127.0.0.1:9/sink/not-ours', webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['bounce'] },
    })).json.data;
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await start(['--data', data]); // --port 0: another free port
    assert.notEqual(second.ready.httpPort, first.ready.httpPort);
    call = api(second.ready);
    assert.equal((await call('GET', `/api/webhooks/${sink.id}`)).json.data.url, `${second.ready.http}/sink/demo`);
    assert.equal(
      (await call('GET', `/api/webhooks/${authed.id}`)).json.data.url,
      `http://ann%40x.test:pw@127.0.0.1:${second.ready.httpPort}/sink/private?token=t1`,
      'userinfo and query kept; localhost is the same listener',
    );
    assert.equal((await call('GET', `/api/webhooks/${elsewhere.id}`)).json.data.url, 'http://127.0.0.1:9/sink/not-ours', 'not our origin: untouched');
    assert.match(second.stderr(), /built-in sink webhook follows the emulator to its new port/);

    await call('POST', '/api/send', { from: { email: 'app@follow.test' }, to: [{ email: 'ann@example.com' }], subject: 'Hi', text: 'x' });
    await call('POST', '/emulator/clock/advance', { seconds: 60 });
    const got = (await call('GET', '/emulator/sinks/demo')).json.data.requests;
    assert.equal(got.length, 1, 'the sink got the batch on the new port');
    const [d] = (await call('GET', `/emulator/deliveries?webhook_id=${sink.id}`)).json.data;
    assert.equal(d.status, 'delivered');
    assert.equal(d.lastStatus, 200);
  });

  it('remembers every origin it listened on, so a URL two port changes old still follows', () => {
    let past: string[] = [];
    past = rememberOrigin(past, 'http://127.0.0.1:8780');
    past = rememberOrigin(past, 'http://127.0.0.1:9000');
    assert.equal(followOwnSink('http://127.0.0.1:8780/sink/a', past, 'http://127.0.0.1:9100'), 'http://127.0.0.1:9100/sink/a');
    assert.equal(followOwnSink('http://127.0.0.1:8780/hooks', past, 'http://127.0.0.1:9100'), null, 'only /sink/ paths');
    assert.equal(followOwnSink('http://127.0.0.1:9100/sink/a', past, 'http://127.0.0.1:9100'), null, 'already current');
    assert.equal(followOwnSink('https://example.com:8780/sink/a', past, 'http://127.0.0.1:9100'), null, 'another host');
  });
});
