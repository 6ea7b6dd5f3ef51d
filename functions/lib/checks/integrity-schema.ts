/** Part files of the window that could not be decoded against the log schema. */
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber } from './finding.ts';

export function schemaFailureRate(files: number, unreadable: number): number {
  return files > 0 ? unreadable / files : 0;
}

export function schemaCheck(ctx: CheckContext): DraftFinding {
  const { current, config } = ctx;
  const rate = schemaFailureRate(current.files, current.unreadableFiles);
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
    describe: `${current.unreadableFiles} of ${current.files} part files unreadable (${formatNumber(rate * 100)}%)`,
    details: { files: current.files, unreadableFiles: current.unreadableFiles },
  };
}
