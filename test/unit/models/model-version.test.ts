import { describe, expect, it } from 'vitest';
import { ModelVersionError } from '../../../functions/lib/models/errors.ts';
import {
  parseModelVersion,
  sameSchema,
  servedModelVersion,
} from '../../../functions/lib/models/model-version.ts';
import { resolveMonitors } from '../../../functions/lib/models/monitors.ts';
import { DEFAULT_MONITOR_CONFIG } from '../../../functions/lib/monitor/config.ts';

const NOW = new Date('2026-12-01T00:00:00.000Z');
const BODY = {
  labels: ['negative', 'neutral', 'positive'],
  embedding_dim: 384,
  fields: [
    { name: 'language', type: 'string', segment: true },
    { name: 'length', type: 'number' },
  ],
};

function parse(body: unknown) {
  return parseModelVersion(body, { name: 'reviews', version: '3', now: NOW });
}

function errorOf(fn: () => unknown): ModelVersionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelVersionError) return e;
    throw e;
  }
  throw new Error('expected a ModelVersionError');
}

describe('model version declarations', () => {
  it('fills the defaults: text and score sent, no probabilities, logged, monitors {}', () => {
    const m = parse(BODY);
    expect(m).toEqual({
      name: 'reviews',
      version: '3',
      labels: ['negative', 'neutral', 'positive'],
      embedding_dim: 384,
      text: true,
      score: true,
      probabilities: false,
      fields: [
        { name: 'language', type: 'string', segment: true },
        { name: 'length', type: 'number', segment: false },
      ],
      monitors: {},
      source: null,
      origin: 'logged',
      created_at: NOW.toISOString(),
    });
  });

  it.each([
    [{ ...BODY, labels: ['only'] }, 'labels', 'must be a list of 2 to 1000 label names'],
    [{ ...BODY, labels: ['a', 'a'] }, 'labels', 'must not repeat a label'],
    [{ ...BODY, embedding_dim: 0 }, 'embedding_dim', 'must be an integer from 1 to 16384'],
    [{ ...BODY, embedding_dim: 3.5 }, 'embedding_dim', 'must be an integer from 1 to 16384'],
    [{ ...BODY, text: 'yes' }, 'text', 'must be true or false'],
    [{ ...BODY, fields: [{ name: '1x', type: 'string' }] }, 'fields[0].name', 'must be an identifier'],
    [{ ...BODY, fields: [{ name: 'x', type: 'date' }] }, 'fields[0].type', 'must be "string"'],
    [{ ...BODY, fields: [{ name: 'x', type: 'number', segment: true }] }, 'fields[0].segment', 'number'],
    [
      {
        ...BODY,
        fields: [
          { name: 'x', type: 'string' },
          { name: 'x', type: 'boolean' },
        ],
      },
      'fields[1].name',
      'duplicate',
    ],
    [{ ...BODY, colour: 'red' }, 'colour', 'unknown key'],
    [{ ...BODY, name: 'other' }, 'name', 'must match the path'],
    [{ ...BODY, source: { type: 'mysql' } }, 'source.type', 'must be "parquet" or "postgres"'],
  ])('refuses %j at %s', (body, path, rule) => {
    const e = errorOf(() => parse(body));
    expect(e.code).toBe('INVALID_MODEL_VERSION');
    expect(e.path).toBe(path);
    expect(e.message).toContain(rule);
  });

  it('refuses a name that cannot be a partition value', () => {
    const e = errorOf(() => parseModelVersion(BODY, { name: 'org/model', version: '1', now: NOW }));
    expect(e.path).toBe('name');
  });

  it('marks a version with a source as connected', () => {
    expect(parse({ ...BODY, source: { type: 'parquet', uri: './x' } }).origin).toBe('connected');
  });

  it('compares schemas without monitors, source or timestamps', () => {
    const a = parse(BODY);
    const b = parseModelVersion(
      { ...BODY, monitors: { window: '6h' } },
      { name: 'reviews', version: '3', now: new Date(0) },
    );
    expect(sameSchema(a, b)).toBe(true);
    expect(sameSchema(a, parse({ ...BODY, embedding_dim: 768 }))).toBe(false);
    expect(sameSchema(a, parse({ ...BODY, fields: [] }))).toBe(false);
  });

  it('declares the served model from its bundle: text, score and every probability', () => {
    const m = servedModelVersion({ name: 'sst2', version: '1', labels: ['n', 'p'], hiddenSize: 64 }, NOW);
    expect(m).toMatchObject({
      origin: 'served',
      embedding_dim: 64,
      text: true,
      score: true,
      probabilities: true,
    });
  });
});

