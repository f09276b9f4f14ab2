/** The emulator under test: the built `dist/emulator.js` as a child process, and an API client. */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { EMULATOR_JS, spawnReady, type Spawned } from '../lib';

export interface EmulatorReady {
  http: string;
  httpPort: number;
  smtpPort: number;
  token: string;
}

/**
 * `js`: the build to run (another build's `dist/emulator.js` for an A/B). `MT_BENCH_EMULATOR_NODE_ARGS`
 * (space-separated) goes to node before it, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile
 * the emulators of a bench run (node refuses `--cpu-prof` in NODE_OPTIONS). For one side of an A/B
 * only, `js` may be `@` then node's flags and the build, space-separated
 * (`"@--max-semi-space-size=64 /tmp/b/emulator.js"`: a V8 flag against the same build without).
 */
export function startEmulator(extra: string[] = ['--memory'], js = EMULATOR_JS): Promise<Spawned<EmulatorReady>> {
  const nodeArgs = (process.env.MT_BENCH_EMULATOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return spawnReady<EmulatorReady>([...nodeArgs, ...(js.startsWith('@') ? js.slice(1).split(' ') : [js]), '--port', '0', '--smtp-port', '0', ...extra], { MT_EMULATOR_LOG_LEVEL: 'warn' });
}

export type Client = ReturnType<typeof client>;

export function client(ready: EmulatorReady, connections = 8) {
  const pool = new Pool(ready.http, { connections });
  const call = async (method: string, p: string, body?: unknown, contentType = 'application/json') => {
    const r = await pool.request({
      method: method as 'POST',
      path: p,
      headers: { authorization: `Bearer ${ready.token}`, 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.body.text();
    if (r.statusCode >= 300) throw new Error(`${method} ${p} → ${r.statusCode} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { call, close: () => pool.close() };
}

export const webhookFor = (url: string, eventTypes = ['delivery']) => ({
  webhook: { url, webhook_type: 'email_sending', sending_stream: 'transactional', event_types: eventTypes },
});

/** A Mailtrap `delivery` payload as the emulator would produce it. */
export const sampleEvent = (i: number) => ({
  event: 'delivery',
  message_id: randomUUID(),
  event_id: randomUUID(),
  timestamp: 1764150000 + i,
  email: `user${i}@example.net`,
  sending_stream: 'transactional',
  sending_domain_name: 'bench.test',
  category: 'bench',
  custom_variables: { user_id: String(i) },
});

/** `n` recipients by /api/batch (20 requests of 1,000), delivered: clock run forward until the receiver has them. */
export async function burst(c: Client, rx: { events: number; waitFor(n: number): Promise<void> }, from: number, n: number): Promise<void> {
  const base = { from: { email: 'bench@bench.test' }, subject: 'bench', text: 'hello' };
  for (let s = 0; s < n; s += 20_000) {
    const requests = Array.from({ length: Math.min(20, (n - s) / 1000) }, (_, q) => ({
      to: Array.from({ length: 1000 }, (_, k) => ({ email: `user${from + s + q * 1000 + k}@example.net` })),
    }));
    await c.call('POST', '/api/batch', JSON.stringify({ base, requests }));
    const target = rx.events + requests.length * 1000;
    for (let g = 0; rx.events < target && g < 400; g++) await c.call('POST', '/emulator/clock/advance', { seconds: 30 });
    await rx.waitFor(target);
  }
}
