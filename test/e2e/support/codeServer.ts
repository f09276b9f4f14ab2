/**
 * Runs a real VS Code (code-server, pinned, on Node 24 from the e2e cache) with its own user data
 * and extensions folders, in its own process group so that extension hosts die with it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Paths {
  node24: string;
  codeServerEntry: string;
}

export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  log: () => string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  paths: Paths;
  workspace: string;
  /** .vsix to install before starting. */
  vsix?: string;
  /** Extension-host test mode (`--vscode-option enable-smoke-test-driver`). */
  smokeDriver?: boolean;
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mt-vscode-'));
  const userDataDir = path.join(base, 'user-data');
  const extensionsDir = path.join(base, 'extensions');
  const xdg = path.join(base, 'xdg');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(xdg, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'update.mode': 'none',
        'workbench.tips.enabled': false,
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...opts.settings,
      },
      null,
      2,
    ),
  );
  const env = { ...process.env, XDG_CONFIG_HOME: xdg, ...opts.env };
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (opts.vsix) {
    execFileSync(opts.paths.node24, [opts.paths.codeServerEntry, ...common, '--install-extension', opts.vsix], { env, stdio: 'pipe' });
  }
  const port = await freePort();
  const args = [
    opts.paths.codeServerEntry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--reconnection-grace-time',
    '5',
    ...common,
    ...(opts.smokeDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    opts.workspace,
  ];
  let output = '';
  const proc: ChildProcess = spawn(opts.paths.node24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (output += c.toString()));

  /** SIGTERM to the whole group (server, extension hosts, the emulators they started), SIGKILL after 5 s. */
  async function stopGroup(): Promise<void> {
    if (proc.exitCode !== null || proc.pid === undefined) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-proc.pid!, signal);
      } catch {
        /* already gone */
      }
    };
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  async function stop(): Promise<void> {
    await stopGroup();
    fs.rmSync(base, { recursive: true, force: true }); // this run's user data, extensions and config
  }

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    let failure: string | undefined;
    if (proc.exitCode !== null) failure = `code-server exited with ${proc.exitCode}`;
    else if (Date.now() > deadline) failure = 'code-server did not answer /healthz within 30 s';
    if (failure) {
      await stop();
      throw new Error(`${failure}:\n${output}`);
    }
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, userDataDir, extensionsDir, workspace: opts.workspace, log: () => output, stop };
}
