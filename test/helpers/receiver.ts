/**
 * A real HTTP receiver on 127.0.0.1 (port 0) that records every request it gets and answers
 * from a script: a status, or hang (never answer), or reset (destroy the socket).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Answer = { status?: number; body?: string; headers?: Record<string, string>; hang?: boolean; reset?: boolean };
export type Script = (n: number, req: Received) => Answer;

export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  /** Resolves once `n` requests have arrived (real time, bounded by `ms`). */
  waitFor(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export const always = (status: number): Script => () => ({ status });
export const sequence = (...answers: Answer[]): Script => (n) => answers[Math.min(n, answers.length - 1)];

export async function startReceiver(script: Script = always(200)): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = requests.length;
      requests.push(r);
      waiters.splice(0).forEach((w) => w());
      const a = script(n, r);
      if (a.hang) return;
      if (a.reset) return req.socket.destroy();
      res.writeHead(a.status ?? 200, a.headers ?? { 'Content-Type': 'text/plain' });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    async waitFor(n, ms = 5000) {
      const deadline = Date.now() + ms;
      while (requests.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} requests, got ${requests.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
