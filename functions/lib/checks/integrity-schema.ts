/**
 * What of the window's log could not be used: files that do not decode or are foreign, and rows that
 * fail the record schema (integrity.schema, a rate), plus any file whose records may be missing at all
 * (integrity.unreadable_files: one is already a warning, however small a share it is).
 */
import type { MonitorWindow } from '../monitor/window.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber } from './finding.ts';

/** Files named in a finding's details; the count covers the rest. */
const MAX_NAMED = 20;

export function schemaFailureRate(files: number, unreadable: number): number {
  return files > 0 ? unreadable / files : 0;
}

/** Share of the window's rows that failed the schema (of those kept plus those dropped). */
export function rowFailureRate(w: Pick<MonitorWindow, 'size' | 'rejectedRows'>): number {
  const total = w.size + w.rejectedRows;
  return total > 0 ? w.rejectedRows / total : 0;
}

function named(w: MonitorWindow, unreadableOnly: boolean) {
  const failures = w.schemaFailures.filter((f) => !unreadableOnly || f.rejectedRows === null);
  return { count: failures.length, named: failures.slice(0, MAX_NAMED) };
}

export function schemaCheck(ctx: CheckContext): DraftFinding {
  const { current, config } = ctx;
  const fileRate = schemaFailureRate(current.files, current.unreadableFiles);
  const rowRate = rowFailureRate(current);
  const rate = Math.max(fileRate, rowRate);
  const { count, named: files } = named(current, false);
  return {
    check: 'integrity.schema',
    group: 'integrity',
    title: 'Records failing the schema',
    method: null,
    value: rate,
    thresholds: { ...config.integrity.schemaFailure },
    direction: 'high_is_drift',
    pValue: null,
    referenceSize: ctx.reference.size,
    currentSize: current.size,
    minSampleSize: 1,
    // In-memory windows (tests, evaluations) read no files, so there is nothing to judge.
    insufficient: current.files === 0,
    maxVerdict: 'alert',
    describe:
      `${current.unreadableFiles} of ${current.files} files unreadable (${formatNumber(fileRate * 100)}%), ` +
      `${current.rejectedRows} rows failing the schema (${formatNumber(rowRate * 100)}%)` +
      (files.length > 0 ? `; first: ${files[0].key}: ${files[0].reason}` : ''),
    details: {
      files: current.files,
      unreadableFiles: current.unreadableFiles,
      rejectedRows: current.rejectedRows,
      failedFiles: count,
      failures: files,
    },
  };
}

/** Any file of the window that could not be read is a warning, naming it, whatever the share. */
export function unreadableFilesCheck(ctx: CheckContext): DraftFinding {
  const { current } = ctx;
  const { count, named: files } = named(current, true);
  return {
    check: 'integrity.unreadable_files',
    group: 'integrity',
    title: 'Unreadable files',
    method: null,
    value: count,
    thresholds: { warning: 1, alert: 1 },
    direction: 'high_is_drift',
    pValue: null,
    referenceSize: ctx.reference.size,
    currentSize: current.size,
    minSampleSize: 1,
    insufficient: current.files === 0,
    maxVerdict: 'warning',
    describe:
      count === 0
        ? `all ${current.files} files read`
        : `${count} of ${current.files} files could not be read, their records are missing: ${files
            .map((f) => f.key)
            .join(', ')}${count > files.length ? ', …' : ''}`,
    details: { files: current.files, unreadable: count, failures: files },
  };
}

/** Both schema findings, in report order. */
export function schemaChecks(ctx: CheckContext): DraftFinding[] {
  return [schemaCheck(ctx), unreadableFilesCheck(ctx)];
}
