/**
 * Host side of the webview protocol: dispatches requests to a handler table and answers each with
 * a `response` or an `error` carrying the same id (422 field errors included); buffers pushed events
 * until the webview said `ready`. Depends only on a minimal webview shape, so it is unit-tested.
 */
import { ApiError } from '../emulator/apiClient';
import type { EventMap, FromWebview, PushedEvent, ToWebview } from '../protocol/messages';

export interface WebviewLike<E extends EventMap<E> = Record<never, never>> {
  postMessage(msg: ToWebview<E>): PromiseLike<boolean> | boolean;
  onDidReceiveMessage(fn: (msg: unknown) => void): { dispose(): void };
}

/** A failure that is a normal state (the emulator stopped, say): shown to the user, logged without a stack. */
export class ExpectedError extends Error {}

/** Logs a webview request's failure: a stack trace only for what is a bug, one line for the rest. */
export function logUnexpected(log: { error(m: string): void; info(m: string): void }, tag: string, err: unknown): void {
  if (err instanceof ExpectedError || err instanceof ApiError) log.info(`[${tag}] ${(err as Error).message}`);
  else log.error(`[${tag}] ${(err as Error)?.stack ?? String(err)}`);
}

export type Methods<M> = { [K in keyof M]: { params: unknown; result: unknown } };
export type Handlers<M extends Methods<M>> = { [K in keyof M]: (params: M[K]['params']) => Promise<M[K]['result']> | M[K]['result'] };

/** `M`: the methods the webview may call; `E`: the events the host pushes (name → data). */
export class RpcHost<M extends Methods<M>, E extends EventMap<E> = Record<never, never>> {
  private ready = false;
  private queue: ToWebview<E>[] = [];
  private readonly sub: { dispose(): void };

  constructor(
    private readonly webview: WebviewLike<E>,
    private readonly handlers: Handlers<M>,
    /** Data for the `init` message, computed when the webview is ready. */
    private readonly init: () => Promise<unknown> | unknown,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.sub = webview.onDidReceiveMessage((m) => void this.receive(m));
  }

  private async receive(raw: unknown): Promise<void> {
    const msg = raw as FromWebview;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'ready') {
      // A reload of the webview sends ready again: it gets init again.
      let data: unknown;
      try {
        data = await this.init();
      } catch (err) {
        this.onError(err);
        data = { error: (err as Error).message };
      }
      await this.webview.postMessage({ type: 'init', data });
      this.ready = true;
      for (const m of this.queue.splice(0)) await this.webview.postMessage(m);
      return;
    }
    if (msg.type !== 'request' || typeof msg.id !== 'number' || typeof msg.method !== 'string') return;
    const handler = (this.handlers as Record<string, ((p: unknown) => unknown) | undefined>)[msg.method];
    if (!handler || !Object.prototype.hasOwnProperty.call(this.handlers, msg.method)) {
      await this.webview.postMessage({ type: 'error', id: msg.id, message: `unknown method ${msg.method}` });
      return;
    }
    try {
      const result = await handler(msg.params);
      await this.webview.postMessage({ type: 'response', id: msg.id, result: result ?? null });
    } catch (err) {
      // Field errors come from the emulator's 422 (ApiError) or from host-side validation.
      const f = (err as { fields?: Record<string, string[]> } | undefined)?.fields;
      const fields = f && Object.keys(f).length ? f : undefined;
      if (!(err instanceof ApiError) && !fields) this.onError(err);
      await this.webview.postMessage({ type: 'error', id: msg.id, message: (err as Error)?.message ?? String(err), fields });
    }
  }

  /** Pushes an event now, or after `ready` if the webview is still loading. */
  push<K extends keyof E>(name: K, data: E[K]): void {
    const msg: PushedEvent<E, K> = { type: 'event', name, data };
    if (this.ready) void this.webview.postMessage(msg);
    else this.queue.push(msg);
  }

  dispose(): void {
    this.sub.dispose();
  }
}
