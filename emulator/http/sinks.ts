/**
 * The sink (SPEC §6): named in-memory receivers for demos without an endpoint of one's own.
 * Each records what reaches it and answers from its script: the responses in order, then the
 * last one again (or the list again with `repeat: "cycle"`). Memory is bounded per sink.
 */
import { BadRequestError } from '../core/errors';
import type { SinkDto, SinkRequestDto, SinkResponseScript, SinkScript } from './dto';

export const SINK_NAME_RE = /^[A-Za-z0-9._~-]{1,64}$/;
const MAX_REQUESTS = 1000;
const MAX_SINKS = 200;
/** Stored per request; a 500-event batch is well under it. */
export const MAX_SINK_BODY = 2 * 1024 * 1024;
const MAX_RESPONSES = 1000;
const MAX_DELAY_MS = 10 * 60 * 1000;

interface Sink {
  script: SinkScript | null;
  cursor: number;
  requests: SinkRequestDto[];
}

/** Told of each request a sink answered (the live stream's `sink.request`). */
export type SinkListener = (sink: string, request: SinkRequestDto) => void;

export class SinkRegistry {
  private readonly sinks = new Map<string, Sink>();
  private readonly listeners = new Set<SinkListener>();
  private nextId = 1;

  constructor(private readonly baseUrl: () => string) {}

  private sink(name: string): Sink {
    let s = this.sinks.get(name);
    if (!s) {
      // /sink/* needs no token, so the number of sinks is bounded: the oldest one makes room.
      if (this.sinks.size >= MAX_SINKS) this.sinks.delete(this.sinks.keys().next().value!);
      this.sinks.set(name, (s = { script: null, cursor: 0, requests: [] }));
    }
    return s;
  }

  setScript(name: string, input: unknown): SinkDto {
    const script = validateScript(input);
    const s = this.sink(name);
    s.script = script;
    s.cursor = 0;
    return this.get(name);
  }

  /** The answer for the next request, advancing the script. */
  nextAnswer(name: string): SinkResponseScript {
    const s = this.sink(name);
    const list = s.script?.responses;
    if (!list?.length) return { status: 200 };
    const i = s.script!.repeat === 'cycle' ? s.cursor % list.length : Math.min(s.cursor, list.length - 1);
    s.cursor++;
    return list[i];
  }

  record(name: string, req: Omit<SinkRequestDto, 'id' | 'answeredStatus'>): SinkRequestDto {
    const s = this.sink(name);
    const body = req.body.length > MAX_SINK_BODY ? req.body.slice(0, MAX_SINK_BODY) : req.body;
    const entry: SinkRequestDto = { ...req, body, id: this.nextId++, answeredStatus: null };
    s.requests.push(entry);
    if (s.requests.length > MAX_REQUESTS) s.requests.splice(0, s.requests.length - MAX_REQUESTS);
    return entry;
  }

  /** The request was answered with `status` (null: scripted to hang, never answered); listeners hear of it. */
  answered(name: string, entry: SinkRequestDto, status: number | null): void {
    entry.answeredStatus = status;
    for (const fn of this.listeners) fn(name, entry);
  }

  onRequest(fn: SinkListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get(name: string): SinkDto {
    const s = this.sinks.get(name);
    return { name, url: `${this.baseUrl()}/sink/${name}`, script: s?.script ?? null, requests: s ? [...s.requests] : [] };
  }

  list(): SinkDto[] {
    return [...this.sinks.keys()].sort().map((n) => this.get(n));
  }

  /** Forget the sink's requests and script. */
  clear(name: string): void {
    this.sinks.delete(name);
  }
}

function validateScript(input: unknown): SinkScript {
  const bad = (m: string): never => {
    throw new BadRequestError([m]);
  };
  if (!input || typeof input !== 'object' || Array.isArray(input)) bad(`body must be {"responses":[...]}`);
  const o = input as Record<string, unknown>;
  if (!Array.isArray(o.responses) || o.responses.length === 0) bad(`'responses' must be a non-empty array`);
  const responses = o.responses as unknown[];
  if (responses.length > MAX_RESPONSES) bad(`at most ${MAX_RESPONSES} responses`);
  if (o.repeat !== undefined && o.repeat !== 'last' && o.repeat !== 'cycle') bad(`'repeat' must be "last" or "cycle"`);
  const out: SinkResponseScript[] = responses.map((r, i) => {
    if (!r || typeof r !== 'object' || Array.isArray(r)) return bad(`responses[${i}] must be an object`);
    const x = r as Record<string, unknown>;
    if (x.status !== undefined && !(Number.isInteger(x.status) && (x.status as number) >= 200 && (x.status as number) <= 599)) {
      bad(`responses[${i}].status must be an HTTP status from 200 to 599`);
    }
    if (x.delayMs !== undefined && !(typeof x.delayMs === 'number' && x.delayMs >= 0 && x.delayMs <= MAX_DELAY_MS)) {
      bad(`responses[${i}].delayMs must be from 0 to ${MAX_DELAY_MS}`);
    }
    if (x.hang !== undefined && typeof x.hang !== 'boolean') bad(`responses[${i}].hang must be true or false`);
    if (x.body !== undefined && typeof x.body !== 'string') bad(`responses[${i}].body must be a string`);
    if (x.headers !== undefined) {
      const h = x.headers;
      if (!h || typeof h !== 'object' || Array.isArray(h) || !Object.values(h).every((v) => typeof v === 'string')) {
        bad(`responses[${i}].headers must be an object of strings`);
      }
    }
    const s: SinkResponseScript = {};
    if (x.status !== undefined) s.status = x.status as number;
    if (x.delayMs !== undefined) s.delayMs = x.delayMs as number;
    if (x.hang !== undefined) s.hang = x.hang as boolean;
    if (x.body !== undefined) s.body = x.body as string;
    if (x.headers !== undefined) s.headers = x.headers as Record<string, string>;
    return s;
  });
  return { responses: out, ...(o.repeat ? { repeat: o.repeat as 'last' | 'cycle' } : {}) };
}
