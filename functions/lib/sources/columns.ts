/**
 * A source's columns checked against its mapping and model version: every mapped column must exist
 * with a usable type, fixed-length embeddings must have the declared width. The result is the read
 * plan the adapters turn into SQL; any mismatch is a SourceSchemaError naming the column.
 */
import type { FieldType, ModelVersion } from '../models/model-version.ts';
import { SourceSchemaError } from './errors.ts';
import type { SourceSpec } from './spec.ts';

/** Engine types reduced to what the mapping cares about (each adapter translates its own). */
export type ColumnKind =
  | 'string'
  | 'integer'
  | 'float'
  | 'boolean'
  | 'timestamp'
  | 'float_list'
  | 'json'
  | 'vector'
  | 'other';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** The engine's own type name, for messages (`FLOAT[384]`, `real[]`, `vector(384)`). */
  type: string;
  /** Fixed length of an array or vector type, when the type says it. */
  length?: number;
}

export interface FieldRead {
  field: string;
  column: string;
  type: FieldType;
}

export interface ReadPlan {
  id: string;
  timestamp: { column: string; kind: 'timestamp' | 'epoch' };
  label: { column: string; coded: boolean };
  embedding:
    | { kind: 'list'; column: string; columnKind: ColumnKind }
    | { kind: 'scalars'; columns: string[] };
  text: string | null;
  score: string | null;
  probabilities: string | null;
  fields: FieldRead[];
}

const describe = (c: ColumnInfo) => `${c.name} (${c.type})`;

function need(schema: Map<string, ColumnInfo>, column: string, role: string): ColumnInfo {
  const c = schema.get(column);
  if (!c)
    throw new SourceSchemaError(
      column,
      `the ${role} column "${column}" is not in the source (columns: ${[...schema.keys()].slice(0, 40).join(', ')})`,
    );
  return c;
}

function expectKind(c: ColumnInfo, role: string, kinds: readonly ColumnKind[], what: string): void {
  if (!kinds.includes(c.kind))
    throw new SourceSchemaError(c.name, `the ${role} column ${describe(c)} must be ${what}`);
}

const FIELD_KINDS: Record<FieldType, readonly ColumnKind[]> = {
  string: ['string'],
  number: ['integer', 'float'],
  boolean: ['boolean'],
};

/** The read plan of `spec` over a source with `columns`, or a SourceSchemaError naming the column. */
export function planRead(spec: SourceSpec, model: ModelVersion, columns: readonly ColumnInfo[]): ReadPlan {
  const schema = new Map(columns.map((c) => [c.name, c]));
  const m = spec.columns;
  expectKind(need(schema, m.id, 'id'), 'id', ['string', 'integer', 'other'], 'text, a UUID or an integer');
  const ts = need(schema, m.timestamp, 'timestamp');
  expectKind(ts, 'timestamp', ['timestamp', 'integer', 'float'], 'a timestamp or epoch seconds/milliseconds');
  const label = need(schema, m.label, 'label');
  expectKind(label, 'label', ['string', 'integer'], 'text or integer codes');
  if (label.kind === 'integer' && spec.labels === undefined && model.labels.length === 0)
    throw new SourceSchemaError(
      label.name,
      `the label column ${describe(label)} holds codes: map them with "labels"`,
    );

  let embedding: ReadPlan['embedding'];
  const dim = model.embedding_dim;
  if (m.embedding.endsWith('*')) {
    const prefix = m.embedding.slice(0, -1);
    const names: string[] = [];
    for (let k = 0; k < dim; k++) {
      const c = need(schema, `${prefix}${k}`, `embedding dimension ${k}`);
      expectKind(c, `embedding dimension ${k}`, ['float', 'integer'], 'a number');
      names.push(c.name);
    }
    const extra = schema.get(`${prefix}${dim}`);
    if (extra)
      throw new SourceSchemaError(
        extra.name,
        `the source has an embedding column ${extra.name} beyond the declared embedding_dim ${dim}`,
      );
    embedding = { kind: 'scalars', columns: names };
  } else {
    const c = need(schema, m.embedding, 'embedding');
    expectKind(
      c,
      'embedding',
      ['float_list', 'json', 'vector'],
      'a list of numbers (LIST/ARRAY, real[], jsonb, vector)',
    );
    if (c.length !== undefined && c.length !== dim)
      throw new SourceSchemaError(
        c.name,
        `the embedding column ${describe(c)} has ${c.length} values; the model version declares ${dim}`,
      );
    embedding = { kind: 'list', column: c.name, columnKind: c.kind };
  }

  const optional = (column: string | undefined, role: string, kinds: readonly ColumnKind[], what: string) => {
    if (column === undefined) return null;
    expectKind(need(schema, column, role), role, kinds, what);
    return column;
  };
  const text = optional(m.text, 'text', ['string'], 'text');
  const score = optional(m.score, 'score', ['float', 'integer'], 'a number');
  const probabilities = optional(
    m.probabilities,
    'probabilities',
    ['float_list', 'json'],
    'a list of numbers',
  );
  const fields: FieldRead[] = [];
  for (const f of model.fields) {
    const mapped = m.fields?.[f.name];
    const column = mapped ?? (schema.has(f.name) ? f.name : undefined);
    if (column === undefined) continue;
    const c = need(schema, column, `field ${f.name}`);
    expectKind(c, `field ${f.name}`, FIELD_KINDS[f.type], `of type ${f.type}`);
    fields.push({ field: f.name, column, type: f.type });
  }
  return {
    id: m.id,
    timestamp: { column: m.timestamp, kind: ts.kind === 'timestamp' ? 'timestamp' : 'epoch' },
    label: { column: m.label, coded: label.kind === 'integer' },
    embedding,
    text,
    score,
    probabilities,
    fields,
  };
}
