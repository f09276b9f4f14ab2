/** Setting keys (section `mailtrapEmulator`) and their typed, validated reading. */
import { DEFAULTS } from '../emulator/config';

export const SECTION = 'mailtrapEmulator';

export const Setting = {
  autoStart: 'autoStart',
  httpPort: 'httpPort',
  smtpPort: 'smtpPort',
  timeScale: 'timeScale',
  batchIntervalSeconds: 'batchIntervalSeconds',
  dataLocation: 'dataLocation',
  domains: 'domains',
} as const;

/** Settings whose change needs the emulator restarted (everything except autoStart). */
export const RESTART_SETTINGS = [
  Setting.httpPort,
  Setting.smtpPort,
  Setting.timeScale,
  Setting.batchIntervalSeconds,
  Setting.dataLocation,
  Setting.domains,
] as const;

export type DataLocation = 'workspace' | 'global' | 'memory';

export interface EmulatorSettings {
  autoStart: boolean;
  httpPort: number;
  smtpPort: number;
  timeScale: number;
  batchIntervalSeconds: number;
  dataLocation: DataLocation;
  /** `--domains`: unknown sender domains are created (`auto`) or refused (`strict`). */
  domains: 'auto' | 'strict';
}

/** The emulator's own defaults (emulator/config.ts), the one source; package.json's are pinned to them by a test. */
export const DEFAULT_SETTINGS: Readonly<EmulatorSettings> = Object.freeze({
  autoStart: true,
  httpPort: DEFAULTS.port,
  smtpPort: DEFAULTS.smtpPort,
  timeScale: DEFAULTS.timeScale,
  batchIntervalSeconds: DEFAULTS.batchInterval,
  dataLocation: 'workspace',
  domains: 'auto',
});

type Getter = <T>(key: string, fallback: T) => T;

const port = (v: unknown, d: number) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535 ? (v as number) : d);
const positive = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : d);

/** Reads settings through `get` (a WorkspaceConfiguration's), replacing invalid values with defaults. */
export function readSettings(get: Getter): EmulatorSettings {
  const loc = get<string>(Setting.dataLocation, DEFAULT_SETTINGS.dataLocation);
  return Object.freeze({
    autoStart: get<boolean>(Setting.autoStart, DEFAULT_SETTINGS.autoStart) !== false,
    httpPort: port(get(Setting.httpPort, DEFAULT_SETTINGS.httpPort), DEFAULT_SETTINGS.httpPort),
    smtpPort: port(get(Setting.smtpPort, DEFAULT_SETTINGS.smtpPort), DEFAULT_SETTINGS.smtpPort),
    timeScale: positive(get(Setting.timeScale, DEFAULT_SETTINGS.timeScale), DEFAULT_SETTINGS.timeScale),
    batchIntervalSeconds: positive(get(Setting.batchIntervalSeconds, DEFAULT_SETTINGS.batchIntervalSeconds), DEFAULT_SETTINGS.batchIntervalSeconds),
    dataLocation: loc === 'global' || loc === 'memory' ? loc : 'workspace',
    domains: get<string>(Setting.domains, DEFAULT_SETTINGS.domains) === 'strict' ? 'strict' : 'auto',
  });
}

/**
 * The emulator's command-line flags for these settings; `dataDir` is null for memory. With
 * `--exit-with-parent` an emulator whose extension host died stops by itself within seconds.
 */
export function emulatorArgs(s: EmulatorSettings, dataDir: string | null): string[] {
  const args = [
    '--port', String(s.httpPort),
    '--smtp-port', String(s.smtpPort),
    '--time-scale', String(s.timeScale),
    '--batch-interval', String(s.batchIntervalSeconds),
    '--domains', s.domains,
    '--exit-with-parent',
  ];
  return dataDir ? [...args, '--data', dataDir] : [...args, '--memory'];
}
