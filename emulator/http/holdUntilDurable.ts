/**
 * Group commit, HTTP side: a response goes out only once the journal holds every change committed
 * before it (the store writes one journal record per event-loop turn). Applied to every response,
 * not just writes: a read that saw a not-yet-durable change must not report it either.
 */
import type { RequestHandler, Response } from 'express';

/** Calls back once everything committed so far is durable, or with the error that prevents it. */
export type WhenDurable = (cb: (err?: Error) => void) => void;

export function holdUntilDurable(whenDurable: WhenDurable): RequestHandler {
  return (_req, res, next) => {
    const end = res.end;
    res.end = function (this: Response, ...args: unknown[]) {
      whenDurable((err) => {
        // The change is not on disk: no answer at all is better than an acknowledgement.
        if (err) res.destroy(err);
        else (end as (...a: unknown[]) => Response).apply(this, args);
      });
      return this;
    } as Response['end'];
    next();
  };
}
