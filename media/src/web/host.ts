/**
 * The browser's host of the webview protocol (issue 15). In VS Code the extension answers the
 * components of media/ over postMessage; here this page does, over the emulator's HTTP API (the
 * extension's own API client, authenticated by the session cookie) and its event stream. The
 * request dispatcher (RpcHost) and the handler tables are the extension's, unchanged: only the
 * transport differs (a frame's postMessage instead of a webview's).
 */
import { EmulatorApi } from '../../../src/emulator/apiClient';
import { SseClient, type StreamMessage } from '../../../src/emulator/sseClient';
import type { EventMap, ToWebview } from '../../../src/protocol/messages';
import { RpcHost, type Handlers, type Methods, type WebviewLike } from '../../../src/webviews/rpcHost';

/** Same origin, no token: the session cookie authenticates every call. */
export const api = new EmulatorApi(location.origin, '');

type Listener = (msg: StreamMessage) => void;

/** `/emulator/stream`, fanned out to the views; reconnects by itself (SseClient). */
export class LiveStream {
  private readonly listeners = new Set<Listener>();
  private readonly statusListeners = new Set<(on: boolean) => void>();
  private client: SseClient | undefined;

  start(): void {
    this.client ??= new SseClient({
      url: `${location.origin}/emulator/stream`,
      token: '',
      onMessage: (m) => this.listeners.forEach((l) => l(m)),
      onStatus: (on) => this.statusListeners.forEach((l) => l(on)),
      maxBackoffMs: 3000,
    });
  }

  on(fn: Listener): void {
    this.listeners.add(fn);
  }

  onStatus(fn: (on: boolean) => void): void {
    this.statusListeners.add(fn);
  }
}

/** A component of media/ loaded in `iframe` (same origin), served by `handlers`. */
export function frameHost<M extends Methods<M>, E extends EventMap<E> = Record<never, never>>(
  iframe: HTMLIFrameElement,
  handlers: Handlers<M>,
  init: () => unknown,
): RpcHost<M, E> {
  const listeners = new Set<(m: unknown) => void>();
  const onMessage = (e: MessageEvent) => {
    // Only this frame's messages, from this origin.
    if (e.source !== iframe.contentWindow || e.origin !== location.origin) return;
    listeners.forEach((l) => l(e.data));
  };
  window.addEventListener('message', onMessage);
  const webview: WebviewLike<E> = {
    postMessage: (msg: ToWebview<E>) => {
      iframe.contentWindow?.postMessage(msg, location.origin);
      return true;
    },
    onDidReceiveMessage: (fn) => {
      listeners.add(fn);
      return { dispose: () => void listeners.delete(fn) };
    },
  };
  const rpc = new RpcHost<M, E>(webview, handlers, init, (err) => console.error('[web host]', err));
  const dispose = rpc.dispose.bind(rpc);
  rpc.dispose = () => {
    dispose();
    window.removeEventListener('message', onMessage);
  };
  return rpc;
}

/** The clipboard of a browser: the async API (127.0.0.1 is a secure context), else a hidden textarea. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    /* no permission or no focus: fall back */
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.className = 'offscreen';
  document.body.append(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) throw new Error('the browser refused to copy');
}

/** "200 in 12 ms", "ECONNREFUSED", for results shown beside a button. */
export function errorText(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}
