/** The check report as text for a terminal (a table, each failure with its fix) and as JUnit XML for CI. */
import type { CheckInput, CheckReport } from '../core/check/types';

const MARK = { pass: 'PASS', fail: 'FAIL', warn: 'WARN' } as const;

export function reportTable(input: Pick<CheckInput, 'url' | 'format' | 'timeoutMs'>, report: CheckReport): string {
  const lines = [`Mailtrap endpoint check: ${input.url} (${input.format}, timeout ${input.timeoutMs / 1000} s)`, ''];
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    const mark = c.ok ? MARK.pass : c.severity === 'warning' ? MARK.warn : MARK.fail;
    lines.push(`  ${mark}  ${c.id.padEnd(width)}  ${c.detail}`);
    if (!c.ok && c.fix) lines.push(`        ${' '.repeat(width)}  fix: ${c.fix}`);
  }
  const failed = report.checks.filter((c) => !c.ok && c.severity === 'required').length;
  const warned = report.checks.filter((c) => !c.ok && c.severity === 'warning').length;
  const tail = warned ? `, ${warned} warning${warned > 1 ? 's' : ''}` : '';
  lines.push('', report.ok ? `Ready for Mailtrap: every required check passed${tail}.` : `Not ready for Mailtrap: ${failed} required check${failed > 1 ? 's' : ''} failed${tail}.`);
  return lines.join('\n');
}

const xml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** One testcase per check; a failed required check is a <failure>, a failed warning only prints (CI stays green, as the exit code does). */
export function reportJUnit(input: Pick<CheckInput, 'url'>, report: CheckReport, durationMs: number): string {
  const failures = report.checks.filter((c) => !c.ok && c.severity === 'required').length;
  const suite = 'mailtrap-endpoint-check';
  const cases = report.checks.map((c) => {
    const open = `    <testcase classname="${suite}" name="${xml(c.id)}">`;
    if (c.ok) return `${open}\n      <system-out>${xml(c.detail)}</system-out>\n    </testcase>`;
    const text = xml(`${c.detail}${c.fix ? `\nfix: ${c.fix}` : ''}`);
    if (c.severity === 'warning') return `${open}\n      <system-out>WARNING: ${text}</system-out>\n    </testcase>`;
    return `${open}\n      <failure message="${xml(c.detail)}" type="${xml(c.id)}">${text}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${suite}" tests="${report.checks.length}" failures="${failures}" time="${(durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${suite}: ${xml(input.url)}" tests="${report.checks.length}" failures="${failures}" errors="0" skipped="0" time="${(durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
