import { describe, expect, it } from 'vitest';
import {
  type DraftFinding,
  finalizeFinding,
  judge,
  worseVerdict,
} from '../../../functions/lib/checks/finding.ts';

const draft = (over: Partial<DraftFinding>): DraftFinding => ({
  check: 'x.y',
  group: 'embedding_drift',
  title: 'X',
  method: null,
  value: 0,
  thresholds: { warning: 0.05, alert: 0.01 },
  direction: 'low_is_drift',
  pValue: 0.5,
  referenceSize: 100,
  currentSize: 100,
  minSampleSize: 30,
  insufficient: false,
  maxVerdict: 'alert',
  describe: 'measured',
  ...over,
});

describe('judge', () => {
  it('judges p-value findings on the adjusted p, not the raw one', () => {
    const d = draft({ pValue: 0.001 });
    expect(judge(d, 0.001)).toBe('alert');
    expect(judge(d, 0.03)).toBe('warning');
    expect(judge(d, 0.2)).toBe('ok');
  });

  it('judges distance findings on the value, at or above each threshold', () => {
    const d = (value: number) =>
      draft({ direction: 'high_is_drift', value, thresholds: { warning: 0.1, alert: 0.2 } });
    expect(judge(d(0.09), null)).toBe('ok');
    expect(judge(d(0.1), null)).toBe('warning');
    expect(judge(d(0.2), null)).toBe('alert');
  });

  it('caps tracked findings at warning', () => {
    expect(judge(draft({ maxVerdict: 'warning' }), 1e-9)).toBe('warning');
  });

  it('says insufficient_data below the minimum sample size whatever the value', () => {
    expect(judge(draft({ insufficient: true }), 1e-9)).toBe('insufficient_data');
  });

  it('refuses to judge NaN instead of calling it ok', () => {
    expect(() => judge(draft({ direction: 'high_is_drift', value: Number.NaN }), null)).toThrow(/NaN/);
  });
});

describe('finalizeFinding', () => {
  it('carries the adjusted p and a message naming the verdict', () => {
    const f = finalizeFinding(draft({ pValue: 0.002 }), 0.004);
    expect(f.pValueAdjusted).toBe(0.004);
    expect(f.verdict).toBe('alert');
    expect(f.message).toContain('alert');
    expect(f.message).toContain('measured');
  });

  it('says how much data was missing when insufficient', () => {
    const f = finalizeFinding(draft({ insufficient: true, referenceSize: 3, currentSize: 10 }), null);
    expect(f.message).toMatch(/3 reference, 10 current; needs 30/);
  });
});

describe('worseVerdict', () => {
  it('orders insufficient_data < ok < warning < alert', () => {
    expect(worseVerdict('ok', 'insufficient_data')).toBe('ok');
    expect(worseVerdict('warning', 'ok')).toBe('warning');
    expect(worseVerdict('warning', 'alert')).toBe('alert');
  });
});
