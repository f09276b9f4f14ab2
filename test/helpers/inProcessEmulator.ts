/** The emulator started in-process (`startEmulator`) on an in-memory store, with its logs captured. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { parseConfig } from '../../emulator/config';
import { createLogger } from '../../emulator/log';
import { startEmulator, type Emulator } from '../../emulator/server';
import { api } from './emulatorProcess';
import { startReceiver, type Receiver } from './receiver';

export interface TestEmulator {
  emu: Emulator;
  call: ReturnType<typeof api>;
  logs: string[];
  advance(seconds: number): Promise<void>;
  /** Creates an email-sending webhook; returns its wire object with the signing secret. */
  webhook(over: Record<string, unknown>): Promise<{ id: number; signing_secret: string; [k: string]: unknown }>;
  replay(body: unknown, query?: string): Promise<{ recorded: number; event_ids: string[] }>;
  close(): Promise<void>;
}

export async function startTestEmulator(args: string[] = []): Promise<TestEmulator> {
  const { config } = parseConfig(['--memory', '--port', '0', '--smtp-port', '0', '--token', 'test-token', ...args]);
  const logs: string[] = [];
  const emu = await startEmulator(config, createLogger('test', { level: 'debug', write: (l) => logs.push(l) }));
  const call = api(emu.ready);
  const ok = <T>(r: { status: number; text: string; json: any }): T => {
    if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
    return r.json as T;
  };
  return {
    emu,
    call,
    logs,
    async advance(seconds) {
      ok(await call('POST', '/emulator/clock/advance', { seconds }));
    },
    async webhook(over) {
      const body = { webhook_type: 'email_sending', sending_stream: 'transactional', event_types: ['delivery'], ...over };
      return ok<{ data: any }>(await call('POST', '/api/webhooks', { webhook: body })).data;
    },
    async replay(body, query = '') {
      const isText = typeof body === 'string';
      const r = await call('POST', `/emulator/replay${query}`, body, isText ? { 'Content-Type': 'application/jsonl' } : {});
      return ok<{ data: any }>(r).data;
    },
    close: () => emu.close(),
  };
}

/** A sample batch from `../shared/samples/`, copied into the repo (test input, not product). */
export function sharedSample(name: string): string {
  return fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'shared-samples', name), 'utf8');
}

/**
 * One in-process emulator shared by a test file, plus real receivers that are all closed after
 * it. Read `.t` inside tests; `receiver(...)` starts a receiver tracked for clean-up.
 */
export function useTestEmulator(args: string[] = []) {
  let t: TestEmulator | undefined;
  const receivers: Receiver[] = [];
  before(async () => {
    t = await startTestEmulator(args);
  });
  after(async () => {
    await t?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });
  return {
    get t(): TestEmulator {
      if (!t) throw new Error('the emulator is not started yet (use it inside a test)');
      return t;
    },
    async receiver(...receiverArgs: Parameters<typeof startReceiver>): Promise<Receiver> {
      const r = await startReceiver(...receiverArgs);
      receivers.push(r);
      return r;
    },
  };
}
