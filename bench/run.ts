/**
 * `npm run bench [-- --quick]` (issue 7): every figure against a baseline measured in the same
 * run on the same machine, in alternating rounds (see lib.ts). Prints the figures (median, min,
 * max), the ratios against their goals, and as the last line one JSON object with all of them.
 * `--quick` (under 60 s) uses fewer rounds and shorter loads, and reads memory off the 100,000
 * event fill of the start-up figure; `met` is only judged on the full sizes (`scaled: true` marks
 * a figure measured on fewer events than the goal names).
 */
import * as os from 'node:os';
import { parseConfig } from '../emulator/config';
import { interleave, settle, median, pairedRatio, printTable, round, summarize, tmpDir, withCpuPerUnit, type Figure } from './lib';
import { deliveryEmulator, leastEngine, minimalEngine, rawDelivery, rawDeliveryProcess, type RoundPhases } from './scenarios/delivery';
import { countingReceiver } from './scenarios/receiver';
import { retrySchedule } from './scenarios/retrySchedule';
import { emulatorSendServer, sendLoad, trivialSendServer } from './scenarios/sendIngest';
import { bareSmtpServer, emulatorSmtpServer } from './scenarios/smtp';
import { emulatorStart, fillDataDir, nodeStart } from './scenarios/store';

const quick = process.argv.includes('--quick');
const P = quick
  ? { rounds: 3, deliveryEvents: 5000, replayEvents: 20_000, loadSeconds: 1, smtpMessages: 300, storedEvents: 100_000, memoryEvents: 100_000 }
  : { rounds: 5, deliveryEvents: 20_000, replayEvents: 40_000, loadSeconds: 3, smtpMessages: 1000, storedEvents: 100_000, memoryEvents: 1_000_000 };

interface Ratio {
  value: number;
  goal: string;
  met: boolean;
  scaled?: boolean;
  /** A reference figure (what a goal is measured against), not a goal of its own. */
  reference?: true;
}

/** `--retention`'s default. */
const DEFAULT_RETENTION = parseConfig([]).config.retention;

const figures: Figure[] = [];
const failed: string[] = [];
const ratios: Record<string, Ratio> = {};
/** A goal not met, told as what the same rounds measured around it (the references of `ratios`, the round's phases). */
const splits: { deliveryEngine?: string } = {};
const add = (name: string, unit: string, runs: number[]) => figures.push({ name, unit, runs: runs.map((x) => round(x)) });
const log = (msg: string) => console.error(`[bench] ${msg}`);

