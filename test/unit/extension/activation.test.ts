/** activate/deactivate with the fake vscode and the real emulator: auto start, status bar, commands, failures, restarts. */
import { waitFor, activateExtension, fake, REPO_ROOT } from '../../helpers/extensionHarness';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { changeSettings } from '../../helpers/fakeVscode';
import { startEmulatorProcess, tempDir } from '../../helpers/emulatorProcess';
import { recordRunning } from '../../../src/emulator/orphans';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const statusText = () => fake.statusBarItems[0]?.text ?? '';
const running = () => fake.context.get('mailtrapEmulator.state') === 'running';

describe('extension activation', { concurrency: false }, () => {
  test('auto-starts the emulator, shows its ports in the status bar, registers every manifest command, stops on deactivate', async () => {
    const h = await activateExtension();
    try {
      await waitFor(running, 'the emulator to run');
      assert.match(statusText(), /^\$\(mail\) Mailtrap :\d+ · SMTP \d+$/);
      assert.equal(fake.statusBarItems[0]!.command, 'mailtrapEmulator.emulator.menu');
      const declared = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
      assert.deepEqual([...fake.commands.keys()].sort(), declared);
      for (const id of declared) assert.match(id, /^mailtrapEmulator\.[a-z]+\.[a-zA-Z]+$/);
      const log = fake.channels[0]!;
      assert.equal(log.name, 'Mailtrap Emulator');
      assert.ok(log.lines.some((l) => /emulator ready at http:\/\/127\.0\.0\.1:\d+/.test(l)));
    } finally {
      await h.dispose();
    }
    assert.equal(fake.context.get('mailtrapEmulator.state'), 'stopped');
    assert.equal(statusText(), '$(circle-slash) Mailtrap stopped');
  });

  test('autoStart off: stays stopped until the start command', async () => {
    const h = await activateExtension({ 'mailtrapEmulator.autoStart': false });
    try {
      assert.equal(statusText(), '$(circle-slash) Mailtrap stopped');
      await fake.commands.get('mailtrapEmulator.emulator.start')!();
      assert.ok(running());
      await fake.commands.get('mailtrapEmulator.emulator.stop')!();
      assert.equal(fake.context.get('mailtrapEmulator.state'), 'stopped');
    } finally {
      await h.dispose();
    }
  });

  test('a port in use: one clear message naming the HTTP port, Open Setting opens that setting, and fixing it starts the emulator', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const h = await activateExtension({ 'mailtrapEmulator.autoStart': false, 'mailtrapEmulator.httpPort': port });
    try {
      fake.answers.push({ match: 'could not start', pick: 'Open Setting' });
      await fake.commands.get('mailtrapEmulator.emulator.start')!();
      const shown = await waitFor(() => fake.shown.find((s) => s.level === 'error'), 'an error message');
      assert.match(shown.message, new RegExp(`HTTP port ${port} is already in use`));
      assert.equal(shown.message.match(/already in use/g)!.length, 1, 'said once');
      assert.doesNotMatch(shown.message, /SMTP/, 'names the one port that is taken');
      assert.match(shown.message, /mailtrapEmulator\.httpPort/);
      assert.deepEqual(shown.items, ['Use a Free Port', 'Open Setting', 'Show Logs']);
      await waitFor(() => fake.executed.find((e) => e.id === 'workbench.action.openSettings'), 'settings to open');
      assert.deepEqual(fake.executed.find((e) => e.id === 'workbench.action.openSettings')!.args, ['mailtrapEmulator.httpPort']);
      assert.equal(statusText(), '$(error) Mailtrap failed');
      assert.match(String(fake.statusBarItems[0]!.tooltip), /already in use/);
      // The user fixes the port in Settings: the emulator starts on it, no Restart needed.
      changeSettings({ 'mailtrapEmulator.httpPort': 0 });
      await waitFor(running, 'the emulator to start after the fix');
      assert.match(statusText(), /^\$\(mail\) Mailtrap :\d+ · SMTP \d+$/);
    } finally {
      blocker.close();
      await h.dispose();
    }
  });

  test('a port in use: "Use a Free Port" writes a free port into the setting and the emulator starts on it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const h = await activateExtension({ 'mailtrapEmulator.autoStart': false, 'mailtrapEmulator.smtpPort': port });
    try {
      fake.answers.push({ match: 'could not start', pick: 'Use a Free Port' });
      await fake.commands.get('mailtrapEmulator.emulator.start')!();
      const shown = await waitFor(() => fake.shown.find((s) => s.level === 'error'), 'an error message');
      assert.match(shown.message, new RegExp(`SMTP port ${port} is already in use[\\s\\S]*mailtrapEmulator\\.smtpPort`));
      const update = await waitFor(() => fake.updates.find((u) => u.key === 'mailtrapEmulator.smtpPort'), 'the setting to be written');
      assert.ok(Number.isInteger(update.value) && update.value !== port && (update.value as number) > 0);
      await waitFor(running, 'the emulator to start on the free port');
      assert.match(statusText(), new RegExp(`SMTP ${update.value}$`));
    } finally {
      blocker.close();
      await h.dispose();
    }
  });

  test('a crash is reported with a Restart action that brings it back', async () => {
    const h = await activateExtension();
    try {
      await waitFor(running, 'the emulator to run');
      const { EmulatorController } = await import('../../../src/emulator/controller');
      const controller = h.context.subscriptions.find((d) => d instanceof EmulatorController) as InstanceType<typeof EmulatorController>;
      const pid = controller.supervisor.pid!;
      fake.answers.push({ match: 'stopped unexpectedly', pick: 'Restart' });
      process.kill(pid, 'SIGKILL');
      const shown = await waitFor(() => fake.shown.find((s) => s.level === 'error'), 'a crash message');
      assert.match(shown.message, /The Mailtrap emulator stopped unexpectedly/);
      assert.ok(shown.items.includes('Restart') && shown.items.includes('Open Settings'));
      await waitFor(() => controller.state === 'running' && controller.supervisor.pid !== pid, 'the restart');
      assert.match(statusText(), /Mailtrap :\d+/);
    } finally {
      await h.dispose();
    }
  });

  test('changing a relevant setting restarts the emulator with it', async () => {
    const h = await activateExtension();
    try {
      await waitFor(running, 'the emulator to run');
      const { EmulatorController } = await import('../../../src/emulator/controller');
      const controller = h.context.subscriptions.find((d) => d instanceof EmulatorController) as InstanceType<typeof EmulatorController>;
      const pid = controller.supervisor.pid;
      assert.equal((await controller.api!.status()).clock.scale, 1);
      changeSettings({ 'mailtrapEmulator.timeScale': 60 });
      await waitFor(() => controller.state === 'running' && controller.supervisor.pid !== pid, 'the restart', 30_000); // a restart under a loaded machine can take more than 10 s
      assert.equal((await controller.api!.status()).clock.scale, 60);
      // autoStart is not a restart setting.
      const pid2 = controller.supervisor.pid;
      changeSettings({ 'mailtrapEmulator.autoStart': false });
      assert.equal(controller.supervisor.pid, pid2);
    } finally {
      await h.dispose();
    }
  });

  test('dataLocation workspace keeps data in workspace storage across restarts', async () => {
    const h = await activateExtension({ 'mailtrapEmulator.dataLocation': 'workspace' });
    try {
      await waitFor(running, 'the emulator to run');
      const { EmulatorController } = await import('../../../src/emulator/controller');
      const controller = h.context.subscriptions.find((d) => d instanceof EmulatorController) as InstanceType<typeof EmulatorController>;
      assert.equal(controller.ready!.dataDir, path.join(h.context.storageUri.fsPath, 'emulator-data'));
      await controller.api!.createDomain('kept.example');
      await controller.restart();
      assert.deepEqual((await controller.api!.listDomains()).map((d) => d.domain_name), ['kept.example']);
    } finally {
      await h.dispose();
    }
  });

  test('an emulator left running by a crashed session is stopped, so its ports are free again', async () => {
    const orphan = await startEmulatorProcess(['--memory']);
    const storage = tempDir('mt-ext-');
    // Its owner, an extension host that crashed, is gone.
    const owner = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => owner.once('exit', r));
    recordRunning(path.join(storage, 'global', 'emulators'), {
      pid: orphan.proc.pid!,
      ownerPid: owner.pid!,
      http: orphan.ready.http,
      httpPort: orphan.ready.httpPort,
      smtpPort: orphan.ready.smtpPort,
      token: orphan.ready.token,
      accountId: 1,
      dataDir: null,
      workspace: 'crashed',
    });
    const exited = new Promise((r) => orphan.proc.once('exit', r));
    const h = await activateExtension({ 'mailtrapEmulator.httpPort': orphan.ready.httpPort }, storage);
    try {
      await waitFor(running, 'the emulator to run');
      await exited;
      assert.match(statusText(), new RegExp(`Mailtrap :${orphan.ready.httpPort} `));
      assert.ok(fake.channels[0]!.lines.some((l) => /^warn stopping an emulator left running by a previous session/.test(l)));
      assert.equal(fake.shown.filter((s) => s.level === 'error').length, 0);
    } finally {
      await h.dispose();
    }
  });
});
