#!/usr/bin/env node
/**
 * CLI entry (`mailtrap-emulator`, `dist/emulator.js`). First stdout line: the JSON ready line.
 * Logs: JSON lines on stderr. Bad flags: one line on stderr, exit 2. SIGTERM/SIGINT: clean exit 0.
 */
import './preload';
import { ConfigError, parseConfig, usage } from './config';
import { createLogger } from './log';
import { isBrokenOutput, safeOutput } from './output';
import { watchParent } from './parentWatch';
import { startEmulator } from './server';

const stdout = safeOutput(process.stdout);
const stderr = safeOutput(process.stderr);

async function main(): Promise<void> {
  // `check <url> …` checks a user's endpoint and exits; it starts no emulator.
  if (process.argv[2] === 'check') {
    const { runCheckCli } = await import('./cli/check');
    process.exitCode = await runCheckCli(process.argv.slice(3));
    return;
  }
  let parsed;
  try {
    parsed = parseConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr.write(`mailtrap-emulator: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    stdout.write(usage() + '\n');
    return;
  }
  const { config } = parsed;
  const log = createLogger('main');
  if (!['127.0.0.1', 'localhost', '::1'].includes(config.host)) {
    log.warn('listening on a non-loopback interface: anyone who can reach it and knows the token can use the emulator', {
      host: config.host,
    });
  }
  // Signals are handled from the start: a stop during start-up waits for it, then closes cleanly.
  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    if (!emulator) return; // start-up finishes, sees `stopping`, and closes
    emulator.close().then(
      () => process.exit(0),
      (err) => {
        log.error('error while stopping', { error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (config.exitWithParent) watchParent(() => stop('parent exited'));
  try {
    emulator = await startEmulator(config, log);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { port?: number; listener?: string };
    // Names the listener: the user has one setting to change, not two to guess between.
    const msg = e.code === 'EADDRINUSE' ? `${e.listener ? `${e.listener} ` : ''}port ${e.port ?? ''} is already in use`.replace('  ', ' ') : String(e.message ?? e);
    log.error('failed to start', { error: msg, code: e.code });
    stderr.write(`mailtrap-emulator: ${msg}\n`);
    process.exit(1);
  }
  if (stopping) {
    await emulator.close();
    process.exit(0);
  }
  stdout.write(JSON.stringify(emulator.ready) + '\n');
  // codeCache: what the CLI's loader did with V8's code cache (scripts/build.mjs): used, written, rejected (then rewritten) or off (run from sources).
  const codeCache = (globalThis as Record<symbol, unknown>)[Symbol.for('mailtrap-emulator.code-cache')] ?? 'off';
  log.info('ready', { http: emulator.ready.http, smtpPort: emulator.ready.smtpPort, dataDir: emulator.ready.dataDir, ui: emulator.ready.ui, codeCache });
}

// Logged and survived; an error that only says an output's reader is gone is not logged (to where?).
process.on('uncaughtException', (err) => {
  if (!isBrokenOutput(err)) createLogger('main').error('uncaught exception', { error: err.stack ?? String(err) });
});
process.on('unhandledRejection', (err) => {
  if (!isBrokenOutput(err)) createLogger('main').error('unhandled rejection', { error: err instanceof Error ? err.stack : String(err) });
});

void main();
