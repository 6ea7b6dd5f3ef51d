/** Text length drift: KS on characters per text, judged on its adjusted p like the other tests. */
import { ksTest } from '../stats/ks.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient, pValueTestBase } from './finding.ts';

function median(values: Int32Array): number {
  if (values.length === 0) return 0;
  const s = Int32Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function textLengthCheck(ctx: CheckContext): DraftFinding {
  const { reference, current, config } = ctx;
  const base = pValueTestBase(ctx, {
    check: 'integrity.text_length',
    group: 'integrity',
    title: 'Text length drift',
    method: 'ks',
    maxVerdict: 'alert',
  });
  const min = config.minDriftSampleSize;
  if (reference.size < min || current.size < min) return insufficient(base);
  const ks = ksTest(reference.textChars, current.textChars);
  const refMedian = median(reference.textChars);
  const curMedian = median(current.textChars);
  return {
    ...base,
    value: ks.statistic,
    pValue: ks.pValue ?? null,
    insufficient: false,
    describe: `median length ${formatNumber(curMedian)} characters (reference ${formatNumber(refMedian)}), KS ${formatNumber(ks.statistic)}`,
    details: { referenceMedianChars: refMedian, currentMedianChars: curMedian },
  };
}
