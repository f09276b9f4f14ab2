/**
 * The emulators VS Code windows run, recorded one file each in the extension's global storage
 * (`emulators/<pid>.json`, mode 0600: it holds the token), which every window shares.
 *
 * - An emulator whose owner (the extension host that started it) is alive belongs to that window:
 *   it is never stopped from here. Its record tells another window which ports are taken and by
 *   whom, and lets a window on the same data directory use it instead of starting a second one.
 * - An emulator whose owner is gone (a crashed extension host) is an orphan: it keeps its ports, so
 *   the next start stops it, but only if it still answers with the recorded token (a process that
 *   reused the pid is never touched).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RunningRecord {
  /** The emulator's pid. */
  pid: number;
  /** The extension host that started it. */
  ownerPid: number;
  http: string;
  httpPort: number;
  smtpPort: number;
  token: string;
  accountId: number;
  dataDir: string | null;
  /** The owner window's workspace name, to tell the user whose emulator it is. */
  workspace: string;
  /** The ready line's web UI link (one-time), if recorded. */
  ui?: string;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const fileOf = (dir: string, pid: number) => path.join(dir, `${pid}.json`);

export function recordRunning(dir: string, r: RunningRecord): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = fileOf(dir, r.pid);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(r), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

export function clearRecord(dir: string, pid: number | undefined): void {
  if (pid !== undefined) fs.rmSync(fileOf(dir, pid), { force: true });
}

const valid = (r: Partial<RunningRecord>): r is RunningRecord =>
  Number.isInteger(r.pid) && Number.isInteger(r.ownerPid) && typeof r.http === 'string' && typeof r.token === 'string';

export function readRecords(dir: string): RunningRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const out: RunningRecord[] = [];
  for (const n of names) {
    try {
      const r = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as Partial<RunningRecord>;
      if (valid(r)) out.push(r);
      else fs.rmSync(path.join(dir, n), { force: true });
    } catch {
      /* half-written by another window right now, or unreadable: not ours to judge */
    }
  }
  return out;
}

/** Emulators of other windows that are alive now (their owner and the process both). */
export function otherWindowsEmulators(dir: string): RunningRecord[] {
  return readRecords(dir).filter((r) => r.ownerPid !== process.pid && alive(r.ownerPid) && alive(r.pid));
}

async function answers(r: RunningRecord): Promise<boolean> {
  try {
    const res = await fetch(`${r.http}/emulator/status`, { headers: { Authorization: `Bearer ${r.token}` }, signal: AbortSignal.timeout(2000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Stops every recorded emulator whose owner is gone and that still answers with its token; drops
 * records of processes that ended. Resolves with the pids it stopped.
 */
export async function reapOrphans(dir: string, log: (msg: string) => void): Promise<number[]> {
  const stopped: number[] = [];
  for (const r of readRecords(dir)) {
    if (r.ownerPid !== process.pid && alive(r.ownerPid)) continue; // another window's: never ours to stop
    if (!alive(r.pid)) {
      clearRecord(dir, r.pid);
      continue;
    }
    if (r.ownerPid === process.pid) continue; // this window's own, managed by its supervisor
    if (!(await answers(r))) {
      clearRecord(dir, r.pid);
      continue;
    }
    log(`stopping an emulator left running by a previous session (pid ${r.pid}, ${r.http})`);
    process.kill(r.pid, 'SIGTERM');
    for (let i = 0; i < 50 && alive(r.pid); i++) await new Promise((res) => setTimeout(res, 100));
    if (alive(r.pid)) process.kill(r.pid, 'SIGKILL');
    clearRecord(dir, r.pid);
    stopped.push(r.pid);
  }
  return stopped;
}
