/** The HTTP adapter: an express app factory over the core (tested over real sockets). */
import express, { type Express, type Request } from 'express';
import type { Core } from '../core';
import type { DeliveryService } from '../core/delivery/deliveryService';
import type { Logger } from '../core/ports';
import type { Sending } from '../core/sending';
import { requireToken } from './auth';
import { errorHandler, notFound } from './errors';
import { deliveryRoutes } from './routes/deliveries';
import { emulatorRoutes } from './routes/emulator';
import { sinkReceiver, sinkRoutes } from './routes/sinks';
import type { SinkRegistry } from './sinks';
import { managementRoutes } from './routes/management';
import { messageHtmlRoute } from './routes/messageHtml';
import { messageRoutes } from './routes/messages';
import { sendRoutes } from './routes/send';
import { suppressionRoutes } from './routes/suppressions';
import { trackingRoutes } from './routes/tracking';

export interface AppDeps {
  core: Core;
  token: string;
  log: Logger;
  /** Status fields for /emulator/status (ports, data dir…). */
  info?: () => Record<string, unknown>;
  /** Largest accepted request body. */
  bodyLimit?: string;
  /** The delivery engine: inspection, resend, test button, replay. */
  delivery?: DeliveryService;
  /** In-memory sinks (`/sink/{name}`, no token). */
  sinks?: SinkRegistry;
  /** The sending core (send API, SMTP-independent routes, tracking, messages). */
  sending?: Sending;
  /** The emulator's own origin, for tracking links (e.g. `http://127.0.0.1:8780`). */
  publicUrl?: () => string;
}

const isJsonLines = (ct: string): boolean => /jsonl|ndjson|json-seq/i.test(ct);

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const publicUrl = deps.publicUrl ?? (() => '');
  // Token-free (tracking links) or token-in-query (message HTML for a browser) routes come first.
  if (deps.sending) {
    app.use(trackingRoutes(deps.sending));
    app.use(messageHtmlRoute(deps.sending, deps.token, publicUrl));
  }
  // Then auth: an unauthenticated request is answered 401 before its body is even parsed.
  const auth = requireToken(deps.token);
  app.use(['/api', '/bulk/api', '/emulator'], auth);
  const limit = deps.bodyLimit ?? '30mb';
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
  app.use(express.text({ limit, type: (req) => isJsonLines(String((req as Request).headers['content-type'] ?? '')) }));

  // The send routes first: they are the hot path (load tests, bulk senders), and express tries
  // every earlier route's pattern on each request.
  if (deps.sending) app.use(sendRoutes(deps.sending));
  app.use(managementRoutes(deps.core));
  app.use(emulatorRoutes(deps.core, deps.info ?? (() => ({})), deps.sinks));
  if (deps.delivery) app.use(deliveryRoutes(deps.core, deps.delivery));
  if (deps.sinks) app.use(sinkRoutes(deps.sinks));
  if (deps.sending) {
    app.use(suppressionRoutes(deps.sending));
    app.use(messageRoutes(deps.core, deps.sending, publicUrl));
  }
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
