/**
 * CPU per unit of work in the emulator process (issue 13): drives one durable emulator through
 * replay → batches (per event), /api/batch 20 × 1,000 → batches (per message) and /api/send (per
 * send), and reads its utime + stime from /proc around each. CPU time, unlike throughput, holds up
 * on a loaded machine; run it for two builds in turn for an A/B:
 *   EMU=/other/build/dist/emulator.js node --import tsx bench/cpuPerUnit.ts [--only=replay|batch|send] [--prof]
 * `--prof` writes a .cpuprofile per run into bench-profiles/.
 */
import { countingReceiver } from './scenarios/receiver';
import { client, sampleEvent, webhookFor } from './scenarios/emulator';
import { readCpuMs, spawnReady, tmpDir, EMULATOR_JS } from './lib';

const cpuMs = (pid: number) => readCpuMs(pid) ?? NaN;
const prof = process.argv.includes('--prof');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
async function main() {
  const rx = await countingReceiver();
  const dir = tmpDir();
  const emu = await spawnReady<any>([...(prof ? ['--cpu-prof', '--cpu-prof-dir=bench-profiles'] : []), process.env.EMU ?? EMULATOR_JS, '--port', '0', '--smtp-port', '0', '--data', dir], { MT_EMULATOR_LOG_LEVEL: 'warn' });
  const c = client(emu.ready);
  await c.call('POST', '/api/webhooks', webhookFor(rx.url));
  const pid = emu.proc.pid!;
  const drain = async (target: number) => {
    for (let g = 0; rx.events < target && g < 400; g++) await c.call('POST', '/emulator/clock/advance', { seconds: 30 });
    await rx.waitFor(target);
  };
  let sent = 0;
  const phase = async (name: string, n: number, fn: () => Promise<void>) => {
    if (only && only !== name) return;
    const c0 = cpuMs(pid), t0 = performance.now();
    await fn();
    // A read of the events: the read model (rows written into SQLite later, issue 13) is paid
    // inside the phase, not by the next one.
    await c.call('GET', '/emulator/events?limit=1');
    console.log(`${name}: ${n} units, emulator CPU ${((cpuMs(pid) - c0) * 1000 / n).toFixed(1)} µs/unit, wall ${((performance.now() - t0) * 1000 / n).toFixed(1)} µs/unit`);
  };
  const N = 40_000;
  await phase('replay', N, async () => {
    const target = rx.events + N;
    for (let i = 0; i < N; i += 20000) {
      const lines = Array.from({ length: 20000 }, (_, k) => JSON.stringify(sampleEvent(sent + i + k))).join('\n');
      await c.call('POST', '/emulator/replay', lines, 'application/jsonl');
    }
    sent += N;
    await drain(target);
  });
  const base = { from: { email: 'bench@bench.test' }, subject: 'bench', text: 'hello' };
  await phase('batch', 20_000, async () => {
    const target = rx.events + 20_000;
    const requests = Array.from({ length: 20 }, (_, r) => ({ to: Array.from({ length: 1000 }, (_, k) => ({ email: `u${sent + r * 1000 + k}@example.net` })) }));
    await c.call('POST', '/api/batch', { base, requests });
    sent += 20000;
    await drain(target);
  });
  await phase('send', 5000, async () => {
    const ps = [];
    for (let i = 0; i < 5000; i++) {
      ps.push(c.call('POST', '/api/send', { ...base, to: [{ email: `s${i}@example.net` }] }));
      if (ps.length >= 16) await Promise.all(ps.splice(0));
    }
    await Promise.all(ps);
  });
  await c.close();
  await emu.stop();
  await rx.close();
}
main();
