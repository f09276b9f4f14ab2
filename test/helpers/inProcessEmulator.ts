/** The emulator started in-process (`startEmulator`) on an in-memory store, with its logs captured. */
import { parseConfig } from '../../emulator/config';
import { createLogger } from '../../emulator/log';
import { startEmulator, type Emulator } from '../../emulator/server';
import { api } from './emulatorProcess';

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
