/**
 * An emulator left running by a crashed extension host keeps its ports, and the next start fails
 * with "port in use". The controller records the running emulator in a small file (mode 0600: it
 * holds the token) and, before starting, stops a recorded one that is still alive and still answers
 * with that token (so an unrelated process that reused the pid is never touched).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RunningRecord {
  pid: number;
  http: string;
  token: string;
}

export function recordRunning(file: string, r: RunningRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(r), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

export function clearRecord(file: string): void {
  fs.rmSync(file, { force: true });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Stops the recorded emulator if it is ours and still running; resolves with its pid if it did. */
export async function reapOrphan(file: string, log: (msg: string) => void): Promise<number | undefined> {
  let r: RunningRecord;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  clearRecord(file);
  if (!Number.isInteger(r.pid) || r.pid === process.pid || !alive(r.pid)) return undefined;
  try {
    const res = await fetch(`${r.http}/emulator/status`, { headers: { Authorization: `Bearer ${r.token}` }, signal: AbortSignal.timeout(2000) });
    if (res.status !== 200) return undefined;
  } catch {
    return undefined;
  }
  log(`stopping an emulator left running by a previous session (pid ${r.pid}, ${r.http})`);
  process.kill(r.pid, 'SIGTERM');
  for (let i = 0; i < 50 && alive(r.pid); i++) await new Promise((res) => setTimeout(res, 100));
  if (alive(r.pid)) process.kill(r.pid, 'SIGKILL');
  return r.pid;
}
