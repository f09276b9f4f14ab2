/**
 * The emulator's configuration: read once from flags and MT_EMULATOR_* variables, validated,
 * frozen. Flags win over environment variables, which win over the defaults (SPEC §1).
 */

export interface Config {
  /** Interface to bind; loopback unless the user says otherwise. */
  readonly host: string;
  /** HTTP API port; 0 picks a free one. */
  readonly port: number;
  /** SMTP port; 0 picks a free one. */
  readonly smtpPort: number;
  /** Data directory, or null with --memory. */
  readonly dataDir: string | null;
  /** API token; null means "generated once and kept in the data dir". */
  readonly token: string | null;
  /** Virtual seconds per real second. */
  readonly timeScale: number;
  /** Seconds between batch flushes of a webhook's queue. */
  readonly batchInterval: number;
  /** Most events in one POST. */
  readonly batchMax: number;
  /** Retries after the first failed attempt. */
  readonly retries: number;
  /** Seconds between attempts of a failed batch. */
  readonly retryInterval: number;
  /** Seconds an attempt may take. */
  readonly timeout: number;
  /** Delivered events kept for inspection; older ones are pruned. */
  readonly retention: number;
  /** A send from an unknown domain: `auto` creates it verified, `strict` refuses it as Mailtrap does. */
  readonly domains: 'auto' | 'strict';
  /** Stop by itself once the process that started it has exited (the extension passes it). */
  readonly exitWithParent: boolean;
}

export class ConfigError extends Error {}

type Kind = 'string' | 'port' | 'number' | 'int' | 'flag' | 'choice';
interface Option {
  key: keyof Config | 'memory' | 'help' | 'data';
  kind: Kind;
  min?: number;
  choices?: readonly string[];
  describe: string;
}

const OPTIONS: Record<string, Option> = {
  host: { key: 'host', kind: 'string', describe: 'interface to bind [127.0.0.1]' },
  port: { key: 'port', kind: 'port', describe: 'HTTP port, 0 for a free one [8780]' },
  'smtp-port': { key: 'smtpPort', kind: 'port', describe: 'SMTP port, 0 for a free one [2525]' },
  data: { key: 'data', kind: 'string', describe: 'data directory [./.mailtrap-emulator]' },
  memory: { key: 'memory', kind: 'flag', describe: 'keep everything in memory, write no files' },
  token: { key: 'token', kind: 'string', describe: 'API token [generated once, kept in the data dir]' },
  'time-scale': { key: 'timeScale', kind: 'number', min: 0.000001, describe: 'virtual seconds per real second [1]' },
  'batch-interval': { key: 'batchInterval', kind: 'number', min: 0.001, describe: 'seconds between batch flushes [30]' },
  'batch-max': { key: 'batchMax', kind: 'int', min: 1, describe: 'most events per POST [500]' },
  retries: { key: 'retries', kind: 'int', min: 0, describe: 'retries after a failed attempt [40]' },
  'retry-interval': { key: 'retryInterval', kind: 'number', min: 0.001, describe: 'seconds between attempts [300]' },
  timeout: { key: 'timeout', kind: 'number', min: 0.001, describe: 'seconds an attempt may take [30]' },
  retention: { key: 'retention', kind: 'int', min: 1, describe: 'delivered events kept for inspection [100000]' },
  domains: { key: 'domains', kind: 'choice', choices: ['auto', 'strict'], describe: 'unknown sender domains: auto (create, verified) or strict (refuse) [auto]' },
  'exit-with-parent': { key: 'exitWithParent', kind: 'flag', describe: 'exit cleanly within 5 s once the parent process is gone [off]' },
  help: { key: 'help', kind: 'flag', describe: 'print this help' },
};

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8780,
  smtpPort: 2525,
  dataDir: './.mailtrap-emulator',
  timeScale: 1,
  batchInterval: 30,
  batchMax: 500,
  retries: 40,
  retryInterval: 300,
  timeout: 30,
  retention: 100_000,
  domains: 'auto',
} as const;

export function usage(): string {
  const lines = Object.entries(OPTIONS).map(([flag, o]) => `  --${flag}${o.kind === 'flag' ? '' : ' <value>'}`.padEnd(30) + o.describe);
  return ['Usage: mailtrap-emulator [options]', '       mailtrap-emulator check <url> --secret <signing secret> [--format json|jsonlines] [--timeout S] [--json] [--junit FILE]', '', ...lines, '', 'Every option is also an environment variable: --smtp-port → MT_EMULATOR_SMTP_PORT.'].join('\n');
}

const envName = (flag: string): string => `MT_EMULATOR_${flag.toUpperCase().replace(/-/g, '_')}`;

function convert(flag: string, o: Option, raw: string, source: string): string | number | boolean {
  const bad = (what: string): never => {
    throw new ConfigError(`${source} ${flag}: ${what}, got ${JSON.stringify(raw)}`);
  };
  switch (o.kind) {
    case 'flag':
      if (['', '1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
      if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
      return bad('expected true or false');
    case 'string':
      if (raw === '') bad('expected a value');
      return raw;
    case 'choice':
      if (!o.choices!.includes(raw)) bad(`expected one of ${o.choices!.join(', ')}`);
      return raw;
    case 'port': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) bad('expected a port number 0-65535');
      return n;
    }
    case 'int': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isInteger(n) || n < (o.min ?? 0)) bad(`expected a whole number >= ${o.min ?? 0}`);
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || n < (o.min ?? 0)) bad('expected a positive number');
      return n;
    }
  }
}

export interface ParsedArgs {
  config: Config;
  help: boolean;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = {}): ParsedArgs {
  const values: Record<string, string | number | boolean> = {};
  for (const [flag, o] of Object.entries(OPTIONS)) {
    const raw = env[envName(flag)];
    if (raw !== undefined) values[o.key] = convert(flag, o, raw, `environment variable ${envName(flag)} for`);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new ConfigError(`unexpected argument ${JSON.stringify(arg)} (see --help)`);
    const [, flag, inline] = m;
    const o = OPTIONS[flag];
    if (!o) throw new ConfigError(`unknown option --${flag} (see --help)`);
    let raw = inline;
    if (raw === undefined && o.kind !== 'flag') {
      if (i + 1 >= argv.length) throw new ConfigError(`option --${flag} needs a value`);
      raw = argv[++i];
    }
    values[o.key] = convert(flag, o, raw ?? '', 'option');
  }
  if (values.memory === true && typeof values.data === 'string') throw new ConfigError('--memory and --data cannot be used together');
  const config: Config = Object.freeze({
    host: (values.host as string) ?? DEFAULTS.host,
    port: (values.port as number) ?? DEFAULTS.port,
    smtpPort: (values.smtpPort as number) ?? DEFAULTS.smtpPort,
    dataDir: values.memory === true ? null : ((values.data as string) ?? DEFAULTS.dataDir),
    token: (values.token as string) ?? null,
    timeScale: (values.timeScale as number) ?? DEFAULTS.timeScale,
    batchInterval: (values.batchInterval as number) ?? DEFAULTS.batchInterval,
    batchMax: (values.batchMax as number) ?? DEFAULTS.batchMax,
    retries: (values.retries as number) ?? DEFAULTS.retries,
    retryInterval: (values.retryInterval as number) ?? DEFAULTS.retryInterval,
    timeout: (values.timeout as number) ?? DEFAULTS.timeout,
    retention: (values.retention as number) ?? DEFAULTS.retention,
    domains: (values.domains as Config['domains']) ?? DEFAULTS.domains,
    exitWithParent: values.exitWithParent === true,
  });
  return { config, help: values.help === true };
}
