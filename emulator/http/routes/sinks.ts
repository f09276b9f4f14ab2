/**
 * Sinks: `ANY /sink/{name}` (no token: it stands in for the user's endpoint) and the scripting
 * API under /emulator/sinks (token). The receiver reads the raw body itself, so it is mounted
 * before the app's JSON parsers and records the exact bytes.
 */
import express, { Router, type Request } from 'express';
import type { Core } from '../../core';
import { NotFoundError } from '../../core/errors';
import { SINK_NAME_RE, type SinkRegistry } from '../sinks';

function sinkName(req: Request): string {
  const name = String(req.params.name ?? '');
  if (!SINK_NAME_RE.test(name)) throw new NotFoundError();
  return name;
}

const headersOf = (req: Request): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
};

/** The receiving side; mount before any body parser. */
export function sinkReceiver(core: Core, sinks: SinkRegistry, limit: number): Router {
  const r = Router();
  r.all(['/sink/:name', '/sink/:name/*rest'], express.raw({ type: () => true, limit }), (req, res) => {
    const name = sinkName(req);
    const q = req.originalUrl.indexOf('?');
    const entry = sinks.record(name, {
      receivedAt: core.clock.now(),
      method: req.method,
      path: req.path,
      query: q >= 0 ? req.originalUrl.slice(q + 1) : '',
      headers: headersOf(req),
      body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
    });
    const answer = sinks.nextAnswer(name);
    if (answer.hang) return sinks.answered(name, entry, null); // never answered: the sender's own timeout ends it
    const reply = () => {
      if (res.destroyed) return;
      const status = answer.status ?? 200;
      sinks.answered(name, entry, status);
      res.status(status);
      res.set(answer.headers ?? { 'Content-Type': 'text/plain; charset=utf-8' });
      res.send(answer.body ?? (status === 200 ? 'OK' : ''));
    };
    // Real time on purpose: the sink plays a remote server, whose latency is not emulated time.
    if (answer.delayMs) setTimeout(reply, answer.delayMs).unref();
    else reply();
  });
  return r;
}

export function sinkRoutes(sinks: SinkRegistry): Router {
  const r = Router();
  r.get('/emulator/sinks', (_req, res) => {
    res.json({ data: sinks.list() });
  });
  r.put('/emulator/sinks/:name', (req, res) => {
    res.json({ data: sinks.setScript(sinkName(req), req.body) });
  });
  r.get('/emulator/sinks/:name', (req, res) => {
    res.json({ data: sinks.get(sinkName(req)) });
  });
  r.delete('/emulator/sinks/:name', (req, res) => {
    sinks.clear(sinkName(req));
    res.status(204).end();
  });
  return r;
}
