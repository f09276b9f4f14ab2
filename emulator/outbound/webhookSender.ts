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

  async send(req: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    let target;
    try {
      target = requestTarget(req.url);
    } catch {
      return { status: null, headers: {}, body: '', truncated: false, error: 'invalid URL', durationMs: 0 };
    }
    const headers: Record<string, string> = { ...req.headers };
    if (target.authorization) headers.Authorization = target.authorization;
    try {
      const res = await lib().request(target.url, {
        method: 'POST',
        headers,
        body: req.body,
        signal: req.signal,
        dispatcher: this.agent,
        // Outcomes are decided by the caller's clock; undici's own timers must not end it first.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      let cutShort: string | null = null;
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          const room = MAX_RESPONSE_BODY - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size += room;
            truncated = true;
            break;
          }
          chunks.push(chunk);
          size += chunk.length;
        }
      } catch (err) {
        // The status arrived but the body was cut short (reset mid-response): kept, marked
        // truncated, and an error, so even a 200 counts as failed: the receiver did not finish.
        truncated = true;
        if (req.signal.aborted) throw err;
        cutShort = `response cut short: ${describe(err, req.signal)}`;
      } finally {
        if (truncated) res.body.destroy();
      }
      return {
        status: res.statusCode,
        headers: flatten(res.headers),
        body: Buffer.concat(chunks).toString('utf8'),
        truncated,
        error: cutShort,
        durationMs: elapsed(),
      };
    } catch (err) {
      return { status: null, headers: {}, body: '', truncated: false, error: describe(err, req.signal), durationMs: elapsed() };
    }
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
