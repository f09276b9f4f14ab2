/**
 * Webview side of the protocol (src/protocol/messages.ts): `ready` first, requests with ids, events.
 * The same components run in two hosts: a VS Code webview (messages go to the extension through
 * `acquireVsCodeApi`) and a frame of the emulator's web UI (messages go to the parent page, which
 * serves the protocol over the emulator's HTTP API and its event stream: media/src/web/).
 */
import type { EventMap, FromWebview, PushedEvent, ToWebview } from '../../src/protocol/messages';

interface HostChannel {
  postMessage(msg: FromWebview): void;
}
declare const acquireVsCodeApi: (() => HostChannel) | undefined;

const inVsCode = typeof acquireVsCodeApi === 'function';

function hostChannel(): HostChannel {
  if (inVsCode) return acquireVsCodeApi!();
  return { postMessage: (msg) => window.parent.postMessage(msg, location.origin) };
}

/** In a browser only the parent page of this origin may speak for the host. */
const fromHost = (e: MessageEvent): boolean => inVsCode || (e.source === window.parent && e.origin === location.origin);

export class RequestError extends Error {
  constructor(message: string, readonly fields?: Record<string, string[]>) {
    super(message);
  }
}

type MethodsOf<M> = { [K in keyof M]: { params: unknown; result: unknown } };
type Handlers<E> = { [K in keyof E]?: (data: E[K]) => void };

/** `M`: the host's methods; `E`: the events the host pushes (name → data), as its RpcHost declares them. */
export class Rpc<M extends MethodsOf<M>, E extends EventMap<E> = Record<never, never>> {
  private readonly host: HostChannel = hostChannel();
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private readonly eventHandlers: Handlers<E> = {};

  constructor(onInit: (data: any) => void) {
    // Only the host posts to a component (the extension, or the web UI's page), with the message types of src/protocol/messages.ts.
    window.addEventListener('message', (e: MessageEvent<ToWebview<E> | null>) => {
      if (!fromHost(e)) return;
      const msg = e.data;
      if (!msg || typeof msg !== 'object') return;
      if (msg.type === 'init') onInit(msg.data);
      else if (msg.type === 'response' || msg.type === 'error') {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.type === 'response') p.resolve(msg.result);
        else p.reject(new RequestError(msg.message, msg.fields));
      } else if (msg.type === 'event') this.dispatch(msg);
    });
    this.host.postMessage({ type: 'ready' });
  }

  request<K extends keyof M & string>(method: K, params: M[K]['params']): Promise<M[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.host.postMessage({ type: 'request', id, method, params });
    });
  }

  on<K extends keyof E>(name: K, fn: (data: E[K]) => void): void {
    this.eventHandlers[name] = fn;
  }

  private dispatch<K extends keyof E>(msg: PushedEvent<E, K>): void {
    this.eventHandlers[msg.name]?.(msg.data);
  }
}

/** Builds an element; text is always set with textContent (never HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | boolean | number>> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k === 'className') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}
