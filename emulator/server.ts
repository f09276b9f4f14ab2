/**
 * Composition root: config → store → core → adapters. `main.ts` wraps it as the CLI; tests and
 * benchmarks may start it in-process the same way.
 */
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import * as path from 'node:path';
import type { SMTPServer } from 'smtp-server';
import { assembleServices } from './assembly';
import type { Config } from './config';
import type { Core } from './core';
import { VirtualClock, type RealTime } from './core/clock';
import { followOwnSink, isOwnSinkUrl, rememberOrigin } from './core/ownSink';
import { displayUrl } from './core/urls';
import type { Logger } from './core/ports';
import type { Sending } from './core/sending';
import { createApp, DEFAULT_BODY_LIMIT_BYTES } from './http/app';
import { ReplayLines } from './http/replayLines';
import { withFastSend } from './http/fastSend';
import type { ReadyInfo } from './http/dto';
import { SinkRegistry } from './http/sinks';
import { checkEndpoint } from './outbound/endpointCheck';
import { SampleFiles, WebAssets } from './http/webAssets';
import { WebSessions } from './http/webSession';
import { UndiciWebhookSender } from './outbound/webhookSender';
import { cryptoRandom } from './random';
import { realTime } from './realTime';
import { smtpIngest, smtpSenderCheck } from './smtp/smtpIngest';
import { createSmtpServer } from './smtp/smtpServer';
import { lockDataDir } from './store/dataDirLock';
import { SqlClockState } from './store/clockState';
import { loadOwnOrigins, saveOwnOrigins } from './store/ownOrigins';
import { Store } from './store/database';
import { EmailLogService } from './core/logs/emailLogService';
import { SqlEmailLogRepository } from './store/emailLogRepository';

export const ACCOUNT_ID = 1;

export type { ReadyInfo };

export interface Emulator {
  readonly ready: ReadyInfo;
  readonly core: Core;
  readonly store: Store;
  readonly sending: Sending;
  readonly emailLogs: EmailLogService;
  close(): Promise<void>;
}

/** The token given, or the one kept in the data dir, or a new one written there (mode 0600). */
function resolveToken(config: Config): string {
  if (config.token) return config.token;
  if (!config.dataDir) return cryptoRandom.hex(16);
  const file = path.join(config.dataDir, 'token');
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t) return t;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = cryptoRandom.hex(16);
  fs.writeFileSync(`${file}.tmp`, token + '\n', { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
  return token;
}

function listen(server: Server | SMTPServer, port: number, host: string): Promise<number> {
  const net: NetServer = (server as SMTPServer).server ?? (server as Server);
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    net.once('error', onError);
    server.listen(port, host, () => {
      net.removeListener('error', onError);
      resolve((net.address() as AddressInfo).port);
    });
  });
}

/**
 * Built-in-sink webhooks follow the emulator to its new port (before any delivery runs, so
 * nothing goes to the old one). See core/ownSink.ts for why the URL is rewritten. The origins the
 * emulator listened on are remembered only when a webhook points at its sink (at start, or when
 * one is created or changed): nothing is written for a store without such webhooks.
 */
function followOwnSinks(store: Store, core: Core, current: string, log: Logger): void {
  let past: string[] = [];
  try {
    past = loadOwnOrigins(store);
  } catch {
    /* unreadable history: nothing to follow */
  }
  const remember = () => {
    if (past.at(-1) === current) return;
    past = rememberOrigin(past, current);
    saveOwnOrigins(store, past);
  };
  const pointsHere = (url: string) => isOwnSinkUrl(url, current);
  const moved = core.webhooks.list().flatMap((w) => {
    const next = followOwnSink(w.url, past, current);
    return next ? [{ id: w.id, url: next }] : [];
  });
  // Remembered before the rewrite: a crash between the two leaves a history that still finds the old URLs.
  if (moved.length || core.webhooks.list().some((w) => pointsHere(w.url))) remember();
  for (const m of moved) {
    core.webhooks.update(m.id, { url: m.url });
    log.info('built-in sink webhook follows the emulator to its new port', { webhookId: m.id, url: displayUrl(m.url) });
  }
  const onChange = (w: { url: string }) => pointsHere(w.url) && remember();
  core.bus.on('webhook.created', onChange);
  core.bus.on('webhook.updated', onChange);
}

/**
 * The journal's next pages kept written ahead in quiet time (Store's `writeAhead`): five of the
 * delivery bench's feed requests (20,000-line replays, 6.4 MB each), so that a burst's journal
 * writes overwrite pages the OS holds (issue 13).
 */
const JOURNAL_WRITE_AHEAD = 32 * 1024 * 1024;

