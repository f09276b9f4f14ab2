/** `checkEndpoint(url, …)` without an emulator: runs `mailtrap-emulator check --json` and returns its report. */
import { spawn } from 'node:child_process';
import { emulatorScript } from './process';
import type { CheckOptions, CheckReport } from './types';

export function checkEndpoint(url: string, options: CheckOptions): Promise<CheckReport> {
  const args = [emulatorScript(), 'check', url, '--secret', options.secret, '--json'];
  if (options.format) args.push('--format', options.format);
  if (options.timeout !== undefined) args.push('--timeout', String(options.timeout));
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c));
  proc.stderr.on('data', (c: Buffer) => (err += c));
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('close', (code) => {
      if (code === 0 || code === 1) {
        try {
          return resolve(JSON.parse(out) as CheckReport);
        } catch {
          /* fall through */
        }
      }
      reject(new Error(`checkEndpoint: ${err.trim() || `the check exited with ${code}`}`));
    });
  });
}
