/** Settings changes restart the emulator; deactivation stops it and leaves no process behind. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { alive, extensionExports, getJson, running, waitFor } from './support';

export function lifecycleSuite(): void {
  describe('emulator lifecycle', () => {
    it('changing a restart setting restarts the emulator with it', async () => {
      const x = await extensionExports();
      const before = await running(x);
      const cfg = vscode.workspace.getConfiguration('mailtrapEmulator');
      await cfg.update('timeScale', 60, vscode.ConfigurationTarget.Global);
      try {
        const after = await waitFor('a new emulator process', async () => {
          const r = x.controller.state === 'running' && x.controller.supervisor.pid !== before.pid && (await running(x));
          return r;
        });
        assert.ok(!alive(before.pid), 'the old process has exited');
        const status = await getJson<{ clock: { scale: number } }>(after.ready.http, after.ready.token, '/emulator/status');
        assert.equal(status.body.clock.scale, 60, 'the new emulator runs with the new time scale');
      } finally {
        const pid = x.controller.supervisor.pid;
        await cfg.update('timeScale', undefined, vscode.ConfigurationTarget.Global);
        await waitFor('the restart back to the default scale', async () => x.controller.supervisor.pid !== pid && (await running(x)));
      }
    });

    it('deactivation stops the emulator: no orphan process, its port closed', async () => {
      const x = await extensionExports();
      const { ready, pid } = await running(x);
      await x.deactivate();
      await waitFor(`emulator pid ${pid} to exit`, () => !alive(pid), 10_000);
      await assert.rejects(fetch(`${ready.http}/emulator/status`), 'nothing answers on its port any more');
    });
  });
}