async function delivery() {
  const rx = await countingReceiver();
  const emu = await deliveryEmulator(rx, tmpDir());
  const floor = await minimalEngine(rx);
  const least = await leastEngine(rx);
  const rawProcess = await rawDeliveryProcess(rx);
  try {
    // Warm-up, every side, a round of its own size (the emulator's end-to-end path by the fill
    // below): after a warm-up of 1,000 events the first measured engine round used 1.5-1.9 times
    // the emulator CPU of the later ones (issue 13, thirty-first step).
    await rawDelivery(rx, P.replayEvents);
    await rawProcess.run(P.replayEvents);
    await emu.run(1000);
    // A long session: past the default retention caps (100,000 messages, 100,000 events), where
    // every round also prunes what goes beyond them. (Until the sixteenth step of issue 13 the
    // rounds began below the caps, and only the last end-to-end round reached the messages'.)
    const t0 = performance.now();
    await emu.run(DEFAULT_RETENTION);
    log(`delivery emulator filled past the retention caps (${DEFAULT_RETENTION} messages) in ${Math.round(performance.now() - t0)} ms`);
    await emu.replay(P.replayEvents);
    await floor.replay(P.replayEvents);
    await floor.run(P.deliveryEvents);
    await least.replay(P.replayEvents);
    // CPU per event of each side's process in its rounds: it holds up on a loaded machine better
    // than throughput (what is written into SQLite when idle afterwards is not in it).
    const cpu = { engine: [] as number[], e2e: [] as number[], floor: [] as number[], floorE2e: [] as number[], least: [] as number[] };
    const withCpu = async (side: keyof typeof cpu, pid: number | undefined, n: number, run: (n: number) => Promise<number>) => {
      const { result, cpuUs } = await withCpuPerUnit(pid, n, run);
      if (Number.isFinite(cpuUs)) cpu[side].push(cpuUs);
      return result;
    };
    // Where an engine round goes: its replay requests answered (feed), then its events delivered
    // (drain, from the clock's advance); the raw baseline's round is a drain alone.
    const phases = { engineFeed: [] as number[], engineDrain: [] as number[], leastFeed: [] as number[], leastDrain: [] as number[] };
    const phased = (side: 'engine' | 'least', last: RoundPhases) => (rate: number) => {
      phases[`${side}Feed`].push(last.feedMs);
      phases[`${side}Drain`].push(last.drainMs);
      return rate;
    };
    const r = await interleave(P.rounds, {
      base: () => rawDelivery(rx, P.replayEvents),
      baseProcess: () => rawProcess.run(P.replayEvents),
      engine: () => withCpu('engine', emu.pid, P.replayEvents, emu.replay).then(phased('engine', emu.last)),
      e2e: () => withCpu('e2e', emu.pid, P.deliveryEvents, emu.run),
      floor: () => withCpu('floor', floor.pid, P.replayEvents, floor.replay),
      floorE2e: () => withCpu('floorE2e', floor.pid, P.deliveryEvents, floor.run),
      least: () => withCpu('least', least.pid, P.replayEvents, least.replay).then(phased('least', least.last)),
    }, () => settle([emu.pid, floor.pid, least.pid, rawProcess.pid]));
    add('raw undici Pool → express receiver', 'events/s', r.base);
    add('  the same raw Pool from a process of its own', 'events/s', r.baseProcess);
    add('emulator delivery engine: replay → batches (durable)', 'events/s', r.engine);
    add('emulator end-to-end: /api/batch → batches (durable)', 'events/s', r.e2e);
    add('minimal durable engine (floor): replay → batches', 'events/s', r.floor);
    add('minimal durable engine (floor): /api/batch → batches', 'events/s', r.floorE2e);
    add('least engine (floor on bytes, own-form lines): replay → batches', 'events/s', r.least);
    if (cpu.engine.length) add('  CPU of the emulator per event, engine rounds', 'µs', cpu.engine);
    if (cpu.e2e.length) add('  CPU of the emulator per event, end-to-end rounds', 'µs', cpu.e2e);
    if (cpu.floor.length) add('  CPU of the minimal engine per event', 'µs', cpu.floor);
    if (cpu.floorE2e.length) add('  CPU of the minimal engine per event, end-to-end rounds', 'µs', cpu.floorE2e);
    if (cpu.least.length) add('  CPU of the least engine per event', 'µs', cpu.least);
    const roundMs = (rates: number[]) => rates.map((rate) => (P.replayEvents / rate) * 1000);
    add(`a round of ${P.replayEvents} events: raw (its batches posted and received)`, 'ms', roundMs(r.base));
    add('  the emulator engine: replay requests answered (feed)', 'ms', phases.engineFeed);
    add('  the emulator engine: then delivered (drain)', 'ms', phases.engineDrain);
    add('  the least engine: replay requests answered (feed)', 'ms', phases.leastFeed);
    add('  the least engine: then delivered (drain)', 'ms', phases.leastDrain);
    const engine = pairedRatio(r.engine, r.base);
    const e2e = pairedRatio(r.e2e, r.base);
    const floorRatio = pairedRatio(r.floor, r.base);
    ratios.deliveryEngine = { value: round(engine), goal: '>= 0.5', met: engine >= 0.5 };
    ratios.delivery = { value: round(e2e), goal: '>= 0.25', met: e2e >= 0.25 };
    ratios.minimalEngine = { value: round(floorRatio), goal: 'reference', met: false, reference: true };
    const leastE2e = pairedRatio(r.floorE2e, r.base);
    ratios.minimalEndToEnd = { value: round(leastE2e), goal: 'reference', met: false, reference: true };
    // The goals are judged against the baseline (above); these say how much of the gap is
    // the process boundary every batch of the emulator crosses and the in-process baseline does not.
    const crossing = pairedRatio(r.baseProcess, r.base);
    ratios.rawAcrossProcesses = { value: round(crossing), goal: 'reference', met: false, reference: true };
    ratios.deliveryEngineVsRawProcess = { value: round(pairedRatio(r.engine, r.baseProcess)), goal: 'reference', met: false, reference: true };
    ratios.deliveryVsRawProcess = { value: round(pairedRatio(r.e2e, r.baseProcess)), goal: 'reference', met: false, reference: true };
    // What an engine written in Node reaches here when it keeps nothing and parses nothing (the
    // floor's protocol on bytes throughout), and how much of that the emulator's engine reaches:
    // the engine goal's gap split into what any such engine leaves and what the emulator adds.
    ratios.leastEngine = { value: round(pairedRatio(r.least, r.base)), goal: 'reference', met: false, reference: true };
    ratios.deliveryEngineVsLeast = { value: round(pairedRatio(r.engine, r.least)), goal: 'reference', met: false, reference: true };
    // The engine's goal not met: its measured split, printed beside the ratios (issue 13's "done
    // when": for a goal not met, the split of what is left, inside the emulator's code or not).
    if (!ratios.deliveryEngine.met) {
      const ms = (runs: number[]) => round(median(runs));
      splits.deliveryEngine =
        `deliveryEngine ${ratios.deliveryEngine.value} is below its goal (${ratios.deliveryEngine.goal}). Its split in the same rounds: the least engine, a process that runs none of the emulator's code (keeps nothing, parses nothing), ${ratios.leastEngine.value} of raw; ` +
        `the engine ${ratios.deliveryEngineVsLeast.value} of the least engine; the raw sender from a process of its own ${ratios.rawAcrossProcesses.value} of the in-process one, the engine ${ratios.deliveryEngineVsRawProcess.value} of that. ` +
        `A round (medians, ms): raw ${ms(roundMs(r.base))}; the engine ${ms(phases.engineFeed)} feed + ${ms(phases.engineDrain)} drain; the least engine ${ms(phases.leastFeed)} feed + ${ms(phases.leastDrain)} drain.`;
    }
  } finally {
    await rawProcess.close();
    await floor.close();
    await least.close();
    await emu.close();
    await rx.close();
  }
}

