/** JSON-lines logger on stderr: one object a line, tagged with its component (SPEC §1). */
import type { Logger } from './core/ports';
import { safeOutput } from './output';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(
  component: string,
  opts: { level?: Level; write?: (line: string) => void } = {},
): Logger {
  const min = ORDER[opts.level ?? ((process.env.MT_EMULATOR_LOG_LEVEL as Level) || 'info')] ?? ORDER.info;
  // A line that cannot be written (the reader of stderr is gone) is dropped, never logged again.
  const write = opts.write ?? ((line: string) => safeOutput(process.stderr).write(line));
  const make = (comp: string): Logger => {
    const emit = (level: Level, msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < min) return;
      let line: string;
      try {
        line = JSON.stringify({ time: new Date().toISOString(), level, component: comp, msg, ...fields });
      } catch {
        line = JSON.stringify({ time: new Date().toISOString(), level, component: comp, msg });
      }
      write(line + '\n');
    };
    return {
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
      child: (c) => make(c),
    };
  };
  return make(component);
}
