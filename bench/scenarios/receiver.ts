/** The webhook receiver both delivery sides post to: a local express app answering 200. */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingReceiver {
  url: string;
  readonly events: number;
  readonly requests: number;
  /** Resolves once `n` events in total have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

/** Counts the events of every POST (`{"events":[…]}` or JSON Lines) and answers `status`. */
export async function countingReceiver(status = 200): Promise<CountingReceiver> {
  let events = 0;
  let requests = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const app = express();
  app.use(express.text({ type: () => true, limit: '50mb' }));
  app.post('/hook', (req, res) => {
    requests++;
    const body = String(req.body ?? '');
    try {
      events += (JSON.parse(body) as { events: unknown[] }).events.length;
    } catch {
      events += body.split('\n').filter(Boolean).length;
    }
    res.status(status).json({ ok: status === 200 });
    for (const w of waiters.splice(0)) (events >= w.n ? w.resolve() : waiters.push(w));
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get events() {
      return events;
    },
    get requests() {
      return requests;
    },
    waitFor: (n) => new Promise<void>((resolve) => (events >= n ? resolve() : waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
