/**
 * `npm run bench [-- --quick]`: every figure is a ratio against a baseline measured in the same
 * run on the same machine. Prints a table (median, min, max), then one JSON object as the last line.
 */
import * as os from 'node:os';
import { median, printTable, repeat, round, summarize, type Figure } from './lib';
import * as s from './scenarios';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;
const N_EVENTS = quick ? 2000 : 20_000;
const LOAD_SECONDS = quick ? 2 : 5;
const SMTP_MESSAGES = quick ? 300 : 2000;
const STORED_EVENTS = quick ? 10_000 : 100_000;
const MEMORY_EVENTS = quick ? 50_000 : 1_000_000;

async function main() {
  const figures: Figure[] = [];
  const add = (name: string, unit: string, values: number[]) => {
    figures.push({ name, unit, runs: values });
    return median(values);
  };
  const ratios: Record<string, { value: number; goal: string; met: boolean }> = {};

  const base = add('raw undici → receiver', 'events/s', await repeat(runs, () => s.baselineRawDelivery(N_EVENTS)));
  const e2e = add('emulator end-to-end delivery', 'events/s', await repeat(runs, () => s.emulatorDelivery(N_EVENTS)));
  ratios.delivery = { value: round(e2e / base), goal: '>= 0.5', met: e2e / base >= 0.5 };

  const trivial = add('trivial express /api/send', 'req/s', await repeat(runs, () => s.baselineSendIngest(LOAD_SECONDS)));
  const durable = add('emulator /api/send (durable)', 'req/s', await repeat(runs, () => s.emulatorSendIngest(LOAD_SECONDS, true)));
  const memory = add('emulator /api/send (--memory)', 'req/s', await repeat(runs, () => s.emulatorSendIngest(LOAD_SECONDS, false)));
  ratios.sendIngest = { value: round(durable / trivial), goal: '>= 0.7', met: durable / trivial >= 0.7 };
  ratios.durableOverhead = { value: round(durable / memory), goal: '>= 0.8', met: durable / memory >= 0.8 };

  const bare = add('bare smtp-server', 'msg/s', await repeat(runs, () => s.baselineSmtp(SMTP_MESSAGES)));
  const smtp = add('emulator SMTP (durable)', 'msg/s', await repeat(runs, () => s.emulatorSmtp(SMTP_MESSAGES)));
  ratios.smtpIngest = { value: round(smtp / bare), goal: '>= 0.7', met: smtp / bare >= 0.7 };

  const schedules = await repeat(runs, async () => {
    const r = await s.retrySchedule();
    if (r.attempts !== 41) throw new Error(`expected 41 attempts, receiver saw ${r.attempts}`);
    return r.ms;
  });
  const schedule = add('41-attempt schedule under clock/advance', 'ms wall', schedules);
  ratios.retrySchedule = { value: round(schedule), goal: '< 1000 ms', met: schedule < 1000 };

  const stored = await s.dataDirWithEvents(STORED_EVENTS);
  const nodeMs = add('node -e start', 'ms', await repeat(runs, () => s.nodeStart()));
  const startMs = add(`emulator start to ready (${STORED_EVENTS} events)`, 'ms', await repeat(runs, () => s.startToReady(stored.dir)));
  ratios.startup = { value: round(startMs - nodeMs), goal: '< 300 ms above node', met: startMs - nodeMs < 300 };

  const mem = await s.dataDirWithEvents(MEMORY_EVENTS);
  add(`RSS after storing ${MEMORY_EVENTS} events`, 'MB', [mem.rssMb]);
  ratios.memory = { value: round(mem.rssMb), goal: '< 600 MB', met: mem.rssMb < 600 };

  printTable(
    figures.map((f) => ({ figure: f.name, unit: f.unit, ...summarize(f) })),
  );
  console.log('');
  printTable(Object.entries(ratios).map(([k, v]) => ({ ratio: k, value: v.value, goal: v.goal, met: v.met ? 'yes' : 'NO' })));
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, quick };
  console.log(JSON.stringify({ machine, figures: Object.fromEntries(figures.map((f) => [f.name, { unit: f.unit, ...summarize(f) }])), ratios }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
