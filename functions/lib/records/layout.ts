/**
 * Object keys of the prediction log (DESIGN.md, "Layout"): Hive-style partitions that Athena, DuckDB
 * and pandas read as they are. Partition values are validated, not escaped, so every key is readable.
 */

export interface HourPartition {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  /** UTC hour, 0-23. */
  hour: number;
}

export interface PredictionHour extends HourPartition {
  model: string;
  version: string;
}

/** Thrown when a model name or version cannot be used as a partition value. */
export class InvalidPartitionValueError extends Error {
  readonly code = 'INVALID_PARTITION_VALUE';
  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(
      `${field} ${JSON.stringify(value)} cannot be a partition value: use 1-128 characters from ` +
        'A-Z a-z 0-9 . _ -, starting with a letter or digit (no "/", "=", spaces or "%")',
    );
    this.name = 'InvalidPartitionValueError';
  }
}

// '/' and '=' would break the Hive layout and '%' would be unescaped by readers; keep to a safe set.
const SAFE_VALUE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function assertPartitionValue(field: string, value: string): string {
  if (typeof value !== 'string' || !SAFE_VALUE.test(value))
    throw new InvalidPartitionValueError(field, value);
  return value;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function assertHour(p: HourPartition): void {
  if (!DATE_RE.test(p.date) || Number.isNaN(Date.parse(`${p.date}T00:00:00Z`))) {
    throw new RangeError(`invalid partition date ${JSON.stringify(p.date)}, expected YYYY-MM-DD`);
  }
  if (!Number.isInteger(p.hour) || p.hour < 0 || p.hour > 23) {
    throw new RangeError(`invalid partition hour ${p.hour}, expected 0-23`);
  }
}

/** The UTC hour partition a millisecond timestamp falls in. */
export function hourPartitionOf(ms: number): HourPartition {
  const iso = new Date(ms).toISOString();
  return { date: iso.slice(0, 10), hour: Number(iso.slice(11, 13)) };
}

export function hourStartMs(p: HourPartition): number {
  assertHour(p);
  return Date.parse(`${p.date}T00:00:00Z`) + p.hour * 3_600_000;
}

/** Every UTC hour partition overlapping [fromMs, toMs). */
export function hoursInRange(fromMs: number, toMs: number): HourPartition[] {
  const out: HourPartition[] = [];
  for (let t = Math.floor(fromMs / 3_600_000) * 3_600_000; t < toMs; t += 3_600_000)
    out.push(hourPartitionOf(t));
  return out;
}

/** Every UTC date overlapping [fromMs, toMs). */
export function datesInRange(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let t = Math.floor(fromMs / 86_400_000) * 86_400_000; t < toMs; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

export function predictionsModelPrefix(model: string, version: string): string {
  assertPartitionValue('model name', model);
  assertPartitionValue('model version', version);
  return `predictions/model=${model}/version=${version}/`;
}

export function predictionsDatePrefix(model: string, version: string, date: string): string {
  assertHour({ date, hour: 0 });
  return `${predictionsModelPrefix(model, version)}date=${date}/`;
}

export function predictionsHourPrefix(p: PredictionHour): string {
  assertHour(p);
  return `${predictionsDatePrefix(p.model, p.version, p.date)}hour=${pad2(p.hour)}/`;
}

export function predictionPartKey(p: PredictionHour, partId: string): string {
  return `${predictionsHourPrefix(p)}${partId}.parquet`;
}

export function actualsModelPrefix(model: string): string {
  assertPartitionValue('model name', model);
  return `actuals/model=${model}/`;
}

export function actualsDatePrefix(model: string, date: string): string {
  assertHour({ date, hour: 0 });
  return `${actualsModelPrefix(model)}date=${date}/`;
}

export function actualsPartKey(model: string, date: string, partId: string): string {
  return `${actualsDatePrefix(model, date)}${partId}.parquet`;
}

export function baselineKey(model: string, version: string): string {
  return `baselines/model=${assertPartitionValue('model name', model)}/version=${assertPartitionValue('model version', version)}/reference.parquet`;
}

export function reportsPrefix(model: string, version: string): string {
  return `reports/model=${assertPartitionValue('model name', model)}/version=${assertPartitionValue('model version', version)}/`;
}

export function alertStateKey(model: string, version: string): string {
  return `state/model=${assertPartitionValue('model name', model)}/version=${assertPartitionValue('model version', version)}/alerts.json`;
}

const PREDICTION_KEY_RE =
  /^predictions\/model=([^/]+)\/version=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/([^/]+)\.parquet$/;

/** The partition of a prediction part-file key, or null when the key is not one. */
export function parsePredictionKey(key: string): (PredictionHour & { partId: string }) | null {
  const m = PREDICTION_KEY_RE.exec(key);
  if (!m) return null;
  return { model: m[1], version: m[2], date: m[3], hour: Number(m[4]), partId: m[5] };
}

const ACTUALS_KEY_RE = /^actuals\/model=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/([^/]+)\.parquet$/;

export function parseActualsKey(key: string): { model: string; date: string; partId: string } | null {
  const m = ACTUALS_KEY_RE.exec(key);
  return m ? { model: m[1], date: m[2], partId: m[3] } : null;
}
