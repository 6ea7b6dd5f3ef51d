/**
 * One source row (id, timestamp, label, embedding as one list, text?, score?, fields… — see sql.ts) as the WindowRow the accumulator takes:
 * label codes mapped to names, embeddings of any stored form made a Float32Array of the declared
 * width, text hashed and measured as the log does it.
 */
import { textChars } from '../http/text-length.ts';
import type { ModelVersion } from '../models/model-version.ts';
import type { WindowRow } from '../monitor/window.ts';
import type { RecordFields } from '../records/schema.ts';
import type { ReadPlan } from './columns.ts';
import { SourceSchemaError } from './errors.ts';

export interface RowMapperOptions {
  plan: ReadPlan;
  model: ModelVersion;
  /** Integer codes → label names (the source's `labels`); codes without it index the declared labels. */
  labelCodes?: Record<string, string>;
  hashText: (text: string) => string;
}

const toNumber = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
};

/** pgvector's text form `[1,2.5,-3]`, a JSON array, a typed array or a list of numbers. */
export function embeddingValues(raw: unknown): ArrayLike<number> | null {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Float32Array || raw instanceof Float64Array) return raw;
  if (typeof raw === 'string') {
    const s = raw.trim();
    const body = s.startsWith('[') || s.startsWith('{') ? s.slice(1, -1) : s;
    if (body.trim() === '') return new Float32Array(0);
    const parts = body.split(',');
    const out = new Float32Array(parts.length);
    for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
    return out;
  }
  if (Array.isArray(raw)) {
    const out = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = toNumber(raw[i]) ?? Number.NaN;
    return out;
  }
  if (typeof raw === 'object' && 'toArray' in (raw as object)) {
    return embeddingValues((raw as { toArray(): unknown[] }).toArray());
  }
  return null;
}

function isFiniteVector(e: ArrayLike<number>): boolean {
  for (let i = 0; i < e.length; i++) if (!Number.isFinite(e[i])) return false;
  return true;
}

/** A function from a row's values to a WindowRow; throws SourceSchemaError on an embedding of another width. */
export function rowMapper(opts: RowMapperOptions): (values: readonly unknown[]) => WindowRow {
  const { plan, model, hashText } = opts;
  const dim = model.embedding_dim;
  // Adapters select the embedding as one value (per-dimension columns gathered into a list by SQL).
  const after = 4;
  const textAt = plan.text ? after : -1;
  const scoreAt = plan.score ? after + (plan.text ? 1 : 0) : -1;
  const fieldsAt = after + (plan.text ? 1 : 0) + (plan.score ? 1 : 0);
  const embColumn = plan.embedding.kind === 'list' ? plan.embedding.column : plan.embedding.columns[0];

  const label = (raw: unknown, id: string): string => {
    if (!plan.label.coded) return String(raw ?? '');
    const code = toNumber(raw);
    if (code === null || !Number.isInteger(code))
      throw new SourceSchemaError(
        plan.label.column,
        `row ${id}: label ${String(raw)} is not an integer code`,
      );
    const name = opts.labelCodes ? opts.labelCodes[String(code)] : model.labels[code];
    if (name === undefined)
      throw new SourceSchemaError(
        plan.label.column,
        `row ${id}: label code ${code} has no name (map it in the source's "labels")`,
      );
    return name;
  };

  return (values) => {
    const id = String(values[0]);
    const embedding = embeddingValues(values[3]);
    if (embedding === null)
      throw new SourceSchemaError(embColumn, `row ${id}: the embedding column ${embColumn} is null`);
    if (embedding.length !== dim)
      throw new SourceSchemaError(
        embColumn,
        `row ${id}: the embedding column ${embColumn} has ${embedding.length} values; the model version declares ${dim}`,
      );
    if (!isFiniteVector(embedding))
      throw new SourceSchemaError(
        embColumn,
        `row ${id}: the embedding column ${embColumn} holds a non-number`,
      );
    const text = textAt >= 0 && typeof values[textAt] === 'string' ? (values[textAt] as string) : null;
    let fields: RecordFields | null = null;
    if (plan.fields.length > 0) {
      fields = {};
      plan.fields.forEach((f, i) => {
        const v = values[fieldsAt + i];
        (fields as RecordFields)[f.field] =
          v === null || v === undefined
            ? null
            : f.type === 'number'
              ? toNumber(v)
              : f.type === 'boolean'
                ? Boolean(v)
                : String(v);
      });
    }
    return {
      id,
      label: label(values[2], id),
      score: scoreAt >= 0 ? toNumber(values[scoreAt]) : null,
      text,
      text_sha256: text !== null ? hashText(text) : null,
      text_chars: text !== null ? textChars(text) : null,
      truncated: null,
      unknown_token_ratio: null,
      embedding,
      fields,
      token_ids: null,
    };
  };
}
