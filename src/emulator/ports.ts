/** Port helpers for the "port in use" recovery: a free port, and where to write the setting. */
import * as net from 'node:net';
import type * as vscode from 'vscode';

/** A port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Inspected {
  workspaceFolderValue?: unknown;
  workspaceValue?: unknown;
  globalValue?: unknown;
}

/**
 * Writes where the value the user sees comes from (a workspace value overrides the user's), so the
 * fix takes effect; with nothing set, this workspace's settings (else the user's).
 * Values of vscode.ConfigurationTarget: Global 1, Workspace 2.
 */
export function portTarget(i: Inspected | undefined, hasWorkspace: boolean): vscode.ConfigurationTarget {
  // A folder value is written as the workspace's (the folder of a single-folder window).
  if (i?.workspaceFolderValue !== undefined || i?.workspaceValue !== undefined) return 2;
  if (i?.globalValue !== undefined) return 1;
  return hasWorkspace ? 2 : 1;
}
