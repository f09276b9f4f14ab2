/** The emulator as a process: ready line, flags, signals, and durability across kill -9. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EMULATOR_JS, api, startEmulatorProcess, tempDir } from '../helpers/emulatorProcess';
import { emulatorClient } from '../helpers/mailtrapClient';

describe('emulator CLI', () => {
  it('prints the ready line as the first stdout line, with JSON logs on stderr', async () => {
    const emu = await startEmulatorProcess(['--memory']);
    assert.equal(emu.ready.ready, true);
    assert.equal(emu.ready.http, `http://127.0.0.1:${emu.ready.httpPort}`);
    assert.ok(emu.ready.smtpPort > 0);
    assert.match(emu.ready.token, /^[0-9a-f]{32}$/);
    assert.equal(emu.ready.accountId, 1);
    assert.equal(emu.ready.dataDir, null);
    assert.equal(await emu.stop(), 0);
    const lines = emu.stderr().trim().split('\n');
    for (const l of lines) assert.equal(typeof JSON.parse(l).component, 'string', l);
  });

  it('SIGTERM does not wait for an idle SMTP session or a live event stream', async () => {
    const emu = await startEmulatorProcess(['--memory']);
    const smtp = net.connect(emu.ready.smtpPort, '127.0.0.1');
    smtp.on('error', () => {});
    await new Promise((resolve) => smtp.once('data', resolve)); // the greeting: the session is open
    const ctrl = new AbortController();
    const stream = await fetch(`${emu.ready.http}/emulator/stream`, { headers: { authorization: `Bearer ${emu.ready.token}` }, signal: ctrl.signal });
    assert.equal(stream.status, 200);
    const started = Date.now();
    assert.equal(await emu.stop(), 0);
    // smtp-server would otherwise hold the process for its 30 s close timeout; a generous bound tells the two apart.
    assert.ok(Date.now() - started < 15_000, `stopped after ${Date.now() - started} ms`);
    smtp.destroy();
    ctrl.abort();
  });

  it('exits 2 with one line on stderr for a bad flag', () => {
    const r = spawnSync(process.execPath, [EMULATOR_JS, '--port', 'abc'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /port/);
  });

  it('keeps its token in the data dir, and --token overrides it', async () => {
    const dir = tempDir();
    const a = await startEmulatorProcess(['--data', dir]);
    await a.stop();
    const b = await startEmulatorProcess(['--data', dir]);
    assert.equal(b.ready.token, a.ready.token);
    assert.equal(fs.statSync(path.join(dir, 'token')).mode & 0o077, 0, 'the token file is private');
    await b.stop();
    const c = await startEmulatorProcess(['--data', dir, '--token', 'my-token']);
    assert.equal(c.ready.token, 'my-token');
    await c.stop();
  });

  it('refuses a second emulator on the same data dir, and takes over a lock left by kill -9', async () => {
    const dir = tempDir();
    const first = await startEmulatorProcess(['--data', dir]);
    const second = spawnSync(process.execPath, [EMULATOR_JS, '--data', dir, '--port', '0', '--smtp-port', '0'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(second.status, 1);
    assert.equal(second.stdout, '', 'no ready line');
    assert.match(second.stderr, new RegExp(`in use by another emulator \\(pid ${first.proc.pid}\\)`));
    await first.kill9();
    const third = await startEmulatorProcess(['--data', dir]);
    assert.equal(third.ready.dataDir, dir);
    assert.equal(await third.stop(), 0);
    assert.equal(fs.existsSync(path.join(dir, 'lock')), false, 'a clean stop releases the lock');
  });

  it('loses nothing acknowledged across kill -9: domains, webhooks, updates and deletes', async () => {
    const dir = tempDir();
    const first = await startEmulatorProcess(['--data', dir]);
    const client = emulatorClient(first.ready.http, first.ready.token);
    const d1 = await client.sendingDomains.create({ domain_name: 'kept.test' });
    const d2 = await client.sendingDomains.create({ domain_name: 'gone.test' });
    const w1 = (
      await client.webhooks.create({
        url: 'http://127.0.0.1:9/a',
        webhook_type: 'email_sending',
        sending_stream: 'transactional',
        event_types: ['delivery'],
        domain_id: d1.id,
      })
    ).data;
    const w2 = (
      await client.webhooks.create({ url: 'http://127.0.0.1:9/b', webhook_type: 'email_sending', sending_stream: 'bulk', event_types: ['bounce'] })
    ).data;
    await client.webhooks.update(w1.id, { active: false });
    await client.webhooks.delete(w2.id);
    await client.sendingDomains.delete(d2.id);
    await api(first.ready)('POST', '/emulator/clock/advance', { seconds: 86_400 });
    const clockBefore = (await api(first.ready)('GET', '/emulator/clock')).json.now;
    await first.kill9();

    const second = await startEmulatorProcess(['--data', dir]);
    const c2 = emulatorClient(second.ready.http, second.ready.token);
    const domains = (await c2.sendingDomains.getList()).data.map((d) => d.domain_name);
    assert.deepEqual(domains, ['kept.test']);
    const hooks = (await c2.webhooks.getList()).data;
    assert.equal(hooks.length, 1);
    assert.equal(hooks[0].id, w1.id);
    assert.equal(hooks[0].active, false);
    assert.equal(hooks[0].domain_id, d1.id);
    const clockAfter = (await api(second.ready)('GET', '/emulator/clock')).json.now;
    assert.ok(clockAfter >= clockBefore, 'virtual time does not run backwards across a restart');
    // New ids never reuse deleted ones.
    const w3 = (await c2.webhooks.create({ url: 'http://127.0.0.1:9/c', webhook_type: 'email_sending', sending_stream: 'bulk', event_types: ['open'] })).data;
    assert.ok(w3.id > w2.id);
    assert.equal(await second.stop(), 0);
  });
});
