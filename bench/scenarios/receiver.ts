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
  // express.json for `{"events":[…]}` bodies (what a typical consumer runs), text for JSON Lines.
  app.use(express.json({ limit: '50mb' }));
  app.use(express.text({ type: 'application/jsonl', limit: '50mb' }));
  app.post('/hook', (req, res) => {
    requests++;
    const body: unknown = req.body;
    if (typeof body === 'string') events += body.split('\n').filter(Boolean).length;
    else events += (body as { events?: unknown[] }).events?.length ?? 0;
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
