/** Activation and the supervised emulator: what a user gets on start-up with autoStart on. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, alive, extensionExports, getJson, running } from './support';

export function activationSuite(): void {
  describe('activation', () => {
    it('activates on start-up and exports its handle', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, 'the extension is installed in the host');
      const x = await extensionExports();
      assert.ok(ext.isActive);
      assert.ok(x.controller && x.tree);
    });

    it('the supervisor starts the bundled emulator, which answers with its token', async () => {
      const x = await extensionExports();
      const { ready, pid } = await running(x);
      assert.ok(alive(pid), `emulator pid ${pid} is alive`);
      assert.notEqual(pid, process.pid, 'the emulator is its own process, not the extension host');
      const status = await getJson<{ httpPort: number; smtpPort: number; clock: { now: number } }>(ready.http, ready.token, '/emulator/status');
      assert.equal(status.status, 200);
      assert.equal(status.body.httpPort, ready.httpPort);
      assert.equal(status.body.smtpPort, ready.smtpPort);
      const anonymous = await fetch(`${ready.http}/emulator/status`);
      assert.equal(anonymous.status, 401, 'the emulator API needs the token');
    });

    it('binds the emulator to 127.0.0.1 only, on the ports from the settings (0: free ones)', async () => {
      const x = await extensionExports();
      const { ready } = await running(x);
      assert.match(ready.http, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(x.controller.settings().httpPort, 0, 'the test settings reached the extension');
      assert.ok(ready.httpPort > 0 && ready.smtpPort > 0 && ready.httpPort !== ready.smtpPort);
    });
  });
}
