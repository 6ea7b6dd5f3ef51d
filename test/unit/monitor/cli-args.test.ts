import { describe, expect, it } from 'vitest';
import { parseBaselineArgs } from '../../../cli/baseline.ts';
import { errorLine, UsageError } from '../../../cli/commands.ts';
import { parseDuration, parseMonitorArgs } from '../../../cli/monitor.ts';

describe('vigil monitor arguments', () => {
  it('parses durations in ms, s, m, h and d', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1.5d')).toBe(129_600_000);
    expect(() => parseDuration('0h')).toThrow(UsageError);
    expect(() => parseDuration('24')).toThrow(/positive duration/);
  });

  it('defaults to the baseline, a window ending now (its length from the model version), seed 0 and console alerts', () => {
    const now = new Date('2026-03-02T00:00:00Z');
    const o = parseMonitorArgs(['--data-dir', 'd'], () => now);
    expect(o).toMatchObject({
      dataDir: 'd',
      // Left to the model version's monitors.window (24 hours when it sets none).
      windowMs: undefined,
      now,
      json: false,
      reference: { kind: 'baseline' },
      seed: 0,
      alert: 'send',
      webhook: undefined,
      cooldownMs: undefined,
    });
  });

  it('maps --dry-run, --no-alerts, --webhook and --cooldown', () => {
    expect(parseMonitorArgs(['--dry-run'])).toMatchObject({ alert: 'dry_run' });
    expect(parseMonitorArgs(['--no-alerts'])).toMatchObject({ alert: 'off' });
    expect(parseMonitorArgs(['--webhook', 'https://hooks.example/x', '--cooldown', '6h'])).toMatchObject({
      webhook: 'https://hooks.example/x',
      cooldownMs: 21_600_000,
    });
    expect(() => parseMonitorArgs(['--webhook', 'not a url'])).toThrow(/--webhook must be/);
  });

  it('takes a past window as reference, and refuses half of one', () => {
    const o = parseMonitorArgs([
      '--reference-start',
      '2026-02-01T00:00:00Z',
      '--reference-end',
      '2026-02-02T00:00:00Z',
    ]);
    expect(o).toMatchObject({ reference: { kind: 'window', start: new Date('2026-02-01T00:00:00Z') } });
    expect(() => parseMonitorArgs(['--reference-start', '2026-02-01T00:00:00Z'])).toThrow(/go together/);
    expect(() => parseMonitorArgs(['--now', 'yesterday'])).toThrow(/ISO-8601/);
  });

  it('formats coded errors as "error CODE: message"', () => {
    expect(errorLine(Object.assign(new Error('no baseline'), { code: 'BASELINE_NOT_FOUND' }))).toBe(
      'error BASELINE_NOT_FOUND: no baseline',
    );
    expect(errorLine(new Error('plain'))).toBe('error: plain');
  });
});

describe('vigil baseline arguments', () => {
  it('needs --input and a positive batch size', () => {
    expect(() => parseBaselineArgs([])).toThrow(/--input FILE is required/);
    expect(() => parseBaselineArgs(['--input', 'x.tsv', '--batch-size', '0'])).toThrow(/batch-size/);
    expect(parseBaselineArgs(['--input', 'x.tsv', '--model', 'm'])).toMatchObject({
      input: 'x.tsv',
      modelDir: 'm',
      batchSize: 32,
    });
  });
});
