/**
 * Writing to stdout and stderr when nobody may be reading any more: the reader of a pipe goes away
 * when the extension host crashes, with `| head -1`, or when a terminal is closed. A failed write is
 * dropped and the stream is not written again; it is never reported on the same stream (that was a
 * loop: EPIPE → uncaughtException → a log line → EPIPE → …, burning a core for good). The emulator
 * keeps serving: losing its log is no reason to stop.
 */
export interface Output {
  write(text: string): void;
  /** True once a write failed (the reader is gone). */
  readonly broken: boolean;
}

const outputs = new WeakMap<NodeJS.WritableStream, Output>();

/** The one guarded writer of `stream` (the error listener is attached once). */
export function safeOutput(stream: NodeJS.WritableStream & { destroyed?: boolean; writable?: boolean }): Output {
  const known = outputs.get(stream);
  if (known) return known;
  let broken = false;
  // Write errors (EPIPE, EBADF) arrive as 'error' events; without a listener they would be uncaught.
  stream.on('error', () => (broken = true));
  const out: Output = {
    get broken() {
      return broken;
    },
    write(text) {
      if (broken || stream.destroyed || stream.writable === false) return;
      try {
        stream.write(text);
      } catch {
        broken = true;
      }
    },
  };
  outputs.set(stream, out);
  return out;
}

/** Errors that only say an output's reader is gone: nothing to report (and nowhere to report it). */
export function isBrokenOutput(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}
