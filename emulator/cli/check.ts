/**
 * `mailtrap-emulator check <url> --secret S [--format json|jsonlines] [--timeout S] [--json] [--junit FILE]`:
 * checks a webhook handler against Mailtrap's rules without starting the emulator. Exit code 0
 * when no required check failed, 1 when one did, 2 for bad arguments.
 */
import * as fs from 'node:fs';
import { urlProblem } from '../core/check/input';
import type { CheckInput } from '../core/check/types';
import { checkEndpoint } from '../outbound/endpointCheck';
import { reportJUnit, reportTable } from './checkReport';

export class CheckUsageError extends Error {}

export interface CheckArgs {
  input: CheckInput;
  json: boolean;
  junit: string | null;
  help: boolean;
}

export const CHECK_USAGE = [
  'Usage: mailtrap-emulator check <url> --secret <signing secret> [options]',
  '',
  'Sends Mailtrap-shaped, signed batches to your webhook endpoint and reports whether it is ready',
  'for Mailtrap: exactly 200, within the timeout, every event type, a 500-event batch, the payload',
  'format, a redelivered batch, and (a warning) whether a wrong signature is refused.',
  '',
  '  --secret <secret>             the webhook\'s signing secret (required)',
  '  --format json|jsonlines       the webhook\'s payload format [json]',
  '  --timeout <seconds>           how long Mailtrap waits for an answer [30]',
  '  --json                        print {"ok":…,"checks":[…]} instead of a table',
  '  --junit <file>                also write a JUnit XML report',
  '',
  'Exit code: 0 when no required check failed, 1 when one did, 2 for bad arguments.',
].join('\n');

export function parseCheckArgs(argv: string[]): CheckArgs {
  let url: string | undefined;
  let secret: string | undefined;
  let format: CheckInput['format'] = 'json';
  let timeout = 30;
  let json = false;
  let junit: string | null = null;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(argv[i]);
    if (!m) {
      if (url !== undefined) throw new CheckUsageError(`unexpected argument ${JSON.stringify(argv[i])} (one URL only)`);
      url = argv[i];
      continue;
    }
    const [, flag, inline] = m;
    const value = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) throw new CheckUsageError(`option --${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case 'secret':
        secret = value();
        break;
      case 'format': {
        const f = value();
        if (f !== 'json' && f !== 'jsonlines') throw new CheckUsageError(`--format: expected json or jsonlines, got ${JSON.stringify(f)}`);
        format = f;
        break;
      }
      case 'timeout': {
        const raw = value();
        timeout = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(timeout) || timeout <= 0 || timeout > 300) throw new CheckUsageError(`--timeout: expected seconds from 0 to 300, got ${JSON.stringify(raw)}`);
        break;
      }
      case 'json':
        json = true;
        break;
      case 'junit':
        junit = value();
        break;
      case 'help':
        help = true;
        break;
      default:
        throw new CheckUsageError(`unknown option --${flag} (see check --help)`);
    }
  }
  if (help) return { input: { url: '', secret: '', format, timeoutMs: timeout * 1000 }, json, junit, help };
  if (!url) throw new CheckUsageError('check needs the endpoint URL (see check --help)');
  const bad = urlProblem(url);
  if (bad) throw new CheckUsageError(`the URL ${bad}: ${JSON.stringify(url)}`);
  if (!secret) throw new CheckUsageError('check needs --secret <signing secret>: the endpoint verifies Mailtrap-Signature with it');
  return { input: { url, secret, format, timeoutMs: timeout * 1000 }, json, junit, help };
}

export async function runCheckCli(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let args: CheckArgs;
  try {
    args = parseCheckArgs(argv);
  } catch (e) {
    if (e instanceof CheckUsageError) {
      err.write(`mailtrap-emulator check: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    out.write(CHECK_USAGE + '\n');
    return 0;
  }
  const started = performance.now();
  const report = await checkEndpoint(args.input, args.json ? undefined : (o) => {
    err.write(`  sent ${o.kind} (${o.eventCount} event${o.eventCount > 1 ? 's' : ''}): ${o.status ?? o.error ?? 'no answer'}\n`);
  });
  out.write((args.json ? JSON.stringify(report) : reportTable(args.input, report)) + '\n');
  if (args.junit) fs.writeFileSync(args.junit, reportJUnit(args.input, report, performance.now() - started));
  return report.ok ? 0 : 1;
}
