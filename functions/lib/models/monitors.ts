/**
 * Monitors as code: the monitoring settings a model version carries, validated when they are set (JSON
 * path and rule in the error) and turned into the run's MonitorConfig, window, cooldown and channels.
 */
import {
  type CheckSettings,
  DEFAULT_MONITOR_CONFIG,
  type MonitorConfig,
  resolveMonitorConfig,
} from '../monitor/config.ts';
import { ModelVersionError } from './errors.ts';

/** How a check's thresholds are read: on the BH-adjusted p-value, or on the statistic's own scale. */
export type ThresholdScale = 'p_value' | 'scale';

/**
 * Every check a monitors config may name, by Finding.check id. A new check adds one line here so its
 * thresholds can be set (and validated) as code.
 */
export const CHECK_CATALOG: Readonly<Record<string, ThresholdScale>> = Object.freeze({
  'embedding_drift.mmd': 'p_value',
  'embedding_drift.domain_classifier': 'p_value',
  'embedding_drift.centroid_euclidean': 'scale',
  'embedding_drift.centroid_cosine': 'scale',
  'embedding_drift.mmd_within_label': 'p_value',
  'prediction_drift.label_chi_square': 'p_value',
  'prediction_drift.label_jensen_shannon': 'scale',
  'prediction_drift.score_ks': 'p_value',
  'prediction_drift.score_wasserstein': 'scale',
  'novelty.token_tail': 'p_value',
  'novelty.token_rank': 'p_value',
  'novelty.embedding_tail': 'p_value',
  'novelty.embedding_rank': 'p_value',
  'novelty.word_excess': 'p_value',
  'novelty.text_neighbours': 'p_value',
  'field_drift.string': 'p_value',
  'field_drift.number': 'p_value',
  'field_drift.boolean': 'p_value',
  'integrity.empty_text': 'scale',
  'integrity.truncation': 'scale',
  'integrity.unknown_tokens': 'scale',
  'integrity.text_length': 'p_value',
  'integrity.duplicates': 'scale',
  'integrity.volume': 'scale',
  'integrity.schema': 'scale',
  'integrity.unreadable_files': 'scale',
  'performance.accuracy': 'scale',
  'performance.macro_f1': 'scale',
  'performance.calibration': 'scale',
  'performance.estimated_accuracy': 'scale',
});

export const CHANNELS = ['email', 'slack', 'webhook', 'console'] as const;
export type Channel = (typeof CHANNELS)[number];
export type ChannelSeverity = 'alert' | 'warning' | 'resolved';

/** The JSON form stored in model.json (snake_case, every key optional). */
export interface MonitorsSpec {
  window?: string;
  cooldown?: string;
  min_sample_size?: { drift?: number; integrity?: number; performance?: number; segment?: number };
  p_value?: { warning?: number; alert?: number };
  segments?: { max_values?: number };
  channels?: Partial<Record<ChannelSeverity, Channel[]>>;
  /** `<group>: { <check>: { enabled, warning, alert } }`, keyed like the check ids. */
  [group: string]: unknown;
}

/** What a monitoring run takes from a model version's monitors. */
export interface ResolvedMonitors {
  config: MonitorConfig;
  /** The declared window; undefined when the declaration sets none (the deployment's default applies). */
  windowMs: number | undefined;
  /** The declared cooldown; undefined when the declaration sets none. */
  cooldownMs: number | undefined;
  /** At most this many values of each segment field get their own checks. */
  segmentMaxValues: number;
  channels: Record<ChannelSeverity, Channel[]>;
}

export const DEFAULT_SEGMENT_MAX_VALUES = 10;
const DEFAULT_CHANNELS: Record<ChannelSeverity, Channel[]> = {
  alert: [...CHANNELS],
  warning: [...CHANNELS],
  resolved: [...CHANNELS],
};

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const TOP_KEYS = new Set(['window', 'cooldown', 'min_sample_size', 'p_value', 'segments', 'channels']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function fail(path: string, rule: string): never {
  throw new ModelVersionError(path, rule);
}

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) fail(`${path}.${k}`, `unknown setting; allowed: ${allowed.join(', ')}`);
  }
}

/** `30m`, `24h`, `7d` in milliseconds (whole minutes at least). */
export function parseMonitorDuration(value: unknown, path: string): number {
  const m = typeof value === 'string' ? /^(\d+)(m|h|d)$/.exec(value) : null;
  const ms = m ? Number(m[1]) * UNITS[m[2]] : 0;
  if (!(ms > 0)) fail(path, 'must be a duration like 30m, 24h or 7d');
  return ms;
}

function probability(value: unknown, path: string): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) fail(path, 'must be in (0, 1)');
  return value;
}

function nonNegative(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(path, 'must be a finite number >= 0');
  return value;
}

function positiveInteger(value: unknown, path: string, max = 1_000_000): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    fail(path, `must be an integer from 1 to ${max}`);
  return value;
}

function checkSettings(id: string, raw: unknown, path: string): CheckSettings {
  if (!isObject(raw)) fail(path, 'must be an object like {"enabled": true, "warning": 0.05, "alert": 0.01}');
  onlyKeys(raw, ['enabled', 'warning', 'alert'], path);
  const out: CheckSettings = {};
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled !== 'boolean') fail(`${path}.enabled`, 'must be true or false');
    out.enabled = raw.enabled;
  }
  const scale = CHECK_CATALOG[id];
  const level = scale === 'p_value' ? probability : nonNegative;
  if (raw.warning !== undefined) out.warning = level(raw.warning, `${path}.warning`);
  if (raw.alert !== undefined) out.alert = level(raw.alert, `${path}.alert`);
  if (out.warning !== undefined && out.alert !== undefined) {
    if (scale === 'p_value' && out.alert > out.warning)
      fail(`${path}.alert`, 'must be <= warning (a smaller p-value is worse)');
    if (scale === 'scale' && out.alert < out.warning)
      fail(`${path}.alert`, 'must be >= warning (a larger value is worse)');
  }
  return out;
}

