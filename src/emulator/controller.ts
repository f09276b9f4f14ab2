/**
 * The extension's handle on the emulator: starts it from settings, owns the API and SSE clients
 * while it runs, turns failures into messages with actions that help, and restarts it when a
 * relevant setting changes (also after a failed start, so fixing the setting is the fix).
 *
 * Several windows (README, "Several windows"): each window runs the emulator of its own data
 * location; a port another window's emulator holds is replaced by a free one (and the user told);
 * a window whose data location another window's emulator already serves uses that emulator
 * ("shared") instead of fighting over its data directory, and takes over when it goes away.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorArgs, readSettings, RESTART_SETTINGS, SECTION, type EmulatorSettings } from '../settings';
import { EmulatorApi } from './apiClient';
import { alive, clearRecord, otherWindowsEmulators, reapOrphans, recordRunning, type RunningRecord } from './orphans';
import { freePort, portTarget } from './ports';
import type { ReadyInfo } from './readyLine';
import { SseClient, type StreamMessage } from './sseClient';
import { EmulatorSupervisor, StartError, type EmulatorState } from './supervisor';

export interface ControllerPaths {
  /** Folder holding dist/emulator.js. */
  extensionPath: string;
  /** Workspace storage (undefined without a workspace). */
  workspaceStorage?: string;
  globalStorage: string;
  /** This window's workspace name, shown to other windows. */
  workspaceName?: string;
}

export const ACTION_RESTART = 'Restart';
export const ACTION_SETTINGS = 'Open Settings';
export const ACTION_OPEN_SETTING = 'Open Setting';
export const ACTION_FREE_PORT = 'Use a Free Port';
export const ACTION_LOGS = 'Show Logs';

/** Which emulator this window talks to, in words for the status bar and tree. */
export interface Ownership {
  /** Set when the emulator is another window's, used by this one too. */
  sharedWith?: string;
  /** Set when a configured port was taken by another window's emulator and a free one used. */
  portNote?: string;
}

export class EmulatorController implements vscode.Disposable {
  readonly supervisor: EmulatorSupervisor;
  private _api: EmulatorApi | undefined;
  private sse: SseClient | undefined;
  private starting: Promise<ReadyInfo | undefined> | undefined;
  private _lastFailure: string | undefined;
  private shared: { record: RunningRecord; ready: ReadyInfo } | undefined;
  private _ownership: Ownership = {};
  private readonly disposables: vscode.Disposable[] = [];
  private readonly stateEmitter = new vscode.EventEmitter<EmulatorState>();
  private readonly streamEmitter = new vscode.EventEmitter<StreamMessage>();
  /** Fires on every state change (starting, running, stopping, stopped). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Every event of the running emulator's stream, typed by its name (emulator/http/dto.ts StreamEventMap). */
  readonly onStream = this.streamEmitter.event;