async function sendIngest() {
  const [trivial, durable, memory] = [await trivialSendServer(), await emulatorSendServer(true), await emulatorSendServer(false)];
  try {
    for (const t of [trivial, durable, memory]) await sendLoad(t, 1); // warm-up
    const r = await interleave(P.rounds, {
      trivial: () => sendLoad(trivial, P.loadSeconds),
      durable: () => sendLoad(durable, P.loadSeconds),
      memory: () => sendLoad(memory, P.loadSeconds),
    }, () => settle([trivial.pid, durable.pid, memory.pid]));
    add('trivial express /api/send', 'req/s', r.trivial);
    add('emulator /api/send (durable)', 'req/s', r.durable);
    add('emulator /api/send (--memory)', 'req/s', r.memory);
    const ingest = pairedRatio(r.durable, r.trivial);
    const overhead = pairedRatio(r.durable, r.memory);
    ratios.sendIngest = { value: round(ingest), goal: '>= 0.7', met: ingest >= 0.7 };
    ratios.durableOverhead = { value: round(overhead), goal: '>= 0.8', met: overhead >= 0.8 };
  } finally {
    for (const t of [trivial, durable, memory]) await t.stop();
  }
}

async function smtp() {
  const [bare, emu] = [await bareSmtpServer(), await emulatorSmtpServer()];
  try {
    await bare.send(100); // warm-up: connections open, JIT
    await emu.send(100);
    const r = await interleave(P.rounds, { bare: () => bare.send(P.smtpMessages), emu: () => emu.send(P.smtpMessages) }, () => settle([bare.pid, emu.pid]));
    add('bare smtp-server (nodemailer pool)', 'msg/s', r.bare);
    add('emulator SMTP (durable, nodemailer pool)', 'msg/s', r.emu);
    const v = pairedRatio(r.emu, r.bare);
    ratios.smtpIngest = { value: round(v), goal: '>= 0.7', met: v >= 0.7 };
  } finally {
    await bare.close();
    await emu.close();
  }
}

