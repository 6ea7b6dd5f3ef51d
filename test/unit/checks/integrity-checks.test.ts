import { describe, expect, it } from 'vitest';
import { judge } from '../../../functions/lib/checks/finding.ts';
import {
  duplicateShare,
  emptyTextRate,
  integrityRateChecks,
  truncationRate,
  unknownTokenRate,
} from '../../../functions/lib/checks/integrity-rates.ts';
import { schemaCheck } from '../../../functions/lib/checks/integrity-schema.ts';
import { textLengthCheck } from '../../../functions/lib/checks/integrity-text-length.ts';
import { volumeCheck, volumeFactor } from '../../../functions/lib/checks/integrity-volume.ts';
import { makeWindow } from '../monitor/make-windows.ts';
import { ctxOf } from './ctx.ts';

const ref = makeWindow({ n: 100, seed: 1, truncated: (i) => i < 2, unknownTokenRatio: () => 0.01 });

describe('integrity rates', () => {
  it('measures empty texts, truncation, unknown tokens and duplicates of a window', () => {
    const w = makeWindow({
      n: 100,
      seed: 2,
      textChars: (i) => (i < 3 ? 0 : 10),
      truncated: (i) => i % 10 === 0,
      unknownTokenRatio: (i) => (i < 50 ? 0.1 : 0),
      text: (i) => (i < 20 ? 'same text' : `t${i}`),
    });
    expect(emptyTextRate(w)).toBeCloseTo(0.03, 12);
    expect(truncationRate(w)).toBeCloseTo(0.1, 12);
    expect(unknownTokenRate(w)).toBeCloseTo(0.05, 12);
    expect(duplicateShare(w)).toBeCloseTo(19 / 100, 12);
  });

  it('judges rises over the reference, and empty texts on absolute limits', () => {
    const cur = makeWindow({
      n: 100,
      seed: 3,
      textChars: (i) => (i < 6 ? 0 : 10),
      truncated: (i) => i < 10,
      unknownTokenRatio: () => 0.02,
      idPrefix: 'c',
    });
    const [empty, trunc, unk, dup] = integrityRateChecks(ctxOf(ref, cur));
    expect(empty.value).toBeCloseTo(0.06, 12);
    expect(judge(empty, null)).toBe('alert');
    // Truncation rose from 2% to 10%: past +5% (warning), short of +15% (alert).
    expect(trunc.thresholds.warning).toBeCloseTo(0.07, 12);
    expect(judge(trunc, null)).toBe('warning');
    expect(judge(unk, null)).toBe('ok');
    expect(judge(dup, null)).toBe('ok');
  });

  it('says insufficient_data for a current window below the minimum', () => {
    const checks = integrityRateChecks(ctxOf(ref, makeWindow({ n: 10, seed: 4 })));
    expect(checks.every((c) => c.insufficient)).toBe(true);
  });
});

describe('text length drift', () => {
  it('alerts when texts get much longer', () => {
    const long = makeWindow({ n: 100, seed: 5, textChars: (i) => 200 + i, idPrefix: 'c' });
    const d = textLengthCheck(ctxOf(ref, long));
    expect(d.value).toBe(1);
    expect(judge(d, d.pValue)).toBe('alert');
    expect(d.details).toMatchObject({ currentMedianChars: 249.5 });
  });
});

describe('volume', () => {
  it('is the factor off the expected count, either way', () => {
    expect(volumeFactor(50, 100)).toBe(2);
    expect(volumeFactor(300, 100)).toBe(3);
    expect(volumeFactor(0, 100)).toBe(Number.POSITIVE_INFINITY);
  });

  it('alerts on a traffic drop to a tenth and needs a known usual volume', () => {
    const cur = makeWindow({ n: 100, seed: 6 });
    const d = volumeCheck(ctxOf(ref, cur, { expectedVolume: 1000 }));
    expect(d.value).toBe(10);
    expect(judge(d, null)).toBe('alert');
    expect(volumeCheck(ctxOf(ref, cur, { expectedVolume: null })).insufficient).toBe(true);
  });
});

describe('schema failures', () => {
  it('is the share of part files that did not decode', () => {
    const cur = { ...makeWindow({ n: 100, seed: 7 }), files: 200, unreadableFiles: 1 };
    const d = schemaCheck(ctxOf(ref, cur));
    expect(d.value).toBe(0.005);
    expect(judge(d, null)).toBe('warning');
  });
});
