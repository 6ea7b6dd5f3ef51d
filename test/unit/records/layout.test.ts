import { describe, expect, it } from 'vitest';
import {
  actualsPartKey,
  alertStateKey,
  baselineKey,
  datesInRange,
  hourPartitionOf,
  hourStartMs,
  hoursInRange,
  InvalidPartitionValueError,
  parseActualsKey,
  parsePredictionKey,
  predictionPartKey,
} from '../../../functions/lib/records/layout.ts';

describe('layout', () => {
  it('builds the Hive-style keys of DESIGN.md', () => {
    const hour = { model: 'sst2-default', version: '1.0', date: '2026-03-04', hour: 5 };
    expect(predictionPartKey(hour, 'abc')).toBe(
      'predictions/model=sst2-default/version=1.0/date=2026-03-04/hour=05/abc.parquet',
    );
    expect(actualsPartKey('m', '2026-03-04', 'x')).toBe('actuals/model=m/date=2026-03-04/x.parquet');
    expect(baselineKey('m', 'v2')).toBe('baselines/model=m/version=v2/reference.parquet');
    expect(alertStateKey('m', 'v2')).toBe('state/model=m/version=v2/alerts.json');
  });

  it('parses back what it builds', () => {
    const hour = { model: 'a_b-c', version: '2.1.0', date: '2025-12-31', hour: 23 };
    expect(parsePredictionKey(predictionPartKey(hour, 'id1'))).toEqual({ ...hour, partId: 'id1' });
    expect(parseActualsKey(actualsPartKey('m', '2025-01-02', 'p'))).toEqual({
      model: 'm',
      date: '2025-01-02',
      partId: 'p',
    });
    expect(parsePredictionKey('predictions/model=m/version=1/date=2025-01-01/hour=01/x.json')).toBeNull();
  });

  it.each(['org/model', 'a=b', '', '../x', 'has space', '100%', '.hidden', 'x'.repeat(129)])(
    'rejects %j as a partition value with a stable code',
    (bad) => {
      let err: unknown;
      try {
        predictionPartKey({ model: bad, version: '1', date: '2025-01-01', hour: 0 }, 'id');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidPartitionValueError);
      expect((err as InvalidPartitionValueError).code).toBe('INVALID_PARTITION_VALUE');
    },
  );

  it('rejects a bad hour or date', () => {
    expect(() => predictionPartKey({ model: 'm', version: '1', date: '2025-01-01', hour: 24 }, 'x')).toThrow(
      /hour/,
    );
    expect(() => predictionPartKey({ model: 'm', version: '1', date: '2025-1-1', hour: 1 }, 'x')).toThrow(
      /date/,
    );
  });

  it('puts a timestamp in its UTC hour', () => {
    const ms = Date.parse('2026-07-01T23:59:59.999Z');
    expect(hourPartitionOf(ms)).toEqual({ date: '2026-07-01', hour: 23 });
    expect(hourStartMs({ date: '2026-07-01', hour: 23 })).toBe(Date.parse('2026-07-01T23:00:00Z'));
  });

  it('enumerates the hours and dates overlapping a half-open window', () => {
    const from = Date.parse('2026-07-01T22:30:00Z');
    const to = Date.parse('2026-07-02T01:00:00Z');
    expect(hoursInRange(from, to)).toEqual([
      { date: '2026-07-01', hour: 22 },
      { date: '2026-07-01', hour: 23 },
      { date: '2026-07-02', hour: 0 },
    ]);
    expect(datesInRange(from, to)).toEqual(['2026-07-01', '2026-07-02']);
  });
});
