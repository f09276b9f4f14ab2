/** Emulator-only routes under /emulator: clock, live stream, status. */
import { Router } from 'express';
import type { Core } from '../../core';
import { BadRequestError } from '../../core/errors';
import type { SinkRegistry } from '../sinks';
import { sseFrame, toStreamMessage } from '../stream';

/** The longest single jump: ten years of virtual time. */
const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 3600;

export function emulatorRoutes(core: Core, info: () => Record<string, unknown>, sinks?: SinkRegistry): Router {
  const r = Router();

  r.get('/emulator/status', (_req, res) => {
    res.json({ ...info(), clock: core.clock.info() });
  });

  r.get('/emulator/clock', (_req, res) => {
    res.json(core.clock.info());
  });

  r.post('/emulator/clock/advance', async (req, res) => {
    const seconds = (req.body as { seconds?: unknown } | undefined)?.seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) {
      throw new BadRequestError([`'seconds' must be a number from 0 to ${MAX_ADVANCE_SECONDS}`]);
    }
    const result = await core.advanceClock(seconds);
    res.json({ ...result, clock: core.clock.info() });
  });

  /** Server-Sent Events: one `event:` per core event, JSON data; a comment every 15 s keeps proxies open. */
  r.get('/emulator/stream', (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(sseFrame({ name: 'hello', data: { clock: core.clock.info() } }));
    const offBus = core.bus.onAny((m) => res.write(sseFrame(toStreamMessage(m))));
    const offSinks = sinks?.onRequest((sink, { body: _body, ...request }) => res.write(sseFrame({ name: 'sink.request', data: { sink, request } })));
    // Keep-alive uses a real timer: it is transport, not emulated time.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      offBus();
      offSinks?.();
      clearInterval(keepAlive);
    });
  });

  return r;
}
