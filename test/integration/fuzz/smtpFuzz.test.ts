/**
 * Fuzzing the SMTP dialogue over raw sockets: random verbs, arguments, binary junk and over-long
 * lines. Every line gets a well-formed numeric reply (or the server closes the session with one),
 * and the listener keeps serving new, valid sessions.
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';

/** Sessions to run; smtp-server holds each greeting 100 ms (early-talker check), so they run 8 at a time. */
const SESSIONS = Math.max(64, Math.floor(Number(process.env.MT_FUZZ_RUNS ?? 10_000) / 20));
const PARALLEL = 8;
let emu: RunningEmulator;
let lines = 0;

before(async () => {
  emu = await startEmulatorProcess(['--memory']);
});
after(async () => {
  assert.equal(await emu.stop(), 0);
  console.log(`# fuzzed ${lines} SMTP command lines`);
});

/** Opens a session, sends each line and collects the replies; resolves when the server is done or closes. */
function session(port: number, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let received = '';
    sock.setTimeout(5000, () => {
      sock.destroy();
      reject(new Error(`session timed out; got:\n${received}`));
    });
    sock.on('data', (c) => (received += c.toString('latin1')));
    sock.on('error', () => resolve(received)); // a reset after a 5xx close is fine
    sock.on('close', () => resolve(received));
    sock.once('data', () => {
      for (const c of commands) sock.write(c + '\r\n');
      sock.end('QUIT\r\n'); // EOF too: a QUIT swallowed as an AUTH answer must not leave the session open
    });
  });
}

const verb = fc.constantFrom('HELO', 'EHLO', 'MAIL FROM:', 'RCPT TO:', 'DATA', 'RSET', 'NOOP', 'VRFY', 'EXPN', 'HELP', 'AUTH', 'AUTH PLAIN', 'AUTH LOGIN', 'AUTH CRAM-MD5', 'STARTTLS', 'BDAT', 'XCLIENT', 'ETRN', '');
const arg = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')),
  fc.constantFrom('<>', '<a@b.c>', '<api@x>', 'AGFwaQB3cm9uZw==', '=', '<' + 'a'.repeat(600) + '@x.test>', 'SIZE=99999999999'),
);
const line = fc.tuple(verb, arg).map(([v, a]) => `${v} ${a}`.replace(/[\r\n]/g, ' '));

describe('SMTP fuzzing', () => {
  it('answers every random command with a numeric reply and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(line, { minLength: 1, maxLength: 12 }), { minLength: PARALLEL, maxLength: PARALLEL }), async (sessions) => {
        await Promise.all(
          sessions.map(async (cmds) => {
            lines += cmds.length;
            const out = await session(emu.ready.smtpPort, cmds);
            const replies = out.split('\r\n').filter(Boolean);
            assert.ok(replies.length >= 1, 'at least the greeting');
            for (const r of replies) assert.match(r, /^\d{3}[ -]/, `malformed reply ${JSON.stringify(r)} to ${JSON.stringify(cmds)}`);
            assert.ok(!replies.some((r) => r.startsWith('250') && /queued as/.test(r)), 'nothing unauthenticated was accepted');
          }),
        );
      }),
      { numRuns: Math.ceil(SESSIONS / PARALLEL) },
    );
  });

  it('an over-long line and a wrong password are refused cleanly', async () => {
    const long = await session(emu.ready.smtpPort, ['EHLO x', 'NOOP ' + 'x'.repeat(100_000)]);
    assert.match(long, /^220 /);
    const auth = await session(emu.ready.smtpPort, ['EHLO x', 'AUTH PLAIN ' + Buffer.from('\0api\0wrong').toString('base64')]);
    assert.match(auth, /\r\n535 /);
    const ok = await session(emu.ready.smtpPort, ['EHLO x', 'AUTH PLAIN ' + Buffer.from(`\0api\0${emu.ready.token}`).toString('base64')]);
    assert.match(ok, /\r\n235 /);
  });
});
