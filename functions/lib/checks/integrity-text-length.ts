/** Text length drift: KS on characters per text, judged on its adjusted p like the other tests. */
import { ksTest } from '../stats/ks.ts';
import type { CheckContext } from './context.ts';
import { type DraftFinding, formatNumber, insufficient, pValueTestBase } from './finding.ts';

/** The values that are present (NaN marks a record without text). */
function present(values: Float64Array): Float64Array {
  return values.filter((v) => !Number.isNaN(v));
}

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
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
  const ref = present(reference.textChars);
  const cur = present(current.textChars);
  if (ref.length < min || cur.length < min) return insufficient(base);
  const ks = ksTest(ref, cur);
  const refMedian = median(ref);
  const curMedian = median(cur);
  return {
    ...base,
    value: ks.statistic,
    pValue: ks.pValue ?? null,
    insufficient: false,
    describe: `median length ${formatNumber(curMedian)} characters (reference ${formatNumber(refMedian)}), KS ${formatNumber(ks.statistic)}`,
    details: { referenceMedianChars: refMedian, currentMedianChars: curMedian },
  };
}