describe('monitors as code', () => {
  it('keeps every default when nothing is set', () => {
    const r = resolveMonitors({});
    expect(r.config.pValue).toEqual(DEFAULT_MONITOR_CONFIG.pValue);
    // Unset: the deployment's window and cooldown apply (24 hours unless configured).
    expect(r.windowMs).toBeUndefined();
    expect(r.cooldownMs).toBeUndefined();
    expect(r.segmentMaxValues).toBe(10);
    expect(r.channels.alert).toEqual(['email', 'slack', 'webhook', 'console']);
  });

  it('turns settings into the run configuration', () => {
    const r = resolveMonitors({
      window: '6h',
      cooldown: '30m',
      min_sample_size: { drift: 50, segment: 80 },
      p_value: { warning: 0.1, alert: 0.001 },
      segments: { max_values: 3 },
      channels: { warning: ['webhook'] },
      embedding_drift: { mmd: { alert: 0.005 }, domain_classifier: { enabled: false } },
      integrity: { empty_text: { warning: 0.02, alert: 0.1 } },
    });
    expect(r.windowMs).toBe(6 * 3_600_000);
    expect(r.cooldownMs).toBe(30 * 60_000);
    expect(r.config.minDriftSampleSize).toBe(50);
    expect(r.config.minSegmentSampleSize).toBe(80);
    expect(r.config.minIntegritySampleSize).toBe(DEFAULT_MONITOR_CONFIG.minIntegritySampleSize);
    expect(r.config.pValue).toEqual({ warning: 0.1, alert: 0.001 });
    expect(r.segmentMaxValues).toBe(3);
    expect(r.channels.warning).toEqual(['webhook']);
    expect(r.channels.alert).toEqual(['email', 'slack', 'webhook', 'console']);
    expect(r.config.checks).toEqual({
      'embedding_drift.mmd': { alert: 0.005 },
      'embedding_drift.domain_classifier': { enabled: false },
      'integrity.empty_text': { warning: 0.02, alert: 0.1 },
    });
  });

  it.each([
    [{ embedding_drift: { mmd: { alert: 1.5 } } }, 'monitors.embedding_drift.mmd.alert: must be in (0, 1)'],
    [{ embedding_drift: { mmd: { alert: 0 } } }, 'monitors.embedding_drift.mmd.alert: must be in (0, 1)'],
    [
      { embedding_drift: { mmd: { warning: 0.01, alert: 0.05 } } },
      'monitors.embedding_drift.mmd.alert: must be <= warning',
    ],
    [
      { integrity: { empty_text: { warning: 0.2, alert: 0.1 } } },
      'monitors.integrity.empty_text.alert: must be >= warning',
    ],
    [
      { integrity: { empty_text: { warning: -1 } } },
      'monitors.integrity.empty_text.warning: must be a finite',
    ],
    [
      { embedding_drift: { mmd: { enabled: 'no' } } },
      'monitors.embedding_drift.mmd.enabled: must be true or false',
    ],
    [{ embedding_drift: { mmd: { level: 1 } } }, 'monitors.embedding_drift.mmd.level: unknown setting'],
    [
      { embedding_drift: { cosine: {} } },
      'monitors.embedding_drift.cosine: unknown check; embedding_drift has mmd',
    ],
    [{ colours: {} }, 'monitors.colours: unknown setting'],
    [{ window: '1 day' }, 'monitors.window: must be a duration like 30m, 24h or 7d'],
    [{ p_value: { warning: 0.01, alert: 0.05 } }, 'monitors.p_value.alert: must be <= warning'],
    [{ min_sample_size: { drift: 0 } }, 'monitors.min_sample_size.drift: must be an integer from 1'],
    [{ channels: { alert: ['pager'] } }, 'monitors.channels.alert[0]: must be one of email, slack, webhook'],
    [{ segments: { max_values: 100 } }, 'monitors.segments.max_values: must be an integer from 1 to 50'],
  ])('refuses %j with the JSON path and the rule', (monitors, message) => {
    const e = errorOf(() => resolveMonitors(monitors));
    expect(e.message.startsWith(message)).toBe(true);
  });

  it('refuses a bad monitors block when the model version is declared, not at run time', () => {
    const e = errorOf(() => parse({ ...BODY, monitors: { embedding_drift: { mmd: { alert: 2 } } } }));
    expect(e.path).toBe('monitors.embedding_drift.mmd.alert');
  });
});
