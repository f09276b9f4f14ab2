/**
 * The Send and Batch APIs without express on the way (issue 13): a request to `/api/send`,
 * `/api/batch` or their `/bulk` twins, with the API token and a plain JSON body, is read, parsed,
 * ingested and answered here. Express's router walks every earlier layer and route for each
 * request, and its body parser adds raw-body, type-is, iconv and on-finished: together about as
 * much CPU as a whole send (measured: ~900 µs a send through express, ~420 µs here, against
 * ~490 µs for the trivial express handler of the bench).
 *
 * Only the plain case takes this path; everything else goes to the express app unchanged: another
 * method or path, a query string, no token or a wrong one (a 401 in the right shape), a web-UI
 * session cookie, a Content-Type other than `application/json` (with at most `charset=utf-8`), a
 * Content-Encoding, no Content-Length or one above the limit. A body that is not JSON, or a request
 * the sending core refuses, is answered by the express app's own error handler (`fastSendErrors`
 * hands the error over), so every error keeps its one rendering. A success is answered exactly as
 * the route does (`res.json`: the same headers and bytes, checked by test/integration/sending/
 * fastSend.test.ts), and only once the journal holds it (as `holdUntilDurable`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Sending } from '../core/sending';
import { tokenChecker } from './auth';
import type { WhenDurable } from './holdUntilDurable';
import { plainBodyLength } from './plainBody';
import { SEND_ROUTES, sendAnswer } from './routes/send';

const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*("utf-8"|utf-8)\s*)?$/i;
const FAST_ERROR = Symbol('fastSendError');

type Handled = IncomingMessage & { [FAST_ERROR]?: unknown };
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastSendDeps {
  sending: Sending;
  token: string;
  /** Bytes, as the express body parser's limit. */
  bodyLimit: number;
  whenDurable?: WhenDurable;
}

/** body-parser's answer to a body that is not JSON (strict: an object or an array), for the error handler. */
const parseFailed = (message: string) => Object.assign(new SyntaxError(message), { type: 'entity.parse.failed', status: 400, expose: true });

/** A request listener: the plain sends here, everything else to `app`. */
export function withFastSend(app: RequestListener, deps: FastSendDeps): RequestListener {
  const hasToken = tokenChecker(deps.token);
  const durable: WhenDurable = deps.whenDurable ?? ((cb) => cb());
  return (req, res) => {
    const url = req.url ?? '';
    const route = req.method === 'POST' && Object.hasOwn(SEND_ROUTES, url) ? SEND_ROUTES[url] : undefined;
    const h = req.headers;
    const length = route && PLAIN_JSON.test(h['content-type'] ?? '') ? plainBodyLength(h, deps.bodyLimit) : undefined;
    if (!route || length === undefined || !hasToken(h)) return app(req, res);

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size !== length) return res.destroy(); // the connection broke off mid-body
      const fail = (err: unknown) => {
        (req as Handled)[FAST_ERROR] = err;
        app(req, res);
      };
      let body: unknown;
      let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // as body-parser's decoder does
      const first = /[^\x20\x09\x0a\x0d]/.exec(text)?.[0];
      if (text.length === 0) body = {}; // body-parser: an empty body is {}
      else if (first !== '{' && first !== '[') return fail(parseFailed(`Unexpected token ${first} in JSON`));
      else {
        try {
          body = JSON.parse(text);
        } catch (err) {
          return fail(parseFailed((err as Error).message));
        }
      }
      let out: string;
      try {
        out = JSON.stringify(sendAnswer(deps.sending, route, body));
      } catch (err) {
        return fail(err);
      }
      durable((err) => {
        // The change is not on disk: no answer at all is better than an acknowledgement.
        if (err) return res.destroy(err);
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(out) });
        res.end(out);
      });
    });
  };
}

/**
 * In the express app right after `holdUntilDurable`: a request the fast path refused after
 * reading its body goes straight to the error handler with the error, and is answered there.
 */
export const fastSendErrors: RequestHandler = (req, _res, next) => {
  const err = (req as Handled)[FAST_ERROR];
  if (err === undefined) return next();
  next(err);
};
