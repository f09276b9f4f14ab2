/**
 * Sending throughput against the built emulator process, journaled (--data) as users run it.
 * Baseline in the same run: GET /emulator/status (HTTP + auth, no store write).
 * smtp-server waits a fixed 100 ms before its greeting (early-talker check), so a new connection
 * per message is bounded by that; pooled connections show the ingest cost.
 * Run: npm run build && node --import tsx bench/sending.bench.ts
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { api, startEmulatorProcess, tempDir } from '../test/helpers/emulatorProcess';

const mail = (to: { email: string }[]) => ({ from: { email: 'bench@bench.test' }, to, subject: 'Bench', text: 'body' });

async function time(label: string, n: number, fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(52)} ${ms.toFixed(0).padStart(6)} ms  ${(n / (ms / 1000)).toFixed(0).padStart(7)} /s`);
}

/** One connection, one command at a time, no client-side overhead: the server's own cost. */
function rawSmtp(port: number, token: string, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    const auth = Buffer.from('\0api\0' + token).toString('base64');
    const msg = ['MAIL FROM:<bench@bench.test>', 'RCPT TO:<raw@example.net>', 'DATA', 'From: bench@bench.test\r\nTo: raw@example.net\r\nSubject: Bench\r\n\r\nbody\r\n.'];
    const lines = ['EHLO bench', `AUTH PLAIN ${auth}`, ...Array.from({ length: n }, () => msg).flat(), 'QUIT'];
    let i = 0;
    sock.on('data', () => {
      if (i < lines.length) sock.write(lines[i++] + '\r\n');
    });
    sock.on('error', reject);
    sock.on('close', () => resolve());
  });
}

async function main() {
  const emu = await startEmulatorProcess(['--data', tempDir('mt-bench-')]);
  const call = api(emu.ready);
  await call('POST', '/api/send', mail([{ email: 'warm@example.net' }]));
  await time('baseline: 300 × GET /emulator/status', 300, async () => {
    for (let i = 0; i < 300; i++) await call('GET', '/emulator/status');
  });
  await time('300 × POST /api/send (1 recipient)', 300, async () => {
    for (let i = 0; i < 300; i++) await call('POST', '/api/send', mail([{ email: `u${i}@example.net` }]));
  });
  await time('1 × POST /api/send, 1000 recipients (messages)', 1000, () =>
    call('POST', '/api/send', mail(Array.from({ length: 1000 }, (_, i) => ({ email: `r${i}+click@example.net` })))),
  );
  await time('1 × POST /api/batch, 500 requests (messages)', 500, () =>
    call('POST', '/api/batch', { base: mail([]), requests: Array.from({ length: 500 }, (_, i) => ({ to: [{ email: `b${i}@example.net` }] })) }),
  );
  await time('advance 120 s: record the lifecycles above (events)', 300 + 3000 + 500, () => call('POST', '/emulator/clock/advance', { seconds: 120 }));
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: emu.ready.smtpPort, ignoreTLS: true, auth: { user: 'api', pass: emu.ready.token } });
  await time('100 × SMTP message (new connection each)', 100, async () => {
    for (let i = 0; i < 100; i++) await smtp.sendMail({ from: 'bench@bench.test', to: `s${i}@example.net`, subject: 'Bench', text: 'body' });
  });
  const pooled = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: emu.ready.smtpPort, ignoreTLS: true, maxConnections: 1, auth: { user: 'api', pass: emu.ready.token } } as import('nodemailer/lib/smtp-pool').Options);
  await time('300 × SMTP message (one pooled connection)', 300, async () => {
    for (let i = 0; i < 300; i++) await pooled.sendMail({ from: 'bench@bench.test', to: `p${i}@example.net`, subject: 'Bench', text: 'body' });
  });
  pooled.close();
  await time('300 × SMTP message, raw client on one connection', 300, () => rawSmtp(emu.ready.smtpPort, emu.ready.token, 300));
  await emu.stop();
}

void main();
