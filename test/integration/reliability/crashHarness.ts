/**
 * Crash-point harness: a steady load against the real emulator process on a data dir (HTTP sends,
 * batch sends, SMTP sends, replays of up to ~2.5 parts of JSON Lines or of 1 MB and more, webhook
 * and domain churn, clock advances that drive lifecycles and deliveries to real receivers, some
 * failing), `kill -9` at a random moment, restart on the same dir, again and again. The ledger
 * keeps what was acknowledged; `settle()` then lets every receiver answer 200 and runs the clock
 * until everything acknowledged has been delivered.
 *
 * Randomness comes from a seeded generator so a failing run can be replayed (`MT_CRASH_SEED`).
 */
import nodemailer from 'nodemailer';
import { api, startEmulatorProcess, type RunningEmulator } from '../../helpers/emulatorProcess';
import { startReceiver, type Answer, type Receiver } from '../../helpers/receiver';
import { ALL_EVENT_TYPES, Ledger, SCENARIO_TAGS, type Stream } from './ledger';

export const EMULATOR_FLAGS = ['--batch-interval', '1', '--retry-interval', '5', '--timeout', '5', '--retries', '100000'];
/** Small enough that compaction (snapshot + journal rotation) happens under load and gets killed too. */
const COMPACT_ENV = { MT_EMULATOR_COMPACT_BYTES: String(256 * 1024) };

/** mulberry32: small, seedable, good enough for picking moments and scenarios. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Call = ReturnType<typeof api>;

export interface Stats {
  kills: number;
  acked: { http: number; batch: number; smtp: number; replay: number; webhookOps: number; domainOps: number };
  tornTails: number;
  snapshotFallbacks: number;
  /** Opens that cut the journal's pages written ahead off its end (a kill left them). */
  aheadCuts: number;
  starts: number;
}

/** The stable webhooks whose receivers are checked; churn webhooks go to a receiver nobody checks. */
export interface Target {
  name: string;
  stream: Stream;
  format: 'json' | 'jsonlines';
  flaky: boolean;
  receiver?: Receiver;
}

export class CrashHarness {
  readonly ledger = new Ledger();
  readonly stats: Stats = { kills: 0, acked: { http: 0, batch: 0, smtp: 0, replay: 0, webhookOps: 0, domainOps: 0 }, tornTails: 0, snapshotFallbacks: 0, aheadCuts: 0, starts: 0 };
  readonly targets: Target[] = [
    { name: 'tx-json', stream: 'transactional', format: 'json', flaky: false },
    { name: 'tx-lines', stream: 'transactional', format: 'jsonlines', flaky: true },
    { name: 'bulk-json', stream: 'bulk', format: 'json', flaky: true },
  ];
  private churnReceiver!: Receiver;
  private readonly stableIds = new Set<number>();
  /** While true, flaky receivers fail some requests (500, reset); settle() turns it off. */
  private turbulent = true;
  private seq = 0;
  readonly random: () => number;