  constructor(
    private readonly paths: ControllerPaths,
    readonly log: vscode.LogOutputChannel,
  ) {
    this.supervisor = new EmulatorSupervisor(log);
    this.disposables.push(
      this.stateEmitter,
      this.streamEmitter,
      this.supervisor.onDidChangeState((s) => {
        if (s === 'running') this._lastFailure = undefined;
        this.emitState();
      }),
      this.supervisor.onExit((e) => {
        this.closeClients();
        clearRecord(this.registry, e.pid);
        if (e.unexpected) void this.reportFailure(`The Mailtrap emulator stopped unexpectedly${e.lastError ? `: ${e.lastError}` : ` (exit code ${e.code})`}.`, [ACTION_RESTART, ACTION_SETTINGS, ACTION_LOGS]);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!RESTART_SETTINGS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) return;
        // A failed start waits for its fix: the changed setting is it.
        if (this.state !== 'stopped' || this._lastFailure) {
          this.log.info('settings changed: restarting the emulator');
          void this.restart();
        }
      }),
    );
  }

  private emitState(): void {
    void vscode.commands.executeCommand('setContext', 'mailtrapEmulator.state', this.state);
    this.stateEmitter.fire(this.state);
  }

  get state(): EmulatorState {
    return this.shared ? 'running' : this.supervisor.state;
  }
  get ready(): ReadyInfo | undefined {
    return this.shared?.ready ?? this.supervisor.ready;
  }
  /** The API client while running, else undefined. */
  get api(): EmulatorApi | undefined {
    return this.ready ? this._api : undefined;
  }
  /** Whose emulator this window talks to (its own unless shared) and why its ports differ. */
  get ownership(): Ownership {
    return this._ownership;
  }

  settings(): EmulatorSettings {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    return readSettings((key, fallback) => cfg.get(key, fallback));
  }

  /** The data dir for the `dataLocation` setting (created), or null for memory. */
  dataDir(s: EmulatorSettings): string | null {
    if (s.dataLocation === 'memory') return null;
    const base = s.dataLocation === 'workspace' && this.paths.workspaceStorage ? this.paths.workspaceStorage : this.paths.globalStorage;
    const dir = path.join(base, 'emulator-data');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Starts (or returns the running emulator); failures are shown to the user and resolve undefined. */
  start(): Promise<ReadyInfo | undefined> {
    if (this.ready) return Promise.resolve(this.ready);
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Where the windows record their running emulators (global storage: shared by all windows). */
  get registry(): string {
    return path.join(this.paths.globalStorage, 'emulators');
  }

  private async doStart(): Promise<ReadyInfo | undefined> {
    const s = this.settings();
    try {
      await reapOrphans(this.registry, (m) => this.log.warn(m));
      const dataDir = this.dataDir(s);
      const others = otherWindowsEmulators(this.registry);
      const same = dataDir ? others.find((r) => r.dataDir === dataDir) : undefined;
      if (same) return this.share(same);
      return await this.launch(s, dataDir, others, true);
    } catch (err) {
      const failure = describeStartError(err, s);
      void this.reportFailure(failure.message, failure.actions, err);
      return undefined;
    }
  }

  /** Starts our own emulator; a configured port held by another window's emulator becomes a free one. */
  private async launch(s: EmulatorSettings, dataDir: string | null, others: RunningRecord[], retry: boolean): Promise<ReadyInfo> {
    const notes: string[] = [];
    let { httpPort, smtpPort } = s;
    const httpOwner = httpPort ? others.find((r) => r.httpPort === httpPort) : undefined;
    const smtpOwner = smtpPort ? others.find((r) => r.smtpPort === smtpPort) : undefined;
    if (httpOwner) {
      notes.push(`HTTP port ${httpPort} is used by the emulator of the VS Code window "${httpOwner.workspace}"`);
      httpPort = 0;
    }
    if (smtpOwner) {
      notes.push(`SMTP port ${smtpPort} is used by the emulator of the VS Code window "${smtpOwner.workspace}"`);
      smtpPort = 0;
    }
    let ready: ReadyInfo;
    try {
      ready = await this.supervisor.start({
        script: path.join(this.paths.extensionPath, 'dist', 'emulator.js'),
        args: emulatorArgs({ ...s, httpPort, smtpPort }, dataDir),
        execPath: process.execPath,
      });
    } catch (err) {
      // Two windows starting at once: the other one won the port a moment ago. Once more, knowing that.
      if (retry && err instanceof StartError && err.kind === 'portInUse') {
        const now = otherWindowsEmulators(this.registry);
        if (now.some((r) => r.httpPort === httpPort || r.smtpPort === smtpPort)) return this.launch(s, dataDir, now, false);
      }
      throw err;
    }
    const pid = this.supervisor.pid;
    if (pid) {
      recordRunning(this.registry, {
        pid,
        ownerPid: process.pid,
        http: ready.http,
        httpPort: ready.httpPort,
        smtpPort: ready.smtpPort,
        token: ready.token,
        accountId: ready.accountId,
        dataDir: ready.dataDir,
        workspace: this.paths.workspaceName ?? 'no folder',
      });
    }
    this._ownership = notes.length ? { portNote: `${notes.join('; ')}.` } : {};
    this.connect(ready);
    this.emitState();
    if (notes.length) {
      void vscode.window.showInformationMessage(
        `${notes.join('; ')}, so this window's emulator runs on HTTP :${ready.httpPort} and SMTP ${ready.smtpPort}. ` +
          'Apps for this workspace need these ports and this window\'s token ("Copy SMTP / API Settings", "Copy API Token").',
      );
    }
    return ready;
  }

  /** Uses another window's emulator of the same data location (its data, token and ports). */
  private share(r: RunningRecord): ReadyInfo {
    // The web UI link of the ready line worked once, for its owner; this window asks for fresh ones (Open in Browser).
    const ready: ReadyInfo = Object.freeze({ ready: true, http: r.http, httpPort: r.httpPort, smtpPort: r.smtpPort, token: r.token, accountId: r.accountId ?? 1, dataDir: r.dataDir, ui: `${r.http}/` });
    this.shared = { record: r, ready };
    this._ownership = { sharedWith: r.workspace };
    this._lastFailure = undefined;
    this.log.info(`using the emulator of the VS Code window "${r.workspace}" (pid ${r.pid}, ${r.http}): it serves the same data location`);
    this.connect(ready);
    this.emitState();
    return ready;
  }

  /** The shared emulator went away (its window closed): this window starts its own on the same data. */
  private sharedLost(): void {
    const s = this.shared;
    if (!s || alive(s.record.pid)) return;
    this.log.info(`the emulator of the VS Code window "${s.record.workspace}" stopped; starting this window's own`);
    this.shared = undefined;
    this._ownership = {};
    this.closeClients();
    this.emitState();
    void this.start();
  }

  private connect(ready: ReadyInfo): void {
    this.closeClients();
    this._api = new EmulatorApi(ready.http, ready.token, ready.accountId);
    this.sse = new SseClient({
      url: `${ready.http}/emulator/stream`,
      token: ready.token,
      onMessage: (m) => this.streamEmitter.fire(m),
      onInvalid: (ev, problems) => this.log.warn(`[stream] ignored "${ev.name}": ${problems.slice(0, 3).join('; ')}`),
      onStatus: (connected) => !connected && this.sharedLost(),
      onError: (err) => {
        if (this.ready) this.log.trace(`[stream] ${err.message}`);
        this.sharedLost();
      },
    });
  }

  async stop(): Promise<void> {
    this.closeClients();
    if (this.shared) {
      // Another window's emulator: this window lets go of it; it keeps running there.
      const { record } = this.shared;
      this.shared = undefined;
      this._ownership = {};
      this.emitState();
      this.log.info(`stopped using the emulator of the VS Code window "${record.workspace}"; it keeps running there`);
      return;
    }
    await this.supervisor.stop();
  }

  async restart(): Promise<ReadyInfo | undefined> {
    await this.stop();
    return this.start();
  }

  /** The API, starting the emulator first if needed; undefined if it cannot start. */
  async ensureApi(): Promise<EmulatorApi | undefined> {
    if (this.api) return this.api;
    return (await this.start()) ? this._api : undefined;
  }

  private closeClients(): void {
    this.sse?.dispose();
    this.sse = undefined;
  }

  /** Why the emulator last failed to start or died; cleared when it runs again. */
  get lastFailure(): string | undefined {
    return this._lastFailure;
  }

  private async reportFailure(message: string, actions: string[], err?: unknown): Promise<void> {
    this._lastFailure = message;
    this.stateEmitter.fire(this.state);
    const pick = await vscode.window.showErrorMessage(message, ...actions);
    if (pick === ACTION_RESTART) await this.restart();
    else if (pick === ACTION_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
    else if (pick === ACTION_OPEN_SETTING) await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.${portSetting(err)}`);
    else if (pick === ACTION_FREE_PORT) await this.useFreePort(portSetting(err));
    else if (pick === ACTION_LOGS) this.log.show(true);
  }

  /** Writes a free port into the setting (where it is set, else this workspace); the change restarts the emulator. */
  private async useFreePort(key: 'httpPort' | 'smtpPort'): Promise<void> {
    const port = await freePort();
    const cfg = vscode.workspace.getConfiguration(SECTION);
    await cfg.update(key, port, portTarget(cfg.inspect(key), !!vscode.workspace.workspaceFolders?.length));
    this.log.info(`${key} set to the free port ${port}`);
  }

  dispose(): void {
    this.closeClients();
    this.shared = undefined;
    void this.supervisor.stop();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function portSetting(err: unknown): 'httpPort' | 'smtpPort' {
  return err instanceof StartError && err.listener === 'SMTP' ? 'smtpPort' : 'httpPort';
}

/** A start failure in words a user can act on, with the actions that help with it. */
export function describeStartError(err: unknown, s: EmulatorSettings): { message: string; actions: string[] } {
  const general = [ACTION_RESTART, ACTION_SETTINGS, ACTION_LOGS];
  if (err instanceof StartError) {
    switch (err.kind) {
      case 'portInUse': {
        // Restart would only fail again: offer a free port, or the one setting to change.
        const key = portSetting(err);
        const which = err.listener ?? 'HTTP';
        const port = err.port ?? (key === 'smtpPort' ? s.smtpPort : s.httpPort);
        return {
          message: `The Mailtrap emulator could not start: ${which} port ${port} is already in use by another program. Pick a free port, or change "${SECTION}.${key}"; the emulator starts as soon as the setting changes.`,
          actions: [ACTION_FREE_PORT, ACTION_OPEN_SETTING, ACTION_LOGS],
        };
      }
      case 'badOptions':
        return { message: `The Mailtrap emulator rejected its settings: ${err.message}`, actions: [ACTION_SETTINGS, ACTION_LOGS] };
      case 'timeout':
        return { message: 'The Mailtrap emulator did not become ready within 15 seconds. See its log for details.', actions: general };
      case 'badReadyLine':
        return { message: `The Mailtrap emulator started but its ready line was invalid: ${err.message}`, actions: general };
      default:
        return { message: `The Mailtrap emulator exited during start-up: ${err.message}`, actions: general };
    }
  }
  return { message: `The Mailtrap emulator could not start: ${(err as Error)?.message ?? String(err)}`, actions: general };
}
