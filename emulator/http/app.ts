/** The HTTP adapter: an express app factory over the core (tested over real sockets). */
import express, { type Express, type Request } from 'express';
import type { Core } from '../core';
import type { DeliveryService } from '../core/delivery/deliveryService';
import type { Logger } from '../core/ports';
import type { Sending } from '../core/sending';
import { errorHandler, notFound } from './errors';
import { fastSendErrors } from './fastSend';
import { holdUntilDurable, type WhenDurable } from './holdUntilDurable';
import { reusedRawBody } from './reusedBody';
import { checkRoutes, type EndpointChecker } from './routes/check';
import { deliveryRoutes } from './routes/deliveries';
import type { ReplayLines } from './replayLines';
import { emulatorRoutes } from './routes/emulator';
import { sinkReceiver, sinkRoutes } from './routes/sinks';
import type { SinkRegistry } from './sinks';
import { managementRoutes } from './routes/management';
import { messageHtmlRoute } from './routes/messageHtml';
import { messageRoutes } from './routes/messages';
import { sendRoutes } from './routes/send';
import { suppressionRoutes } from './routes/suppressions';
import { trackingRoutes } from './routes/tracking';
import type { EmailLogService } from '../core/logs/emailLogService';
import { emailLogRoutes, rawMessageRoute } from './routes/emailLogs';
import { statsRoutes } from './routes/stats';
import { webUiApiRoutes, webUiRoutes } from './routes/webUi';
import { SampleFiles, WebAssets } from './webAssets';
import { requireTokenOrSession, WebSessions } from './webSession';

/** The largest request body, in bytes: the body parsers' limit and the send fast path's (fastSend.ts). */
export const DEFAULT_BODY_LIMIT_BYTES = 30 * 1024 * 1024;

export interface AppDeps {
  core: Core;
  token: string;
  log: Logger;
  /** Status fields for /emulator/status (ports, data dir…). */
  info?: () => Record<string, unknown>;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  /** The delivery engine: inspection, resend, test button, replay. */
  delivery?: DeliveryService;
  /** A large replay's lines made on a worker thread too (none: on this one only). */
  replayLines?: ReplayLines;
  /** In-memory sinks (`/sink/{name}`, no token). */
  sinks?: SinkRegistry;
  /** The sending core (send API, SMTP-independent routes, tracking, messages). */
  sending?: Sending;
  /** The emulator's own origin, for tracking links (e.g. `http://127.0.0.1:8780`). */
  publicUrl?: () => string;
  /** Group commit: every answer waits until the journal holds what came before it. */
  whenDurable?: WhenDurable;
  /** Email Logs and Stats (read models over messages and events); needs `sending`. */
  emailLogs?: EmailLogService;
  /** The endpoint check (`POST /emulator/check`). */
  check?: EndpointChecker;
  /** Web UI sessions and login links (one per process: the ready line's link is minted from it). */
  sessions?: WebSessions;
  /** The web UI's built files (none: `/` answers 503). */
  webAssets?: WebAssets;
  /** The bundled sample batches, for the web UI's replay. */
  samples?: SampleFiles;
  /** Before a read of messages (messages, email logs, stats): retention's prune of messages waiting for quiet time, done now. */
  settleMessages?: () => void;
}

const isJsonLines = (ct: string): boolean => /jsonl|ndjson|json-seq/i.test(ct);
/** A Content-Type that names no charset, or UTF-8. */
const isUtf8 = (ct: string): boolean => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(ct)?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
};
/** Paths whose answers list or count messages (messages.ts, messageHtml.ts, emailLogs.ts, stats.ts). */
const READS_OF_MESSAGES = /\/(messages|email_logs|stats)(\/|$)/;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const publicUrl = deps.publicUrl ?? (() => '');
  if (deps.whenDurable) app.use(holdUntilDurable(deps.whenDurable));
  app.use(fastSendErrors); // a send the fast path (fastSend.ts) read and refused: to the error handler
  const settleMessages = deps.settleMessages;
  if (settleMessages) {
    app.use((req, _res, next) => {
      if ((req.method === 'GET' || req.method === 'HEAD') && READS_OF_MESSAGES.test(req.path)) {
        try {
          settleMessages();
        } catch (err) {
          // The read goes on: what it sees is only less pruned.
          deps.log.error('pruning messages before a read failed', { error: err instanceof Error ? err.message : String(err) });
        }
      }
      next();
    });
  }
  const sessions = deps.sessions ?? new WebSessions(deps.token);
  // Token-free (tracking links) or token-in-query (message HTML for a browser) routes come first.
  if (deps.sending) {
    app.use(trackingRoutes(deps.sending));
    app.use(messageHtmlRoute(deps.sending, deps.token, publicUrl, sessions));
    if (deps.emailLogs) app.use(rawMessageRoute(deps.sending, deps.emailLogs, deps.token, publicUrl));
  }
  // Then auth: an unauthenticated request is answered 401 before its body is even parsed.
  // A browser of the web UI authenticates with its session cookie instead (webSession.ts).
  const auth = requireTokenOrSession(deps.token, sessions);
  app.use(['/api', '/bulk/api', '/emulator'], auth);
  const limit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES;
  // Sinks read their own raw body (exact bytes), so they come before the JSON parsers.
  if (deps.sinks) app.use(sinkReceiver(deps.core, deps.sinks, limit));
  // JSON for everything that says JSON or says nothing; JSON Lines kept as text for replay.
  app.use(
    express.json({
      limit,
      type: (req) => {
        const ct = String((req as Request).headers['content-type'] ?? '');
        return ct === '' || (/json/i.test(ct) && !isJsonLines(ct));
      },
    }),
  );
  // A replay's JSON Lines in UTF-8 (the default) as their bytes: it reads its lines off them
  // (replay.ts). Any other JSON Lines, or in another charset, decoded to text.
  // A large one in a buffer the next reuses (reusedBody.ts).
  const utf8JsonLines = (req: Request) => {
    const ct = String(req.headers['content-type'] ?? '');
    return isJsonLines(ct) && isUtf8(ct);
  };
  app.use('/emulator/replay', reusedRawBody({ limit, type: utf8JsonLines }, express.raw({ limit, type: (req) => utf8JsonLines(req as Request) })));
  app.use(express.text({ limit, type: (req) => isJsonLines(String((req as Request).headers['content-type'] ?? '')) }));

  // The send routes first: they are the hot path (load tests, bulk senders), and express tries
  // every earlier route's pattern on each request.
  if (deps.sending) app.use(sendRoutes(deps.sending));
  app.use(managementRoutes(deps.core));
  app.use(emulatorRoutes(deps.core, deps.info ?? (() => ({})), deps.sinks));
  if (deps.delivery) app.use(deliveryRoutes(deps.core, deps.delivery, deps.replayLines));
  if (deps.sinks) app.use(sinkRoutes(deps.sinks));
  if (deps.check) app.use(checkRoutes(deps.core, deps.check));
  if (deps.sending) {
    app.use(suppressionRoutes(deps.sending));
    app.use(messageRoutes(deps.core, deps.sending, publicUrl));
  }
  if (deps.emailLogs) {
    app.use(emailLogRoutes(deps.emailLogs, deps.token, publicUrl));
    app.use(statsRoutes(deps.emailLogs));
  }
  // The web UI: public static pages and the login exchange; its API helpers behind auth.
  app.use(webUiRoutes(deps.webAssets ?? new WebAssets([]), sessions));
  app.use(webUiApiRoutes(sessions, deps.samples ?? new SampleFiles([]), publicUrl));
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
