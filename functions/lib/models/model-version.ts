/**
 * A model version, declared once (schema + monitors as code) and read by the log, the monitor, the
 * alerts and the dashboard. Stored as JSON at models/model=<name>/version=<version>/model.json.
 */
import { assertPartitionValue, InvalidPartitionValueError } from '../records/layout.ts';
import { ModelVersionError } from './errors.ts';
import { resolveMonitors } from './monitors.ts';

export type FieldType = 'string' | 'number' | 'boolean';

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Its top values by volume get their own embedding, prediction and performance checks. */
  segment: boolean;
}

export type ModelOrigin = 'served' | 'logged' | 'connected';

export interface ModelVersion {
  name: string;
  version: string;
  /** Label set in the model's order (probabilities follow it). */
  labels: string[];
  embedding_dim: number;
  /** Whether records carry the raw text. */
  text: boolean;
  /** Whether records carry a score (confidence of the label). */
  score: boolean;
  /** Whether records carry the probability of every label. */
  probabilities: boolean;
  fields: FieldSpec[];
  /** Monitors as code, validated by resolveMonitors; `{}` means every default. */
  monitors: Record<string, unknown>;
  /** Where the records are read from when not Vigil's log (issue: connected stores); null for the log. */
  source: Record<string, unknown> | null;
  origin: ModelOrigin;
  created_at: string;
}

/** The parts of a model version that define its records; changing them once data exists is a conflict. */
export function schemaOf(
  m: ModelVersion,
): Pick<ModelVersion, 'labels' | 'embedding_dim' | 'text' | 'score' | 'probabilities' | 'fields'> {
  return {
    labels: m.labels,
    embedding_dim: m.embedding_dim,
    text: m.text,
    score: m.score,
    probabilities: m.probabilities,
    fields: m.fields,
  };
}

export function sameSchema(a: ModelVersion, b: ModelVersion): boolean {
  return JSON.stringify(schemaOf(a)) === JSON.stringify(schemaOf(b));
}

/** Whether two declarations say the same thing (timestamps aside). */
export function sameDeclaration(a: ModelVersion, b: ModelVersion): boolean {
  const strip = ({ created_at: _c, ...rest }: ModelVersion) => rest;
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_LABELS = 1000;
const MAX_FIELDS = 50;
export const MAX_EMBEDDING_DIM = 16_384;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function fail(path: string, rule: string): never {
  throw new ModelVersionError(path, rule);
}

function partition(field: 'name' | 'version', value: unknown): string {
  try {
    return assertPartitionValue(`model ${field}`, value as string);
  } catch (err) {
    if (err instanceof InvalidPartitionValueError)
      fail(field, 'must start with a letter or digit and use only letters, digits, ".", "_" and "-"');
    throw err;
  }
}

function bool(body: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const v = body[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') fail(key, 'must be true or false');
  return v;
}

function parseFields(raw: unknown): FieldSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) fail('fields', 'must be a list of {"name", "type", "segment"?}');
  if (raw.length > MAX_FIELDS) fail('fields', `at most ${MAX_FIELDS} fields`);
  const seen = new Set<string>();
  return raw.map((f, i) => {
    const p = `fields[${i}]`;
    if (!isObject(f)) fail(p, 'must be an object like {"name": "language", "type": "string"}');
    for (const k of Object.keys(f))
      if (!['name', 'type', 'segment'].includes(k))
        fail(`${p}.${k}`, 'unknown key; allowed: name, type, segment');
    if (typeof f.name !== 'string' || !FIELD_NAME.test(f.name))
      fail(`${p}.name`, 'must be an identifier: a letter or "_", then letters, digits or "_" (at most 64)');
    if (seen.has(f.name)) fail(`${p}.name`, `duplicate field ${JSON.stringify(f.name)}`);
    seen.add(f.name);
    if (f.type !== 'string' && f.type !== 'number' && f.type !== 'boolean')
      fail(`${p}.type`, 'must be "string", "number" or "boolean"');
    if (f.segment !== undefined && typeof f.segment !== 'boolean')
      fail(`${p}.segment`, 'must be true or false');
    const segment = f.segment === true;
    if (segment && f.type === 'number')
      fail(`${p}.segment`, 'a number field cannot be a segment; use a string');
    return { name: f.name, type: f.type, segment };
  });
}

