/**
 * A large raw body read into a buffer the next such request reuses (issue 13). A replay's JSON
 * Lines (20,000 lines, ~6 MB) came as a new buffer each request, its chunks concatenated into it:
 * 1.4–9 ms a request on the bench machine, most of it the first touch of fresh memory, and a
 * collection of external memory now and then. Here the chunks are copied, as they arrive, into
 * one buffer kept for the next request.
 *
 * Only the plain case: a Content-Length from `REUSE_FROM` bytes up to the limit (and at most
 * `KEEP_AT_MOST`), no Content-Encoding or Transfer-Encoding, and the buffer not lent to a request
 * still under way. Everything else goes to `fallback` (express.raw, as before), and so does every
 * error rendering but two that body-parser answers the same way: a body shorter than its
 * Content-Length (400), a request aborted (400).
 *
 * The buffer is the request's until its response has closed. Its handler must keep no view of
 * the body past its own synchronous work (the replay keeps none: replay.ts copies what it keeps,
 * strings and each event's JSON in slabs of its own, jsonText.ts).
 */
import type { Request, RequestHandler } from 'express';
import { plainBodyLength } from './plainBody';

/** Below this a fresh buffer costs little: express.raw. */
export const REUSE_FROM = 256 * 1024;
/** The largest buffer kept for the next request. */
const KEEP_AT_MOST = 16 * 1024 * 1024;

const badRequest = (message: string, type: string) => Object.assign(new Error(message), { status: 400, expose: true, type });

export function reusedRawBody(opts: { limit: number; type: (req: Request) => boolean }, fallback: RequestHandler): RequestHandler {
  let spare: Buffer | null = null;
  let lent = false;
  return (req, res, next) => {
    const length = lent || !opts.type(req) ? undefined : plainBodyLength(req.headers, Math.min(opts.limit, KEEP_AT_MOST));
    if (length === undefined || length < REUSE_FROM) return fallback(req, res, next);
    lent = true;
    const buf = spare !== null && spare.length >= length ? spare : Buffer.allocUnsafe(length);
    spare = null;
    res.once('close', () => {
      spare = buf;
      lent = false;
    });
    let size = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      req.removeListener('data', onData);
      if (err) return next(err);
      req.body = buf.subarray(0, size);
      next();
    };
    const onData = (c: Buffer) => {
      if (size + c.length > length) return finish(badRequest('request size did not match content length', 'request.size.invalid'));
      c.copy(buf, size);
      size += c.length;
    };
    req.on('data', onData);
    req.on('end', () => finish(size === length ? undefined : badRequest('request size did not match content length', 'request.size.invalid')));
    req.on('close', () => {
      if (!req.complete) finish(badRequest('request aborted', 'request.aborted'));
    });
    req.on('error', (err) => finish(badRequest(err.message, 'request.aborted')));
  };
}
