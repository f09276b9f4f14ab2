/** The HTTP adapter: an express app factory over the core (tested over real sockets). */
import express, { type Express, type Request } from 'express';
import type { Core } from '../core';
import type { Logger } from '../core/ports';
import { requireToken } from './auth';
import { errorHandler, notFound } from './errors';
import { emulatorRoutes } from './routes/emulator';
import { managementRoutes } from './routes/management';

export interface AppDeps {
  core: Core;
  token: string;
  log: Logger;
  /** Status fields for /emulator/status (ports, data dir…). */
  info?: () => Record<string, unknown>;
  /** Largest accepted request body. */
  bodyLimit?: string;
}

const isJsonLines = (ct: string): boolean => /jsonl|ndjson|json-seq/i.test(ct);

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Auth comes first: an unauthenticated request is answered 401 before its body is even parsed.
  const auth = requireToken(deps.token);
  app.use(['/api', '/bulk/api', '/emulator'], auth);
  const limit = deps.bodyLimit ?? '30mb';
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

  app.use(managementRoutes(deps.core));
  app.use(emulatorRoutes(deps.core, deps.info ?? (() => ({}))));
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