/**
 * Validates a monitors spec and resolves it on top of the defaults. Throws ModelVersionError naming
 * the JSON path (under `path`, default `monitors`) and the rule it breaks.
 */
export function resolveMonitors(spec: unknown, path = 'monitors'): ResolvedMonitors {
  if (spec === undefined || spec === null) spec = {};
  if (!isObject(spec)) fail(path, 'must be an object');
  const overrides: Record<string, unknown> = {};
  const checks: Record<string, CheckSettings> = {};
  const windowMs =
    spec.window === undefined ? undefined : parseMonitorDuration(spec.window, `${path}.window`);
  const cooldownMs =
    spec.cooldown === undefined ? undefined : parseMonitorDuration(spec.cooldown, `${path}.cooldown`);
  let minSegment = DEFAULT_MONITOR_CONFIG.minSegmentSampleSize;
  if (spec.min_sample_size !== undefined) {
    const p = `${path}.min_sample_size`;
    const m = spec.min_sample_size;
    if (!isObject(m)) fail(p, 'must be an object');
    onlyKeys(m, ['drift', 'integrity', 'performance', 'segment'], p);
    if (m.drift !== undefined) overrides.minDriftSampleSize = positiveInteger(m.drift, `${p}.drift`);
    if (m.integrity !== undefined)
      overrides.minIntegritySampleSize = positiveInteger(m.integrity, `${p}.integrity`);
    if (m.performance !== undefined)
      overrides.minPerformanceSampleSize = positiveInteger(m.performance, `${p}.performance`);
    if (m.segment !== undefined) minSegment = positiveInteger(m.segment, `${p}.segment`);
  }
  overrides.minSegmentSampleSize = minSegment;
  if (spec.p_value !== undefined) {
    const p = `${path}.p_value`;
    if (!isObject(spec.p_value)) fail(p, 'must be an object like {"warning": 0.05, "alert": 0.01}');
    onlyKeys(spec.p_value, ['warning', 'alert'], p);
    const warning =
      spec.p_value.warning === undefined
        ? DEFAULT_MONITOR_CONFIG.pValue.warning
        : probability(spec.p_value.warning, `${p}.warning`);
    const alert =
      spec.p_value.alert === undefined
        ? DEFAULT_MONITOR_CONFIG.pValue.alert
        : probability(spec.p_value.alert, `${p}.alert`);
    if (alert > warning) fail(`${p}.alert`, 'must be <= warning (a smaller p-value is worse)');
    overrides.pValue = { warning, alert };
  }
  let segmentMaxValues = DEFAULT_SEGMENT_MAX_VALUES;
  if (spec.segments !== undefined) {
    const p = `${path}.segments`;
    if (!isObject(spec.segments)) fail(p, 'must be an object');
    onlyKeys(spec.segments, ['max_values'], p);
    if (spec.segments.max_values !== undefined)
      segmentMaxValues = positiveInteger(spec.segments.max_values, `${p}.max_values`, 50);
  }
  const channels = structuredClone(DEFAULT_CHANNELS);
  if (spec.channels !== undefined) {
    const p = `${path}.channels`;
    if (!isObject(spec.channels)) fail(p, 'must be an object like {"alert": ["email", "slack"]}');
    onlyKeys(spec.channels, ['alert', 'warning', 'resolved'], p);
    for (const [severity, list] of Object.entries(spec.channels)) {
      if (!Array.isArray(list)) fail(`${p}.${severity}`, `must be a list of ${CHANNELS.join(', ')}`);
      list.forEach((c, i) => {
        if (!CHANNELS.includes(c as Channel))
          fail(`${p}.${severity}[${i}]`, `must be one of ${CHANNELS.join(', ')}`);
      });
      channels[severity as ChannelSeverity] = [...new Set(list as Channel[])];
    }
  }
  const groups = new Set(Object.keys(CHECK_CATALOG).map((id) => id.split('.')[0]));
  for (const [group, value] of Object.entries(spec)) {
    if (TOP_KEYS.has(group)) continue;
    const p = `${path}.${group}`;
    if (!groups.has(group)) {
      fail(p, `unknown setting; allowed: ${[...TOP_KEYS, ...groups].join(', ')}`);
    }
    if (!isObject(value)) fail(p, 'must be an object of checks');
    for (const [name, raw] of Object.entries(value)) {
      const id = `${group}.${name}`;
      if (!(id in CHECK_CATALOG)) {
        const known = Object.keys(CHECK_CATALOG)
          .filter((k) => k.startsWith(`${group}.`))
          .map((k) => k.slice(group.length + 1));
        fail(`${p}.${name}`, `unknown check; ${group} has ${known.join(', ')}`);
      }
      checks[id] = checkSettings(id, raw, `${p}.${name}`);
    }
  }
  overrides.checks = checks;
  return {
    config: resolveMonitorConfig(overrides as Parameters<typeof resolveMonitorConfig>[0]),
    windowMs,
    cooldownMs,
    segmentMaxValues,
    channels,
  };
}
