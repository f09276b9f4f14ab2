/**
 * A/B of two emulator builds on issue 13's delivery paths, in rounds that alternate between them:
 *   node --import tsx bench/abRounds.ts A/dist/emulator.js B/dist/emulator.js [--e2e | --smtp] [--rounds=8] [--events=40000] [--fill=100000]
 *
 * Both builds run side by side (durable, each its own data dir) against one receiver; each round
 * feeds one of them `--events` events as `npm run bench` does (engine: `/emulator/replay` in
 * requests of 20,000 lines; `--e2e`: `/api/batch`, 20 requests of 1,000 recipients a call) and
 * runs its clock until the receiver has them. `--smtp`: each round sends `--events` messages
 * (default 1,000) through the SMTP bench's pooled nodemailer transport (5 connections) instead.
 * Of two emulators running side by side, one is often several per cent faster whichever build it
 * runs, and which one varies from run to run: so the rounds run twice, the second time with both
 * emulators started again in the other order, and each half's paired ratio is reported along with
 * their geometric mean. Each round starts once both emulators are idle: what one writes into SQLite
 * when idle (its read model, a compaction) would otherwise run during the other's round. Per build:
 * median events/s, feed and drain ms, and emulator CPU µs an event (/proc, the round's own work).
 * `--fill=N`: each delivery emulator first takes N recipients by `/api/batch` and delivers them, as
 * `npm run bench` does to put its emulator past the retention caps (100,000).
 * The last line is JSON.
 */
import { median, round, settle, tmpDir, withCpuPerUnit } from './lib';
import { deliveryEmulator } from './scenarios/delivery';
import { countingReceiver, type CountingReceiver } from './scenarios/receiver';
import { emulatorSmtpServer } from './scenarios/smtp';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const [A, B] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const e2e = process.argv.includes('--e2e');
const smtp = process.argv.includes('--smtp');
const ROUNDS = arg('rounds', 8);
const EVENTS = arg('events', smtp ? 1000 : e2e ? 20_000 : 40_000);
const FILL = arg('fill', 0);

interface Round {
  rate: number;
  feedMs: number;
  drainMs: number;
  cpuUs: number;
}

/** One build: an emulator of the bench's delivery figures (`deliveryEmulator`) or its SMTP figure, with its CPU per event (message) a round. */
async function side(js: string, rx: CountingReceiver) {
  if (smtp) {
    const t = await emulatorSmtpServer(js);
    return {
      pid: t.pid,
      async round(n: number): Promise<Round> {
        const { result: rate, cpuUs } = await withCpuPerUnit(t.pid, n, t.send);
        return { rate, feedMs: 0, drainMs: 0, cpuUs };
      },
      close: () => t.close(),
    };
  }
  const emu = await deliveryEmulator(rx, tmpDir(), js);
  if (FILL) await emu.run(FILL);
  return {
    pid: emu.pid,
    async round(n: number): Promise<Round> {
      const { result: rate, cpuUs } = await withCpuPerUnit(emu.pid, n, e2e ? emu.run : emu.replay);
      return { rate, ...emu.last, cpuUs };
    },
    close: () => emu.close(),
  };
}

/** One half: both builds started (in the order given), warmed up, then `ROUNDS` rounds each, alternating which goes first. */
async function half(rx: CountingReceiver, order: ['A' | 'B', string][]): Promise<Record<'A' | 'B', Round[]>> {
  const sides: { name: 'A' | 'B'; s: Awaited<ReturnType<typeof side>> }[] = [];
  for (const [name, js] of order) sides.push({ name, s: await side(js, rx) });
  for (const { s } of sides) await s.round(smtp ? 100 : 2000);
  const idle = () => settle(sides.map(({ s }) => s.pid), 15_000);
  const out: Record<'A' | 'B', Round[]> = { A: [], B: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const { name, s } of r % 2 ? [...sides].reverse() : sides) {
      await idle();
      out[name].push(await s.round(EVENTS));
    }
  }
  for (const { s } of sides) await s.close();
  return out;
}

async function main() {
  if (!A || !B) throw new Error('usage: bench/abRounds.ts A/dist/emulator.js B/dist/emulator.js [--e2e | --smtp] [--rounds=N] [--events=N]');
  const rx = await countingReceiver();
  const halves = [await half(rx, [['A', A], ['B', B]]), await half(rx, [['B', B], ['A', A]])];
  await rx.close();
  const summary = (rs: Round[]) => ({
    eventsPerSec: round(median(rs.map((r) => r.rate))),
    feedMs: round(median(rs.map((r) => r.feedMs))),
    drainMs: round(median(rs.map((r) => r.drainMs))),
    cpuUsPerEvent: round(median(rs.map((r) => r.cpuUs))),
  });
  const ratios = halves.map((h) => median(h.B.map((b, i) => b.rate / h.A[i].rate)));
  const out = {
    path: smtp ? 'SMTP (nodemailer pool of 5)' : e2e ? 'end-to-end (/api/batch)' : 'engine (/emulator/replay)',
    rounds: ROUNDS,
    events: EVENTS,
    A: { build: A, ...summary(halves.flatMap((h) => h.A)) },
    B: { build: B, ...summary(halves.flatMap((h) => h.B)) },
    /** Median of B ÷ A per round, in each half (A started first, then B first), and their geometric mean. */
    ratioBtoA: { aFirst: round(ratios[0]), bFirst: round(ratios[1]), both: round(Math.sqrt(ratios[0] * ratios[1])) },
  };
  for (const k of ['A', 'B'] as const) {
    const s = out[k];
    const unit = smtp ? 'message' : 'event';
    const phases = smtp ? '' : `, feed ${s.feedMs} ms, drain ${s.drainMs} ms`;
    console.log(`${k}: ${s.eventsPerSec} ${unit}s/s${phases}, CPU ${s.cpuUsPerEvent} µs/${unit}  (${s.build})`);
  }
  console.log(`B ÷ A: ${out.ratioBtoA.both} (A started first: ${out.ratioBtoA.aFirst}, B first: ${out.ratioBtoA.bFirst})`);
  console.log(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
