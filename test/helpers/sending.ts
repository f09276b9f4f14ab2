/** Small helpers for sending tests against the real emulator process. */
import type { api } from './emulatorProcess';

type Call = ReturnType<typeof api>;

export async function advance(call: Call, seconds: number): Promise<void> {
  const r = await call('POST', '/emulator/clock/advance', { seconds });
  if (r.status !== 200) throw new Error(`advance failed: ${r.status} ${r.text}`);
}

/** The events recorded for a message, oldest first. */
export async function eventsOf(call: Call, messageId: string): Promise<any[]> {
  const r = await call('GET', `/emulator/events?message_id=${encodeURIComponent(messageId)}&limit=500`);
  if (r.status !== 200) throw new Error(`events failed: ${r.status} ${r.text}`);
  return r.json.data.map((e: any) => e.payload).reverse();
}

export async function send(call: Call, body: unknown, path = '/api/send') {
  return call('POST', path, body);
}

export const mail = (over: Record<string, unknown> = {}) => ({
  from: { email: 'app@shop.test', name: 'Shop' },
  to: [{ email: 'ann@example.net' }],
  subject: 'Hello',
  text: 'Hi there',
  ...over,
});
