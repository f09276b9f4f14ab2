/**
 * The outbound HTTP adapter (undici 7): one POST per call, never throws, never follows a
 * redirect. Userinfo in the URL becomes `Authorization: Basic` and leaves the request target;
 * the query string stays. At most 64 KiB of the response body is read, then the connection is
 * dropped, so an endless or huge body costs nothing.
 */
import type { Agent } from 'undici';
import { requestTarget } from '../core/delivery/target';
import type { SendRequest, SendResult, WebhookSender } from '../core/delivery/types';

export const MAX_RESPONSE_BODY = 64 * 1024;

type Undici = typeof import('undici');
let undici: Undici | null = null;
/** undici takes tens of ms to initialise; start-up (the ready line) does not wait for it. */
const lib = (): Undici => (undici ??= require('undici') as Undici);

export class UndiciWebhookSender implements WebhookSender {
  private agentOrNull: Agent | null = null;

  private get agent(): Agent {
    return (this.agentOrNull ??= new (lib().Agent)({ keepAliveTimeout: 4_000, connections: 16 }));
  }

  /** Loads undici now, so that a measured first request does not include its start-up. */
  preload(): void {
    lib();
  }

  /**
   * One POST through undici's `dispatch` with a handler of its own: `request()`'s response stream,
   * its async iteration and its promises cost ~70–90 µs a round trip more (150 KB bodies, measured
   * side by side), and a flush's next request waits for this answer to be read (issue 13).
   */
  send(req: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const failed = (error: string): SendResult => ({ status: null, headers: {}, body: '', truncated: false, error, durationMs: elapsed() });
    let target;
    try {
      target = requestTarget(req.url); // parsed once a URL (cached), not once an attempt
    } catch {
      return Promise.resolve({ ...failed('invalid URL'), durationMs: 0 });
    }
    if (req.signal.aborted) return Promise.resolve(failed('aborted'));
    const headers: Record<string, string> = { ...req.headers };
    if (target.authorization) headers.Authorization = target.authorization;
    return new Promise<SendResult>((resolve) => {
      let status: number | null = null;
      let responseHeaders: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      let settled = false;
      let abort: ((reason?: Error) => void) | null = null;
      const onAbort = () => abort?.(new Error('aborted'));
      const finish = (r: SendResult) => {
        if (settled) return;
        settled = true;
        req.signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const answered = (error: string | null): SendResult => ({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8'), truncated, error, durationMs: elapsed() });
      req.signal.addEventListener('abort', onAbort, { once: true });
      try {
        this.agent.dispatch(
          // Outcomes are decided by the caller's clock; undici's own timers must not end it first.
          { origin: target.origin, path: target.path, method: 'POST', headers, body: req.body, headersTimeout: 0, bodyTimeout: 0 },
          {
            onConnect: (a: (reason?: Error) => void) => {
              abort = a;
              if (req.signal.aborted) a(new Error('aborted'));
            },
            onHeaders: (statusCode: number, raw: Buffer[]) => {
              status = statusCode;
              responseHeaders = flatten(lib().util.parseHeaders(raw));
              return true;
            },
            onData: (chunk: Buffer) => {
              const room = MAX_RESPONSE_BODY - size;
              if (chunk.length > room) {
                // Enough read: the rest is not, and the connection is dropped.
                chunks.push(chunk.subarray(0, room));
                size += room;
                truncated = true;
                finish(answered(null));
                abort?.(new Error('response body past its bound'));
                return false;
              }
              chunks.push(chunk);
              size += chunk.length;
              return true;
            },
            onComplete: () => finish(answered(null)),
            onError: (err: Error) => {
              if (req.signal.aborted) return finish(failed('aborted'));
              // The status arrived but the body was cut short (reset mid-response): kept, marked
              // truncated, and an error, so even a 200 counts as failed: the receiver did not finish.
              if (status !== null) {
                truncated = true;
                return finish(answered(`response cut short: ${describe(err, req.signal)}`));
              }
              finish(failed(describe(err, req.signal)));
            },
          },
        );
      } catch (err) {
        finish(failed(describe(err, req.signal)));
      }
    });
  }

  /**
   * Two turns of the event loop. On a kept-alive connection undici writes a request from a
   * `setImmediate` of its own (it first lets bytes pending on the idle socket be read), scheduled
   * when the request is dispatched; the caller's own first turn, asked for before that dispatch
   * (the attempt awaits the journal first), comes before it (issue 13).
   */
  async written(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async close(): Promise<void> {
    await this.agentOrNull?.destroy().catch(() => undefined);
  }
}

function flatten(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** A short, stable reason: the system error code when there is one (ECONNREFUSED, ECONNRESET, ENOTFOUND). */
function describe(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) return 'aborted';
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code;
  const message = e?.cause?.message ?? e?.message ?? String(err);
  if (code === 'UND_ERR_SOCKET') return `ECONNRESET: ${message}`;
  return code && !code.startsWith('UND_ERR') ? `${code}: ${message}` : message;
}
