/**
 * SMTP ingest with nodemailer's pooled transport (5 connections, kept across rounds), against a
 * bare smtp-server that accepts and discards (`bench/baselines/bareSmtp.mjs`). Both servers set
 * TCP_NODELAY on accepted sockets, and the client's sockets are opened with it too: nodemailer
 * writes the message and its final `.` separately, and with Nagle on the second write waits for
 * the server's delayed ACK (~40 ms a message), which would hide any server cost in both figures.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import { spawnReady, tmpDir, type Spawned } from '../lib';
import { startEmulator } from './emulator';

export interface SmtpTarget {
  /** Messages/s for `n` messages. */
  send(n: number): Promise<number>;
  /** The server's process (for `settle`). */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

/** A pooled transport to the SMTP server `server` runs. */
function pooled(server: Spawned<unknown>, port: number, password: string): SmtpTarget {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 5,
    maxMessages: Infinity,
    auth: { user: 'api', pass: password },
    getSocket(_opts: unknown, cb: (err: Error | null, socket?: { connection: net.Socket }) => void) {
      const socket = net.connect(port, '127.0.0.1', () => cb(null, { connection: socket }));
      socket.setNoDelay(true);
      socket.once('error', (err) => cb(err));
    },
  } as import('nodemailer/lib/smtp-pool').Options);
  let sent = 0;
  return {
    pid: server.proc.pid,
    async send(n) {
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: n }, (_, i) => transport.sendMail({ from: 'bench@bench.test', to: `user${sent + i}@example.net`, subject: 'bench', text: 'hello' })),
      );
      sent += n;
      return n / ((performance.now() - t0) / 1000);
    },
    async close() {
      transport.close();
      await server.stop();
    },
  };
}

export async function bareSmtpServer(): Promise<SmtpTarget> {
  const s = await spawnReady<{ smtpPort: number }>([path.join(__dirname, '..', 'baselines', 'bareSmtp.mjs')]);
  return pooled(s, s.ready.smtpPort, 'x');
}

/** `js`: the build to run (another build's `dist/emulator.js` for an A/B). */
export async function emulatorSmtpServer(js?: string): Promise<SmtpTarget> {
  const s = await startEmulator(['--data', tmpDir()], js);
  return pooled(s, s.ready.smtpPort, s.ready.token);
}
