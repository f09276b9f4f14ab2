/**
 * Client of GET /emulator/stream (Server-Sent Events). Each event is checked against the stream's
 * contract (emulator/http/streamGuards.ts) and delivered typed; one that does not match is reported,
 * not delivered. Reconnects with a capped backoff until disposed, so views stay live across hiccups.
 */
import type { StreamMessage } from '../../emulator/http/dto';
import { decodeStreamMessage } from '../../emulator/http/streamGuards';

export type { StreamMessage };

/** One SSE event as received: its `event:` name and its `data:` (parsed when JSON). */
export interface SseEvent {
  name: string;
  data: unknown;
}

/** Incremental SSE parser: feed it text chunks, get complete events back. */
export class SseParser {
  private buffer = '';
  private event = 'message';
  private data: string[] = [];

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r?\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer[nl] === '\r' ? 2 : 1));
      if (line === '') {
        if (this.data.length) {
          const raw = this.data.join('\n');
          let data: unknown = raw;
          try {
            data = JSON.parse(raw);
          } catch {
            /* not JSON: hand over the text */
          }
          out.push({ name: this.event, data });
        }
        this.event = 'message';
        this.data = [];
      } else if (line.startsWith(':')) {
        // comment (keep-alive)
      } else {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') this.event = value;
        else if (field === 'data') this.data.push(value);
      }
    }
    return out;
  }
}

export interface SseOptions {
  url: string;
  token: string;
  onMessage(msg: StreamMessage): void;
  /** An event that is not in the contract, or whose payload does not match it (not delivered). */
  onInvalid?(event: SseEvent, problems: string[]): void;
  onStatus?(connected: boolean): void;
  onError?(err: Error): void;
  maxBackoffMs?: number;
}

export class SseClient {
  private abort = new AbortController();
  private disposed = false;
  private connected = false;

  constructor(private readonly opts: SseOptions) {
    void this.loop();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  private setConnected(c: boolean): void {
    if (c === this.connected) return;
    this.connected = c;
    this.opts.onStatus?.(c);
  }

  private async loop(): Promise<void> {
    let backoff = 250;
    while (!this.disposed) {
      try {
        const res = await fetch(this.opts.url, {
          // No token: the web UI in a browser, authenticated by its session cookie instead.
          headers: { ...(this.opts.token ? { Authorization: `Bearer ${this.opts.token}` } : {}), Accept: 'text/event-stream' },
          signal: this.abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`stream answered HTTP ${res.status}`);
        this.setConnected(true);
        backoff = 250;
        const parser = new SseParser();
        const decoder = new TextDecoder();
        // A reader loop rather than `for await`: it also runs in browsers without async-iterable streams (the web UI).
        const reader = res.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const ev of parser.push(decoder.decode(value, { stream: true }))) this.deliver(ev);
        }
      } catch (err) {
        if (this.disposed) break;
        this.opts.onError?.(err as Error);
      }
      this.setConnected(false);
      if (this.disposed) break;
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 5000);
    }
  }

  private deliver(ev: SseEvent): void {
    const decoded = decodeStreamMessage(ev.name, ev.data);
    if (decoded.ok) this.opts.onMessage(decoded.message);
    else this.opts.onInvalid?.(ev, decoded.problems);
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    this.setConnected(false);
  }
}
