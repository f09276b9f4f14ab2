/** "Copy as curl" for a recorded attempt: the same URL, headers and body, single-quoted for a POSIX shell. */
import type { AttemptDto, DeliveryDto } from '../../emulator/http/dto';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** Headers curl computes itself. */
const SKIP = new Set(['content-length', 'host', 'connection', 'transfer-encoding']);

export function curlFor(d: DeliveryDto, attempt?: AttemptDto): string {
  const url = attempt?.request.url ?? d.webhookUrl;
  const headers = attempt?.request.headers ?? {
    'content-type': d.payloadFormat === 'jsonlines' ? 'application/jsonl' : 'application/json',
  };
  const body = attempt?.request.body ?? d.body;
  const parts = [`curl -X POST ${q(url)}`];
  for (const [k, v] of Object.entries(headers)) if (!SKIP.has(k.toLowerCase())) parts.push(`-H ${q(`${k}: ${v}`)}`);
  parts.push(`--data-binary ${q(body)}`);
  return parts.join(' \\\n  ');
}
