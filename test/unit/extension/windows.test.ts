/**
 * Several VS Code windows (issue #17): another window's emulator, recorded in the shared global
 * storage with its owner alive, is never stopped; its ports are left to it; a window on the same
 * data location uses it (shared) and takes over when it goes away. Real emulator processes; the
 * other window is a live process standing in for its extension host.
 */
import { activateExtension, fake, waitFor } from '../../helpers/extensionHarness';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { startEmulatorProcess, tempDir, type RunningEmulator } from '../../helpers/emulatorProcess';
import { recordRunning } from '../../../src/emulator/orphans';

const statusText = () => fake.statusBarItems[0]?.text ?? '';
const running = () => fake.context.get('mailtrapEmulator.state') === 'running';

function otherWindow(storage: string, emu: RunningEmulator): ChildProcess {
  const host = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  recordRunning(path.join(storage, 'global', 'emulators'), {
    pid: emu.proc.pid!,
    ownerPid: host.pid!,
    http: emu.ready.http,
    httpPort: emu.ready.httpPort,
    smtpPort: emu.ready.smtpPort,
    token: emu.ready.token,
    accountId: 1,
    dataDir: emu.ready.dataDir,
    workspace: 'shop-backend',
  });
  return host;
}

const status = (http: string, token: string) => fetch(`${http}/emulator/status`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('several windows', { concurrency: false }, () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  test("a second window leaves the first window's emulator running and takes free ports, saying so", async () => {
    const storage = tempDir('mt-ext-');
    const first = await startEmulatorProcess(['--memory']);
    cleanup.push(() => first.stop());
    const host = otherWindow(storage, first);
    cleanup.push(() => host.kill());
    const h = await activateExtension({ 'mailtrapEmulator.httpPort': first.ready.httpPort, 'mailtrapEmulator.smtpPort': first.ready.smtpPort }, storage);
    try {
      await waitFor(running, 'this window\'s emulator');
      const { EmulatorController } = await import('../../../src/emulator/controller');
      const controller = h.context.subscriptions.find((d) => d instanceof EmulatorController) as InstanceType<typeof EmulatorController>;
      const mine = controller.ready!;
      assert.notEqual(mine.httpPort, first.ready.httpPort);
      assert.notEqual(mine.smtpPort, first.ready.smtpPort);
      assert.equal(statusText(), `$(mail) Mailtrap :${mine.httpPort} · SMTP ${mine.smtpPort}`);
      assert.match(String(fake.statusBarItems[0]!.tooltip), new RegExp(`HTTP port ${first.ready.httpPort} is used by the emulator of the VS Code window "shop-backend"`));
      const note = await waitFor(() => fake.shown.find((s) => /used by the emulator of the VS Code window "shop-backend"/.test(s.message)), 'the note');
      assert.match(note.message, new RegExp(`runs on HTTP :${mine.httpPort} and SMTP ${mine.smtpPort}`));
      // Both emulators answer, each with its own token.
      assert.equal(await status(first.ready.http, first.ready.token), 200);
      assert.equal(await status(mine.http, mine.token), 200);
      assert.equal(first.proc.exitCode, null, "the first window's emulator was not stopped");
      // This window's snippets name this window's emulator.
      fake.quickPicks.push((items: { label: string }[]) => items.find((i) => i.label.startsWith('.env')));
      await fake.commands.get('mailtrapEmulator.settings.copySnippet')!();
      assert.match(fake.clipboard, new RegExp(`MAILTRAP_API_URL=${mine.http}\\n`));
      assert.match(fake.clipboard, new RegExp(`SMTP_PORT=${mine.smtpPort}\\n`));
      await fake.commands.get('mailtrapEmulator.settings.copyToken')!();
      assert.equal(fake.clipboard, mine.token);
      // Its Restart restarts its own emulator only.
      await fake.commands.get('mailtrapEmulator.emulator.restart')!();
      await waitFor(running, 'the restart');
      assert.equal(await status(first.ready.http, first.ready.token), 200);
    } finally {
      await h.dispose();
    }
  });

  test('a window on the same data location uses the emulator already serving it, and takes over when it stops', async () => {
    const storage = tempDir('mt-ext-');
    const dataDir = path.join(storage, 'global', 'emulator-data');
    fs.mkdirSync(dataDir, { recursive: true });
    const first = await startEmulatorProcess(['--data', dataDir]);
    cleanup.push(() => first.stop());
    const host = otherWindow(storage, first);
    cleanup.push(() => host.kill());
    const h = await activateExtension({ 'mailtrapEmulator.dataLocation': 'global' }, storage);
    try {
      await waitFor(running, 'the shared emulator');
      assert.equal(statusText(), `$(mail) Mailtrap (shared) :${first.ready.httpPort} · SMTP ${first.ready.smtpPort}`);
      assert.match(String(fake.statusBarItems[0]!.tooltip), /the emulator of the VS Code window "shop-backend" \(same data location\), shared/);
      const { EmulatorController } = await import('../../../src/emulator/controller');
      const controller = h.context.subscriptions.find((d) => d instanceof EmulatorController) as InstanceType<typeof EmulatorController>;
      await controller.api!.createDomain('shared.test');
      // The other window closes: its emulator stops; this window starts its own on the same data.
      await first.stop();
      await waitFor(() => running() && controller.supervisor.pid !== undefined, 'this window to take over', 20_000);
      assert.equal(controller.ready!.dataDir, dataDir);
      assert.equal(controller.ready!.token, first.ready.token, 'the data location keeps its token');
      assert.deepEqual((await controller.api!.listDomains()).map((d) => d.domain_name), ['shared.test']);
      assert.match(statusText(), /^\$\(mail\) Mailtrap :\d+ · SMTP \d+$/);
    } finally {
      await h.dispose();
    }
  });
});
