/**
 * Runs the bundled emulator as a child process (no `vscode` here, so it is tested against the real
 * dist/emulator.js). Contract: `start()` resolves with the validated ready line or rejects with a
 * StartError saying why (port in use, bad flags, crash, timeout); an exit after ready is reported
 * through `onExit` as a crash unless `stop()` asked for it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseReadyLine, type ReadyInfo } from './readyLine';

export type EmulatorState = 'stopped' | 'starting' | 'running' | 'stopping';
export type StartFailure = 'portInUse' | 'badOptions' | 'exited' | 'badReadyLine' | 'timeout';

export class StartError extends Error {
  /** For portInUse: which listener and port (from the emulator's "HTTP port N is already in use"). */
  readonly listener?: 'HTTP' | 'SMTP';
  readonly port?: number;
  constructor(readonly kind: StartFailure, message: string) {
    super(message);
    const m = /\b(HTTP|SMTP) port (\d+) is already in use/.exec(message);
    if (m) {
      this.listener = m[1] as 'HTTP' | 'SMTP';
      this.port = Number(m[2]);
    }
  }
}

/** The subset of a LogOutputChannel the supervisor writes to. */
export interface LogSink {
  trace(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface LaunchOptions {
  /** Path of dist/emulator.js. */
  script: string;
  args: string[];
  /** The Node binary: inside VS Code, its own executable run with ELECTRON_RUN_AS_NODE=1. */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export interface ExitInfo {
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the process ended without stop() asking. */
  unexpected: boolean;
  /** Last stderr lines, for the crash message. */
  lastError: string | null;
}

/** Forwards the emulator's JSON log lines with their level, tagged by component. */
export function forwardLogLine(line: string, log: LogSink): string | null {
  let o: { level?: string; component?: string; msg?: string } & Record<string, unknown>;
  try {
    o = JSON.parse(line);
  } catch {
    log.warn(line);
    return line.trim() || null;
  }
  const { time: _t, level, component, msg, ...rest } = o;
  const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
  const text = `[${component ?? 'emulator'}] ${msg ?? ''}${extra}`;
  if (level === 'error') log.error(text);
  else if (level === 'warn') log.warn(text);
  else if (level === 'debug' || level === 'trace') log.trace(text);
  else log.info(text);
  return level === 'error' ? String(o.error ?? msg ?? line) : null;
}

export class EmulatorSupervisor {
  private proc: ChildProcess | undefined;
  private _state: EmulatorState = 'stopped';
  private _ready: ReadyInfo | undefined;
  private stopRequested = false;
  private exited: Promise<void> = Promise.resolve();
  private readonly stateListeners = new Set<(s: EmulatorState) => void>();
  private readonly exitListeners = new Set<(e: ExitInfo) => void>();

  constructor(private readonly log: LogSink) {}

  get state(): EmulatorState {
    return this._state;
  }
  /** The ready line of the running process; undefined unless running. */
  get ready(): ReadyInfo | undefined {
    return this._state === 'running' ? this._ready : undefined;
  }
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  onDidChangeState(fn: (s: EmulatorState) => void): { dispose(): void } {
    this.stateListeners.add(fn);
    return { dispose: () => this.stateListeners.delete(fn) };
  }
  onExit(fn: (e: ExitInfo) => void): { dispose(): void } {
    this.exitListeners.add(fn);
    return { dispose: () => this.exitListeners.delete(fn) };
  }

  private setState(s: EmulatorState): void {
    if (s === this._state) return;
    this._state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  async start(opts: LaunchOptions): Promise<ReadyInfo> {
    if (this._state === 'running' && this._ready) return this._ready;
    if (this._state !== 'stopped') await this.stop();
    this.setState('starting');
    this.stopRequested = false;
    this.log.info(`starting emulator: ${opts.script} ${opts.args.join(' ')}`);
    const proc = spawn(opts.execPath ?? process.execPath, [opts.script, ...opts.args], {
      env: { ...process.env, ...opts.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.proc = proc;
    const errors: string[] = [];
    const stderrClosed = new Promise<void>((r) => proc.stderr!.once('close', () => r()));
    createInterface({ input: proc.stderr! }).on('line', (line) => {
      const err = forwardLogLine(line, this.log);
      if (err) errors.push(err);
      if (errors.length > 5) errors.shift();
    });
    let resolveExit!: () => void;
    this.exited = new Promise((r) => (resolveExit = r));
    const exitInfo = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      proc.once('error', (err) => {
        errors.push(err.message);
        resolve({ code: null, signal: null });
      });
      proc.once('exit', (code, signal) => resolve({ code, signal }));
    });

    const readyLine = new Promise<string>((resolve) => {
      const rl = createInterface({ input: proc.stdout! });
      rl.once('line', resolve);
      // Later stdout lines are not part of the contract; show them rather than lose them.
      rl.on('line', (l) => l && this._ready && this.log.info(`[stdout] ${l}`));
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ timeout: true }>((r) => (timer = setTimeout(() => r({ timeout: true }), opts.readyTimeoutMs ?? 15_000)));
    const first = await Promise.race([readyLine, exitInfo, timeout]);
    clearTimeout(timer);

    if (typeof first === 'string') {
      try {
        this._ready = parseReadyLine(first);
      } catch (err) {
        proc.kill('SIGKILL');
        await exitInfo;
        return this.failed(resolveExit, new StartError('badReadyLine', (err as Error).message));
      }
      this.log.info(`emulator ready at ${this._ready.http} (SMTP ${this._ready.smtpPort}, pid ${proc.pid})`);
      void exitInfo.then(({ code, signal }) => {
        const unexpected = !this.stopRequested;
        this.proc = undefined;
        this._ready = undefined;
        const lastError = errors.length ? errors[errors.length - 1]! : null;
        if (unexpected) this.log.error(`emulator exited unexpectedly (code ${code}, signal ${signal})${lastError ? `: ${lastError}` : ''}`);
        else this.log.info(`emulator stopped (code ${code})`);
        this.setState('stopped');
        resolveExit();
        for (const fn of this.exitListeners) fn({ pid: proc.pid, code, signal, unexpected, lastError });
      });
      this.setState('running');
      return this._ready;
    }
    if ('timeout' in first) {
      proc.kill('SIGKILL');
      await exitInfo;
      return this.failed(resolveExit, new StartError('timeout', 'the emulator did not report ready in time'));
    }
    // Exited before ready: let stderr drain so the reason is known.
    await Promise.race([stderrClosed, new Promise((r) => setTimeout(r, 1000))]);
    // The emulator says why twice (its JSON log line and its plain stderr line): once is enough.
    const reason = [...new Set(errors.map((e) => e.replace(/^mailtrap-emulator: /, '').trim()))].join('\n') || `exit code ${first.code}`;
    const kind: StartFailure = /already in use|EADDRINUSE/i.test(reason) ? 'portInUse' : first.code === 2 ? 'badOptions' : 'exited';
    return this.failed(resolveExit, new StartError(kind, reason));
  }

  private failed(resolveExit: () => void, err: StartError): never {
    this.proc = undefined;
    this._ready = undefined;
    this.log.error(`emulator failed to start: ${err.message}`);
    this.setState('stopped');
    resolveExit();
    throw err;
  }

  /** SIGTERM and wait (SIGKILL after `graceMs`); a no-op when stopped. */
  async stop(graceMs = 5000): Promise<void> {
    const proc = this.proc;
    if (!proc || this._state === 'stopped') return;
    this.stopRequested = true;
    this.setState('stopping');
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }
}
