/**
 * The SMTP adapter: smtp-server with AUTH PLAIN/LOGIN (user `api`, password the token).
 * It knows only callbacks; what happens to a message is the core's ingest path (`onMessage`).
 */
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { Logger } from '../core/ports';
import { tokenMatches } from '../token';

export interface SmtpMessage {
  raw: Buffer;
  envelopeFrom: string | null;
  envelopeTo: string[];
}

export interface SmtpDeps {
  token: string;
  log: Logger;
  /** Largest accepted message in bytes (552 beyond it). */
  sizeLimit?: number;
  /**
   * Ingest a message; resolve with the text after "250 " (e.g. `2.0.0 Ok: queued as <id>`), or
   * reject with an Error carrying `responseCode` (5xx) for a clear refusal.
   */
  onMessage?: (msg: SmtpMessage) => Promise<string>;
  /** MAIL FROM: the text after "550 " to refuse the sender, or null to accept. */
  checkSender?: (address: string) => string | null;
}

export const MAX_SMTP_RECIPIENTS = 1000;

/**
 * No TLS on this port (plain, STARTTLS disabled, as below): smtp-server still builds a TLS context
 * from its built-in certificate when constructed, only ever used to upgrade a connection, ~8 ms of
 * every start-up (OpenSSL loading the key and certificate). Here it builds none.
 */
class PlainSmtpServer extends SMTPServer {
  override updateSecureContext(): void {
    (this as unknown as { secureContext: Map<string, unknown> }).secureContext = new Map();
  }
}

export function createSmtpServer(deps: SmtpDeps): SMTPServer {
  const sizeLimit = deps.sizeLimit ?? 30 * 1024 * 1024;
  const options: SMTPServerOptions = {
    name: 'mailtrap-emulator',
    banner: 'Mailtrap emulator ESMTP',
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    size: sizeLimit,
    logger: false,
    // A reverse DNS lookup per connection adds ~100 ms on a closed network and tells us nothing.
    disableReverseLookup: true,
    // On stop, idle or slow sessions get a second, not smtp-server's default 30 s: nothing they have not
    // had a 250 for is acknowledged, so cutting them loses nothing (SIGTERM must exit promptly).
    closeTimeout: 1000,
    onAuth(auth, _session, cb) {
      if (auth.username === 'api' && typeof auth.password === 'string' && tokenMatches(auth.password, deps.token)) {
        return cb(null, { user: 'api' });
      }
      const err = Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 });
      cb(err);
    },
    // The Send API takes at most 1000 addresses a field; one SMTP message gets a like bound, so a
    // single DATA cannot make unbounded messages. Later RCPTs get a temporary 452, as RFC 5321 asks.
    onMailFrom(address, _session, cb) {
      const refusal = deps.checkSender?.(address.address);
      if (refusal) return cb(Object.assign(new Error(refusal), { responseCode: 550 }));
      cb();
    },
    onRcptTo(_address, session, cb) {
      if (session.envelope.rcptTo.length >= MAX_SMTP_RECIPIENTS) {
        return cb(Object.assign(new Error(`4.5.3 Too many recipients (at most ${MAX_SMTP_RECIPIENTS} a message)`), { responseCode: 452 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => cb(err));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return cb(Object.assign(new Error(`5.3.4 Message exceeds the size limit of ${sizeLimit} bytes`), { responseCode: 552 }));
        }
        if (!deps.onMessage) {
          return cb(Object.assign(new Error('4.3.0 Sending is not available'), { responseCode: 451 }));
        }
        const msg: SmtpMessage = {
          raw: Buffer.concat(chunks),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
        };
        deps.onMessage(msg).then(
          (reply) => cb(null, reply),
          (err: Error & { responseCode?: number }) => {
            if (!err.responseCode) deps.log.error('smtp ingest failed', { error: String(err) });
            cb(Object.assign(new Error(err.responseCode ? err.message : '4.3.0 Temporary failure, try again'), { responseCode: err.responseCode ?? 451 }));
          },
        );
      });
    },
  };
  const server: SMTPServer = new PlainSmtpServer(options);
  // Replies are small writes; without this, Nagle plus the client's delayed ACK adds ~40 ms a command.
  server.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
  server.on('error', (err) => deps.log.warn('smtp connection error', { error: String(err) }));
  return server;
}
