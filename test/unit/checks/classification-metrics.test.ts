import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classificationMetrics, joinActuals } from '../../../functions/lib/checks/classification-metrics.ts';
import { CodedStrings, DistinctStrings } from '../../../functions/lib/monitor/window-columns.ts';

// Produced by tools/fixtures/monitor_fixtures.py (sklearn.metrics).
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/monitor/classification-metrics.json', import.meta.url), 'utf8'),
) as {
  cases: {
    name: string;
    labels: string[];
    actual: string[];
    predicted: string[];
    accuracy: number;
    macro_f1: number;
    precision: (number | null)[];
    recall: (number | null)[];
    confusion: number[][];
  }[];
};

describe('classificationMetrics against sklearn', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const m = classificationMetrics(c.predicted, c.actual, c.labels);
      expect(m.accuracy).toBeCloseTo(c.accuracy, 12);
      expect(m.macroF1).toBeCloseTo(c.macro_f1, 12);
      c.labels.forEach((l, i) => {
        expect(m.perClass[l].precision).toEqual(
          c.precision[i] === null ? null : expect.closeTo(c.precision[i] as number, 12),
        );
        expect(m.perClass[l].recall).toEqual(
          c.recall[i] === null ? null : expect.closeTo(c.recall[i] as number, 12),
        );
      });
      expect(m.confusion.matrix).toEqual(c.confusion);
    });
  }
});

describe('joinActuals', () => {
  it('pairs only the predictions whose id has a true label', () => {
    const ids = new DistinctStrings();
    for (const id of ['a', 'b', 'c']) ids.add(id);
    const labels = new CodedStrings();
    for (const l of ['P', 'N', 'P']) labels.push(l);
    const j = joinActuals(
      ids,
      labels,
      new Map([
        ['c', 'N'],
        ['a', 'P'],
        ['z', 'P'],
      ]),
    );
    expect(j).toEqual({ predicted: ['P', 'P'], actual: ['P', 'N'], index: [0, 2] });
  });
});