  constructor(
    readonly dir: string,
    seed: number,
  ) {
    this.random = rng(seed);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)];
  }

  async setUp(): Promise<void> {
    for (const t of this.targets) {
      t.receiver = await startReceiver((_n, req) => this.answer(t, req.body));
    }
    this.churnReceiver = await startReceiver(() => ({ status: 200 }));
    const emu = await this.start();
    const call = api(emu.ready);
    for (const t of this.targets) {
      const r = await call('POST', '/api/webhooks', {
        webhook: { url: `${t.receiver!.url}/${t.name}`, webhook_type: 'email_sending', payload_format: t.format, sending_stream: t.stream, event_types: ALL_EVENT_TYPES },
      });
      if (r.status !== 200) throw new Error(`stable webhook create: ${r.status} ${r.text}`);
      this.ledger.webhooks.set(r.json.data.id, 'exists');
      this.stableIds.add(r.json.data.id);
    }
    await emu.stop();
  }

  private answer(t: Target, body: string): Answer {
    if (this.turbulent && t.flaky) {
      const x = this.random();
      if (x < 0.35) return { status: 500 };
      if (x < 0.45) return { reset: true };
    }
    this.ledger.received(t.name, body);
    return { status: 200 };
  }

  async tearDown(): Promise<void> {
    await Promise.all([...this.targets.map((t) => t.receiver?.close()), this.churnReceiver?.close()]);
  }

  /** Start on the data dir and check the store opened cleanly (no error lines, an 'opened' line). */
  async start(): Promise<RunningEmulator> {
    const emu = await startEmulatorProcess(['--data', this.dir, ...EMULATOR_FLAGS], COMPACT_ENV);
    this.stats.starts++;
    try {
      this.checkOpenedCleanly(emu);
    } catch (err) {
      await emu.kill9();
      throw err;
    }
    return emu;
  }

  private checkOpenedCleanly(emu: RunningEmulator): void {
    const lines = emu
      .stderr()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; msg: string; component: string; aheadCut?: number });
    const bad = lines.filter((l) => l.level === 'error');
    if (bad.length) throw new Error(`store did not open cleanly: ${JSON.stringify(bad)}`);
    if (!lines.some((l) => l.msg === 'store opened')) throw new Error(`no 'store opened' line:\n${emu.stderr()}`);
    this.stats.tornTails += lines.filter((l) => /torn/.test(l.msg)).length;
    this.stats.snapshotFallbacks += lines.filter((l) => /snapshot/.test(l.msg) && l.level === 'warn').length;
    this.stats.aheadCuts += lines.filter((l) => l.msg === 'store opened' && (l.aheadCut ?? 0) > 0).length;
  }

  /** One crash point: start, run the load for a random while, kill -9 in the middle of it. */
  async round(): Promise<void> {
    const emu = await this.start();
    const call = api(emu.ready);
    const state = { alive: true, lullUntil: 0 };
    const smtp = this.smtpTransport(emu);
    const workers = [
      this.loop(state, () => this.httpSend(call)),
      this.loop(state, () => this.batchSend(call)),
      this.loop(state, () => this.smtpSend(smtp)),
      this.loop(state, () => this.replay(call)),
      this.loop(state, () => this.churn(call)),
      this.loop(state, () => this.advance(call)),
    ];
    // Half the kills land early (start-up, replay, first connections), half in a warm steady state
    // (after the first SMTP acknowledgement, which waits for smtp-server's 100 ms greeting delay).
    const smtpBefore = this.stats.acked.smtp;
    if (this.random() < 0.5) {
      for (let waited = 0; this.stats.acked.smtp === smtpBefore && waited < 2000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, this.random() * 300));
    } else {
      await new Promise((r) => setTimeout(r, 30 + this.random() * 400));
    }
    // One round in three has a lull first (the load paused 400–1,000 ms, the kill during it or
    // after it): quiet time, when the store writes its journal's next pages ahead (journal.ts), so a
    // kill also finds them there, written over by records or not. (Batches and lifecycle events
    // still fall due meanwhile, every real second or two with these flags: not every lull is quiet.)
    if (this.random() < 1 / 3) {
      const lull = 400 + this.random() * 600;
      state.lullUntil = performance.now() + lull;
      await new Promise((r) => setTimeout(r, this.random() * (lull + 200)));
    }
    state.alive = false;
    await emu.kill9();
    this.stats.kills++;
    await Promise.all(workers);
    smtp.close();
  }

  /** Repeat `op` until the kill; an error or a non-200 while the emulator is alive is a finding. */
  private async loop(state: { alive: boolean; lullUntil: number }, op: () => Promise<string | null>): Promise<void> {
    while (state.alive) {
      const lull = state.lullUntil - performance.now();
      if (lull > 0) {
        await new Promise((r) => setTimeout(r, lull));
        continue;
      }
      try {
        const problem = await op();
        if (problem && state.alive) this.ledger.unexpected.push(problem);
      } catch (err) {
        if (state.alive) this.ledger.unexpected.push(String(err));
      }
    }
  }

  private recipient(): string {
    return `u${++this.seq}${this.pick(SCENARIO_TAGS)}@example.net`;
  }

  private mail(to: string[]) {
    return { from: { email: 'app@crash.test' }, to: to.map((email) => ({ email })), subject: 'Crash', text: 'hi', html: '<a href="https://crash.test/x">x</a>' };
  }

  private async httpSend(call: Call): Promise<string | null> {
    const bulk = this.random() < 0.4;
    const to = Array.from({ length: 1 + Math.floor(this.random() * 3) }, () => this.recipient());
    const r = await call('POST', bulk ? '/bulk/api/send' : '/api/send', this.mail(to));
    if (r.status !== 200) return `send ${r.status} ${r.text}`;
    const stream: Stream = bulk ? 'bulk' : 'transactional';
    (r.json.message_ids as string[]).forEach((id, i) => this.ledger.message({ id, email: to[i], stream, via: 'http' }));
    this.stats.acked.http++;
    return null;
  }

  private async batchSend(call: Call): Promise<string | null> {
    const bulk = this.random() < 0.4;
    const to = Array.from({ length: 1 + Math.floor(this.random() * 4) }, () => this.recipient());
    const body = { base: { from: { email: 'app@crash.test' }, subject: 'Batch', text: 'hi' }, requests: to.map((email) => ({ to: [{ email }] })) };
    const r = await call('POST', bulk ? '/bulk/api/batch' : '/api/batch', body);
    if (r.status !== 200) return `batch ${r.status} ${r.text}`;
    const stream: Stream = bulk ? 'bulk' : 'transactional';
    (r.json.responses as { success: boolean; message_ids: string[] }[]).forEach((res, i) => {
      if (res.success) this.ledger.message({ id: res.message_ids[0], email: to[i], stream, via: 'batch' });
    });
    this.stats.acked.batch++;
    return null;
  }

  /** One pooled SMTP connection per round, as a mail client would keep; AUTH as `api` / token. */
  private smtpTransport(emu: RunningEmulator) {
    return nodemailer.createTransport({
      host: '127.0.0.1', port: emu.ready.smtpPort, secure: false, ignoreTLS: true, auth: { user: 'api', pass: emu.ready.token }, pool: true, maxConnections: 1,
      // Shorter than nodemailer's defaults (30 s greeting, 2 min connection) so the process exits soon after the
      // last kill, long enough for a machine busy with other tests.
      connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 10_000,
    });
  }

  private async smtpSend(transport: ReturnType<CrashHarness['smtpTransport']>): Promise<string | null> {
    const to = this.recipient();
    const info = await transport.sendMail({ from: 'app@crash.test', to, subject: 'SMTP', text: 'hi' });
    const m = /queued as ([0-9a-f-]{36})/.exec(info.response);
    if (!m) return `smtp reply ${info.response}`;
    this.ledger.message({ id: m[1], email: to, stream: 'transactional', via: 'smtp' });
    this.stats.acked.smtp++;
    return null;
  }

  /**
   * A replay of `delivery` events, each its own message id, in the emulator's own form: recorded in
   * parts of 1,024 lines in one transaction (issue 13), so a kill may land between two parts. Once
   * acknowledged, each event is expected at the stream's receivers as a sent message's `delivery` is.
   */
  private async replay(call: Call): Promise<string | null> {
    await new Promise((r) => setTimeout(r, 200 + this.random() * 400));
    const stream: Stream = this.random() < 0.4 ? 'bulk' : 'transactional';
    // Up to ~2.5 parts; one in four of 1 MB or more, its lines made on two threads (replayLines.ts).
    const n = this.random() < 0.25 ? 6000 + Math.floor(this.random() * 3000) : 1 + Math.floor(this.random() * 2600);
    const tag = ++this.seq;
    const email = (i: number) => `replayed${tag}x${i}@example.net`;
    const id = (i: number) => `replay-${tag}-${i}`;
    const lines = Array.from({ length: n }, (_, i) =>
      JSON.stringify({ event: 'delivery', message_id: id(i), event_id: 'x', timestamp: 0, email: email(i), sending_stream: stream, sending_domain_name: 'crash.test' }),
    );
    const r = await call('POST', '/emulator/replay', lines.join('\n'), { 'Content-Type': 'application/jsonl' });
    if (r.status !== 200) return `replay ${r.status} ${r.text}`;
    if (r.json.data.recorded !== n) return `replay recorded ${r.json.data.recorded} of ${n}`;
    for (let i = 0; i < n; i++) this.ledger.message({ id: id(i), email: email(i), stream, via: 'replay' });
    this.stats.acked.replay++;
    return null;
  }

  private async churn(call: Call): Promise<string | null> {
    const x = this.random();
    const known = (fate: string) => [...this.ledger.webhooks].filter(([id, f]) => f === fate && !this.stableIds.has(id)).map(([id]) => id);
    if (x < 0.3) {
      const r = await call('POST', '/api/webhooks', {
        webhook: { url: `${this.churnReceiver.url}/c${++this.seq}`, webhook_type: 'email_sending', sending_stream: this.pick(['transactional', 'bulk']), event_types: ['delivery', 'bounce'] },
      });
      if (r.status !== 200) return `webhook create ${r.status} ${r.text}`;
      this.ledger.webhooks.set(r.json.data.id, 'exists');
    } else if (x < 0.45 && known('exists').length) {
      const id = this.pick(known('exists'));
      const r = await call('PATCH', `/api/webhooks/${id}`, { webhook: { url: `${this.churnReceiver.url}/p${++this.seq}`, active: this.random() < 0.5 } });
      if (r.status !== 200) return `webhook patch ${r.status} ${r.text}`;
    } else if (x < 0.65 && known('exists').length) {
      const id = this.pick(known('exists'));
      this.ledger.webhooks.set(id, 'unknown');
      const r = await call('DELETE', `/api/webhooks/${id}`);
      if (r.status !== 200) return `webhook delete ${r.status} ${r.text}`;
      this.ledger.webhooks.set(id, 'deleted');
    } else if (x < 0.85) {
      const name = `churn-${++this.seq}.test`;
      this.ledger.domains.set(name, { id: null, fate: 'unknown' });
      const r = await call('POST', '/api/domains', { domain: { domain_name: name } });
      if (r.status !== 200) return `domain create ${r.status} ${r.text}`;
      this.ledger.domains.set(name, { id: r.json.id, fate: 'exists' });
    } else {
      const alive = [...this.ledger.domains].filter(([, d]) => d.fate === 'exists');
      if (!alive.length) return null;
      const [name, d] = this.pick(alive);
      d.fate = 'unknown';
      const r = await call('DELETE', `/api/domains/${d.id}`);
      if (r.status !== 204) return `domain delete ${r.status} ${r.text}`;
      this.ledger.domains.set(name, { id: d.id, fate: 'deleted' });
      this.stats.acked.domainOps++;
      return null;
    }
    this.stats.acked.webhookOps++;
    return null;
  }

  private async advance(call: Call): Promise<string | null> {
    await new Promise((r) => setTimeout(r, 20));
    const r = await call('POST', '/emulator/clock/advance', { seconds: 1 + Math.floor(this.random() * 15) });
    return r.status === 200 ? null : `advance ${r.status} ${r.text}`;
  }

  /**
   * Final phase: every receiver answers 200; advance the clock (lifecycles take up to 10 virtual
   * minutes: a suspension's re-checks, a failing soft bounce's retries; then a batch interval, then
   * retries every 5 s) until nothing acknowledged is missing or the bound is hit.
   */
  async settle(): Promise<RunningEmulator> {
    this.turbulent = false;
    const emu = await this.start();
    const call = api(emu.ready);
    for (let i = 0; i < 60 && this.missingCount() > 0; i++) {
      const r = await call('POST', '/emulator/clock/advance', { seconds: i < 3 ? 240 : 10 });
      if (r.status !== 200) throw new Error(`advance ${r.status}`);
      await new Promise((res) => setTimeout(res, 20));
    }
    return emu;
  }

  missingCount(): number {
    return this.targets.reduce((n, t) => n + this.ledger.missing(t.name, t.stream).length, 0);
  }
}