export async function startEmulator(config: Config, log: Logger, real: RealTime = realTime): Promise<Emulator> {
  const dataDir = config.dataDir ? path.resolve(config.dataDir) : null;
  // MT_EMULATOR_COMPACT_BYTES is a testing knob (not a documented flag): the crash harness sets it
  // low so that kill -9 also lands in the middle of compactions.
  const compactBytes = Number(process.env.MT_EMULATOR_COMPACT_BYTES) || undefined;
  const lock = dataDir ? lockDataDir(dataDir) : null;
  let store: Store;
  try {
    store = await Store.open({ dir: dataDir, log: log.child('store'), compactBytes, groupCommit: true, writeAhead: JOURNAL_WRITE_AHEAD });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const token = resolveToken({ ...config, dataDir });

  // Virtual time never runs backwards across restarts: resume from the last saved virtual now.
  const clockState = new SqlClockState(store);
  const saved = clockState.saved();
  const clockLog = log.child('clock');
  const clock = new VirtualClock(real, config.timeScale, Math.max(real.now(), saved), 1000, (err) =>
    clockLog.error('timer callback failed', { error: err instanceof Error ? err.stack : String(err) }),
  );
  const saveClock = () => clockState.save(clock.now());

  const { core, sending, delivery, retention } = assembleServices({
    store,
    clock,
    random: cryptoRandom,
    log,
    sender: new UndiciWebhookSender(),
    settings: config,
  });
  core.bus.on('clock.advanced', saveClock);

  const info = {
    accountId: ACCOUNT_ID,
    dataDir,
    httpPort: 0,
    smtpPort: 0,
  };
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const publicUrl = () => `http://${hostForUrl}:${info.httpPort}`;
  const sinks = new SinkRegistry(publicUrl);
  const emailLogs = new EmailLogService(new SqlEmailLogRepository(store), sending, core.events, core.domains);
  const sessions = new WebSessions(token);
  // Bundled: dist/emulator.js beside dist/web and dist/samples; from sources (tsx): emulator/ beside dist/ and samples/.
  const here = __dirname;
  const replayLines = new ReplayLines(() => core.events.newEventId());
  const app = createApp({
    replayLines,
    emailLogs,
    sessions,
    webAssets: new WebAssets([path.join(here, 'web'), path.join(here, '..', 'dist', 'web')]),
    samples: new SampleFiles([path.join(here, 'samples'), path.join(here, '..', 'samples')]),
    core,
    token,
    log: log.child('http'),
    info: () => ({ ...info, pendingDeliveries: delivery.pendingCount() }),
    delivery,
    sinks,
    sending,
    publicUrl,
    whenDurable: (cb) => store.whenDurable(cb),
    check: (input) => checkEndpoint(input),
    settleMessages: () => retention.settle(),
  });
  // The plain sends skip express (http/fastSend.ts); everything else, errors included, is the app's.
  const httpServer = createServer(withFastSend(app, { sending, token, bodyLimit: DEFAULT_BODY_LIMIT_BYTES, whenDurable: (cb) => store.whenDurable(cb) }));
  httpServer.keepAliveTimeout = 65_000;
  // A request's arrival is activity, as a commit is: quiet-time work waits (Store.active).
  httpServer.on('request', () => store.active());
  // Requests Node's parser rejects (bad bytes in the request line, oversized headers) never reach
  // the app; answer them in Mailtrap's shape too, instead of Node's bare 400.
  httpServer.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify({ success: false, errors: [status.slice(4)] });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  const smtpLog = log.child('smtp');
  const ingest = smtpIngest(sending, smtpLog);
  // Group commit: the `250` waits until the journal holds the message (a 451 if it cannot).
  const onMessage = async (msg: Parameters<typeof ingest>[0]) => {
    const reply = await ingest(msg);
    await store.durable().catch(() => {
      throw Object.assign(new Error('4.3.0 Message not stored, try again later'), { responseCode: 451 });
    });
    return reply;
  };
  const smtpServer = createSmtpServer({ token, log: smtpLog, onMessage, checkSender: smtpSenderCheck(sending) });

  try {
    info.httpPort = await listen(httpServer, config.port, config.host).catch((e) => Promise.reject(Object.assign(e, { listener: 'HTTP' })));
    info.smtpPort = await listen(smtpServer, config.smtpPort, config.host).catch((e) => Promise.reject(Object.assign(e, { listener: 'SMTP' })));
  } catch (err) {
    httpServer.close();
    clock.stop();
    store.close();
    lock?.release();
    throw err;
  }
  followOwnSinks(store, core, `http://${hostForUrl}:${info.httpPort}`, log.child('webhooks'));
  retention.prune();
  delivery.start();
  // Lifecycle events stored before a restart (or a kill -9) are due now or later.
  sending.scheduler.start();
  const ready: ReadyInfo = {
    ready: true,
    http: `http://${hostForUrl}:${info.httpPort}`,
    httpPort: info.httpPort,
    smtpPort: info.smtpPort,
    token,
    accountId: ACCOUNT_ID,
    dataDir,
    ui: sessions.loginUrl(`http://${hostForUrl}:${info.httpPort}`),
  };

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      clock.stop();
      await delivery.stop();
      await Promise.all([
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        }),
        new Promise<void>((resolve) => smtpServer.close(() => resolve())),
      ]);
      await replayLines.close();
      saveClock();
      await store.prepareClose();
      store.close();
      lock?.release();
    })());

  // From the next turn: the ready line (main.ts) goes out first.
  store.warmUp();
  return { ready, core, store, sending, emailLogs, close };
}
