/** The emulator's ready line (SPEC §1): the first stdout line, one JSON object. Parsed and validated here. */
import type { ReadyInfo } from '../../emulator/http/dto';

export type { ReadyInfo };

export class ReadyLineError extends Error {}

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) <= 65535;

/** Throws ReadyLineError with a reason a user can act on; never returns a half-valid object. */
export function parseReadyLine(line: string): ReadyInfo {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new ReadyLineError(`the emulator's first output line is not JSON: ${line.slice(0, 200)}`);
  }
  const o = v as Record<string, unknown>;
  if (!o || typeof o !== 'object' || o.ready !== true) throw new ReadyLineError('the ready line lacks "ready": true');
  if (typeof o.http !== 'string' || !/^http:\/\/[^/]+$/.test(o.http)) throw new ReadyLineError('the ready line has no valid "http" URL');
  if (!isPort(o.httpPort) || !isPort(o.smtpPort)) throw new ReadyLineError('the ready line has invalid ports');
  if (typeof o.token !== 'string' || !o.token) throw new ReadyLineError('the ready line has no token');
  if (!Number.isInteger(o.accountId)) throw new ReadyLineError('the ready line has no account id');
  if (o.dataDir !== null && typeof o.dataDir !== 'string') throw new ReadyLineError('the ready line has an invalid data dir');
  return Object.freeze({
    ready: true,
    http: o.http,
    httpPort: o.httpPort,
    smtpPort: o.smtpPort,
    token: o.token,
    accountId: o.accountId as number,
    dataDir: (o.dataDir as string | null) ?? null,
    // The web UI's first login link (one-time); Open in Browser mints a fresh one anyway.
    ui: typeof o.ui === 'string' && o.ui.startsWith(`${o.http}/`) ? o.ui : '',
  });
}
