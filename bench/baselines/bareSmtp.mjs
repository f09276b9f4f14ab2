// Baseline for SMTP ingest: smtp-server that accepts any login and discards the message.
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authMethods: ['PLAIN', 'LOGIN'],
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  disableReverseLookup: true,
  onAuth: (_a, _s, cb) => cb(null, { user: 'api' }),
  onData(stream, _s, cb) {
    stream.on('data', () => {});
    stream.on('end', () => cb(null, 'Ok'));
  },
});
// As the emulator does: replies are small writes, Nagle plus delayed ACK would add ~40 ms each.
server.server.on('connection', (socket) => socket.setNoDelay(true));
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, smtpPort: server.server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
