/**
 * The extension's handle on the emulator: starts it from settings, owns the API and SSE clients
 * while it runs, turns failures into messages with Restart / Open Settings actions, and restarts
 * it when a relevant setting changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emulatorArgs, readSettings, RESTART_SETTINGS, SECTION, type EmulatorSettings } from '../settings';
import { EmulatorApi } from './apiClient';
import { clearRecord, reapOrphan, recordRunning } from './orphans';
import type { ReadyInfo } from './readyLine';
import { SseClient, type StreamMessage } from './sseClient';
import { EmulatorSupervisor, StartError, type EmulatorState } from './supervisor';

export interface ControllerPaths {
  /** Folder holding dist/emulator.js. */
  extensionPath: string;
  /** Workspace storage (undefined without a workspace). */
  workspaceStorage?: string;
  globalStorage: string;
}

export const ACTION_RESTART = 'Restart';
export const ACTION_SETTINGS = 'Open Settings';
export const ACTION_LOGS = 'Show Logs';

export class EmulatorController implements vscode.Disposable {
  readonly supervisor: EmulatorSupervisor;
  private _api: EmulatorApi | undefined;
  private sse: SseClient | undefined;
  private starting: Promise<ReadyInfo | undefined> | undefined;
  private _lastFailure: string | undefined;
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
        void vscode.commands.executeCommand('setContext', 'mailtrapEmulator.state', s);
        this.stateEmitter.fire(s);
      }),
      this.supervisor.onExit((e) => {
        this.closeClients();
        clearRecord(this.recordFile);
        if (e.unexpected) void this.reportFailure(`The Mailtrap emulator stopped unexpectedly${e.lastError ? `: ${e.lastError}` : ` (exit code ${e.code})`}.`);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (RESTART_SETTINGS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`)) && this.state !== 'stopped') {
          this.log.info('settings changed: restarting the emulator');
          void this.restart();
        }
      }),
    );
  }

  get state(): EmulatorState {
    return this.supervisor.state;
  }
  get ready(): ReadyInfo | undefined {
    return this.supervisor.ready;
  }
  /** The API client while running, else undefined. */
  get api(): EmulatorApi | undefined {
    return this.supervisor.ready ? this._api : undefined;
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
    if (this.supervisor.ready) return Promise.resolve(this.supervisor.ready);
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Where the running emulator is recorded, so a later session can stop it if this one dies. */
  private get recordFile(): string {
    return path.join(this.paths.globalStorage, 'running-emulator.json');
  }

  private async doStart(): Promise<ReadyInfo | undefined> {
    const s = this.settings();
    try {
      await reapOrphan(this.recordFile, (m) => this.log.warn(m));
      const ready = await this.supervisor.start({
        script: path.join(this.paths.extensionPath, 'dist', 'emulator.js'),
        args: emulatorArgs(s, this.dataDir(s)),
        execPath: process.execPath,
      });
      if (this.supervisor.pid) recordRunning(this.recordFile, { pid: this.supervisor.pid, http: ready.http, token: ready.token });
      this._api = new EmulatorApi(ready.http, ready.token, ready.accountId);
      this.sse = new SseClient({
        url: `${ready.http}/emulator/stream`,
        token: ready.token,
        onMessage: (m) => this.streamEmitter.fire(m),
        onInvalid: (ev, problems) => this.log.warn(`[stream] ignored "${ev.name}": ${problems.slice(0, 3).join('; ')}`),
        onError: (err) => this.supervisor.ready && this.log.trace(`[stream] ${err.message}`),
      });
      return ready;
    } catch (err) {
      void this.reportFailure(describeStartError(err, s));
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.closeClients();
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

  private async reportFailure(message: string): Promise<void> {
    this._lastFailure = message;
    this.stateEmitter.fire(this.state);
    const pick = await vscode.window.showErrorMessage(message, ACTION_RESTART, ACTION_SETTINGS, ACTION_LOGS);
    if (pick === ACTION_RESTART) await this.restart();
    else if (pick === ACTION_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
    else if (pick === ACTION_LOGS) this.log.show(true);
  }

  dispose(): void {
    this.closeClients();
    void this.supervisor.stop();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** A start failure in words a user can act on. */
export function describeStartError(err: unknown, s: EmulatorSettings): string {
  if (err instanceof StartError) {
    switch (err.kind) {
      case 'portInUse':
        return `The Mailtrap emulator could not start: ${err.message}. Another program (or another VS Code window) uses HTTP port ${s.httpPort} or SMTP port ${s.smtpPort}; change "mailtrapEmulator.httpPort" / "smtpPort" (0 picks a free port).`;
      case 'badOptions':
        return `The Mailtrap emulator rejected its settings: ${err.message}`;
      case 'timeout':
        return 'The Mailtrap emulator did not become ready within 15 seconds. See its log for details.';
      case 'badReadyLine':
        return `The Mailtrap emulator started but its ready line was invalid: ${err.message}`;
      default:
        return `The Mailtrap emulator exited during start-up: ${err.message}`;
    }
  }
  return `The Mailtrap emulator could not start: ${(err as Error)?.message ?? String(err)}`;
}
