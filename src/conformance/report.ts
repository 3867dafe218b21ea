/**
 * Text and JSON renderings of a conformance report. The text form ends with exactly one line
 * `N passed, N failed`, which scripts read.
 */
import type { CaseResult, ConformanceReport, FileSummary } from './conformance.js';

export function fileLine(s: FileSummary): string {
  const error = s.error === undefined ? '' : ` (file error: ${s.error})`;
  return `${s.file}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped${error}`;
}

export function failureBlock(r: CaseResult): string {
  const title = `FAIL [${r.mode}] ${r.file}${r.id === '' ? '' : ` #${r.id}`}${r.desc === '' ? '' : ` ${r.desc}`}`;
  const body = (r.message ?? '').split('\n').map((line) => `    ${line}`);
  return [title, ...body].join('\n');
}

export function summaryLine(report: Pick<ConformanceReport, 'passed' | 'failed'>): string {
  return `${report.passed} passed, ${report.failed} failed`;
}

/** The end of the text output, after one `fileLine` per file (printed as each file finished). */
export function renderTotals(report: ConformanceReport): string[] {
  return [`total: ${report.files.length} files, ${report.skipped} skipped`, summaryLine(report)];
}

/** JSON output (one line), followed by the summary line. */
export function renderJson(report: ConformanceReport, verbose: boolean): string[] {
  const body = {
    passed: report.passed,
    failed: report.failed,
    skipped: report.skipped,
    files: report.files,
    failures: report.results.filter((r) => r.status === 'failed'),
    ...(verbose ? { results: report.results } : {}),
  };
  return [JSON.stringify(body), summaryLine(report)];
}