async function retries() {
  const runs: Awaited<ReturnType<typeof retrySchedule>>[] = [];
  for (let i = 0; i < (quick ? 2 : 3); i++) runs.push(await retrySchedule());
  for (const x of runs) if (x.attempts !== 41) throw new Error(`expected 41 attempts, the receiver saw ${x.attempts}`);
  add('empty clock/advance over the same span', 'ms wall', runs.map((x) => x.emptyMs));
  add('41-attempt schedule under one clock/advance', 'ms wall', runs.map((x) => x.ms));
  const v = median(runs.map((x) => x.ms));
  ratios.retrySchedule = { value: round(v), goal: '< 1000 ms', met: v < 1000 };
}

let filled100k: Awaited<ReturnType<typeof fillDataDir>> | null = null;

async function startup() {
  const filled = (filled100k = await fillDataDir(P.storedEvents));
  add(`storing events by replay (${P.storedEvents})`, 'events/s', [filled.eventsPerSec]);
  // What the default retention (100,000) would hold at most, whatever the number of events sent.
  add(`RSS after storing ${P.storedEvents} events`, 'MB', [filled.rssMb]);
  await nodeStart(); // warm the file cache for both
  await emulatorStart(filled.dir);
  const r = await interleave(P.rounds, { node: nodeStart, emu: () => emulatorStart(filled.dir) });
  add('node -e start to first line', 'ms', r.node);
  add(`emulator start to ready (${P.storedEvents} events)`, 'ms', r.emu);
  const v = median(r.emu.map((x, i) => x - r.node[i]));
  ratios.startupAboveNode = { value: round(v), goal: '< 300 ms', met: v < 300 };
}

async function memory() {
  // --quick reuses the start-up fill instead of storing a million events (~40 s on its own).
  const filled = quick && filled100k ? filled100k : await fillDataDir(P.memoryEvents);
  const events = quick ? P.storedEvents : P.memoryEvents;
  if (!quick) add(`RSS after storing ${events} events`, 'MB', [filled.rssMb]);
  const scaled = events < 1_000_000;
  ratios.memory = { value: round(filled.rssMb), goal: '< 600 MB after 1M', met: !scaled && filled.rssMb < 600, scaled };
}

async function main() {
  const started = performance.now();
  for (const [name, fn] of [
    ['delivery', delivery],
    ['send ingest', sendIngest],
    ['smtp', smtp],
    ['retry schedule', retries],
    ['start-up', startup],
    ['memory', memory],
  ] as const) {
    const t0 = performance.now();
    try {
      await fn();
    } catch (err) {
      // One broken figure must not lose the others: it is reported and the run goes on.
      failed.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
    log(`${name}: ${Math.round(performance.now() - t0)} ms`);
  }
  printTable(figures.map((f) => ({ figure: f.name, unit: f.unit, ...summarize(f), runs: f.runs.length })));
  console.log('');
  printTable(
    Object.entries(ratios).map(([k, v]) => ({ ratio: k, value: v.value, goal: v.goal, met: v.reference ? '—' : v.met ? 'yes' : v.scaled ? 'n/a (scaled)' : 'NO' })),
  );
  if (splits.deliveryEngine) console.log(`\n${splits.deliveryEngine}`);
  for (const f of failed) console.log(`FAILED ${f}`);
  const cpus = os.cpus();
  const machine = { cpus: cpus.length, model: cpus[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, loadAvg: os.loadavg().map((x) => round(x, 2)) };
  const out = {
    machine,
    quick,
    seconds: round((performance.now() - started) / 1000),
    figures: Object.fromEntries(figures.map((f) => [f.name, { unit: f.unit, ...summarize(f), runs: f.runs }])),
    ratios,
    splits,
    failed,
  };
  console.log(JSON.stringify(out));
  if (failed.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