/** Validates the `source` block as far as the model version is concerned; sources check the rest. */
export type SourceValidator = (source: unknown, path: string) => Record<string, unknown>;

const minimalSource: SourceValidator = (source, path) => {
  if (!isObject(source)) fail(path, 'must be an object like {"type": "parquet", ...}');
  if (source.type !== 'parquet' && source.type !== 'postgres')
    fail(`${path}.type`, 'must be "parquet" or "postgres"');
  return source;
};

export interface ParseModelVersionOptions {
  name: string;
  version: string;
  /** @default 'logged', or 'connected' when a source is declared */
  origin?: ModelOrigin;
  now: Date;
  /** Deeper checks of a declared source. @default type only */
  validateSource?: SourceValidator;
}

/** A declaration body (PUT /models/{name}/versions/{version}, `vigil model create`) as a ModelVersion. */
export function parseModelVersion(body: unknown, options: ParseModelVersionOptions): ModelVersion {
  const name = partition('name', options.name);
  const version = partition('version', options.version);
  if (!isObject(body)) fail('body', 'must be a JSON object');
  const allowed = [
    'name',
    'version',
    'labels',
    'embedding_dim',
    'text',
    'score',
    'probabilities',
    'fields',
    'monitors',
    'source',
    'origin',
    'created_at',
  ];
  for (const k of Object.keys(body))
    if (!allowed.includes(k)) fail(k, `unknown key; allowed: ${allowed.join(', ')}`);
  if (body.name !== undefined && body.name !== name) fail('name', `must match the path (${name})`);
  if (body.version !== undefined && body.version !== version)
    fail('version', `must match the path (${version})`);
  const labels = body.labels;
  if (!Array.isArray(labels) || labels.length < 2 || labels.length > MAX_LABELS)
    fail('labels', `must be a list of 2 to ${MAX_LABELS} label names`);
  labels.forEach((l, i) => {
    if (typeof l !== 'string' || l.length === 0 || l.length > 200)
      fail(`labels[${i}]`, 'must be a non-empty string of at most 200 characters');
  });
  if (new Set(labels).size !== labels.length) fail('labels', 'must not repeat a label');
  const dim = body.embedding_dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1 || dim > MAX_EMBEDDING_DIM)
    fail('embedding_dim', `must be an integer from 1 to ${MAX_EMBEDDING_DIM}`);
  const monitors = body.monitors === undefined || body.monitors === null ? {} : body.monitors;
  resolveMonitors(monitors);
  const source =
    body.source === undefined || body.source === null
      ? null
      : (options.validateSource ?? minimalSource)(body.source, 'source');
  const origin: ModelOrigin = options.origin ?? (source ? 'connected' : 'logged');
  return {
    name,
    version,
    labels: labels as string[],
    embedding_dim: dim,
    text: bool(body, 'text', true),
    score: bool(body, 'score', true),
    probabilities: bool(body, 'probabilities', false),
    fields: parseFields(body.fields),
    monitors: monitors as Record<string, unknown>,
    source,
    origin,
    created_at: options.now.toISOString(),
  };
}

/** The declaration of the model `vigil serve` runs, made from its bundle at start. */
export function servedModelVersion(
  info: { name: string; version: string; labels: string[]; hiddenSize: number },
  now: Date,
): ModelVersion {
  return parseModelVersion(
    { labels: info.labels, embedding_dim: info.hiddenSize, text: true, score: true, probabilities: true },
    { name: info.name, version: info.version, origin: 'served', now },
  );
}
