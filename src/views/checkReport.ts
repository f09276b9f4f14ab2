/** The endpoint check's report as a Markdown document: a verdict, then each check, every failure with its fix. */
import type { CheckReport } from '../../emulator/http/dto';

export function checkSummary(report: CheckReport): string {
  const failed = report.checks.filter((c) => !c.ok && c.severity === 'required').map((c) => c.id);
  const warned = report.checks.filter((c) => !c.ok && c.severity === 'warning').map((c) => c.id);
  const warnings = warned.length ? ` (warning: ${warned.join(', ')})` : '';
  if (report.ok) return `Ready for Mailtrap: every required check passed${warnings}.`;
  return `Not ready for Mailtrap: ${failed.length} required check${failed.length > 1 ? 's' : ''} failed (${failed.join(', ')})${warnings}.`;
}

export function checkReportMarkdown(target: { url: string; format: string; timeout: number }, report: CheckReport, at: Date): string {
  const lines = [
    `# Mailtrap endpoint check: ${report.ok ? 'ready' : 'not ready'}`,
    '',
    `- Endpoint: \`${target.url.replace(/`/g, '%60')}\``,
    `- Payload format: ${target.format}; timeout: ${target.timeout} s; checked ${at.toISOString()}`,
    `- ${checkSummary(report)}`,
    '',
  ];
  for (const c of report.checks) {
    const mark = c.ok ? '✓ passed' : c.severity === 'warning' ? '⚠ warning' : '✗ failed';
    lines.push(`## ${c.id}: ${mark}`, '', c.detail, '');
    if (!c.ok && c.fix) lines.push(`**Fix:** ${c.fix}`, '');
  }
  lines.push('---', '', 'The same check runs in CI: `mailtrap-emulator check <url> --secret <signing secret> [--format jsonlines] [--json] [--junit FILE]`.', '');
  return lines.join('\n');
}
