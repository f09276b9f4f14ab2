/**
 * Webhook endpoints that misbehave at the socket level, on 127.0.0.1 port 0: they read the whole
 * request, then hang, drip, reset, talk garbage, send a huge body, redirect; `refusing()` gives a
 * port where nobody listens. Each counts the requests it got.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface Hostile {
  name: string;
  url: string;
  requests: number;
  close(): Promise<void>;
}

type Behaviour = (socket: net.Socket, timers: Set<NodeJS.Timeout>) => void;

/** Waits for the end of one HTTP request (headers + Content-Length body), then calls `then`. */
function onRequest(socket: net.Socket, then: () => void): void {
  let buf = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const m = /content-length:\s*(\d+)/i.exec(buf.toString('latin1', 0, end));
    if (buf.length - end - 4 < Number(m?.[1] ?? 0)) return;
    socket.off('data', onData);
    then();
  };
  socket.on('data', onData);
}

async function hostile(name: string, behaviour: Behaviour): Promise<Hostile> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const h = { name, url: '', requests: 0 } as Hostile;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onRequest(socket, () => {
      h.requests++;
      behaviour(socket, timers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  h.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/${name}`;
  h.close = () =>
    new Promise<void>((resolve) => {
      timers.forEach((t) => clearInterval(t));
      sockets.forEach((s) => s.destroy());
      server.close(() => resolve());
    });
  return h;
}

const BIG = 10 * 1024 * 1024;

export const hostiles = {
  /** Reads the request, never answers. */
  hang: () => hostile('hang', () => undefined),
  /** A valid 200 response, one byte a second: it would take a minute and more. */
  drip: () =>
    hostile('drip', (socket, timers) => {
      const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 40\r\n\r\n' + 'x'.repeat(40));
      let i = 0;
      const t = setInterval(() => {
        if (i >= response.length || socket.destroyed) return clearInterval(t);
        socket.write(response.subarray(i, ++i));
      }, 1000);
      timers.add(t);
    }),
  /** 200 and the start of the body, then a TCP reset. */
  resetMidBody: () =>
    hostile('reset', (socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\npartial', () => socket.resetAndDestroy());
    }),
  /** Not HTTP at all. */
  garbage: () =>
    hostile('garbage', (socket) => {
      socket.end(Buffer.from('\x00\xff\x13 this is not http \r\n\r\n\x7f'.repeat(50), 'latin1'));
    }),
  /** A 500 with a 10 MB body (written as fast as the emulator reads). */
  hugeBody: () =>
    hostile('huge', (socket) => {
      socket.write(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: ${BIG}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let sent = 0;
      const pump = () => {
        while (sent < BIG && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) return socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    }),
  /** A redirect to `location`, which must not be followed. */
  redirect: (location: string) =>
    hostile('redirect', (socket) => {
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`);
    }),
};

/** A URL on a port that was just free: connections are refused. */
export async function refusing(): Promise<{ name: string; url: string }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { name: 'refuse', url: `http://127.0.0.1:${port}/refuse` };
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}
