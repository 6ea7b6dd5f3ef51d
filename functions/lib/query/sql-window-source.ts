/**
 * A window read through a SQL engine: the engine sums the embeddings and picks the sample (a hash of the
 * id), so this process receives the per-row scalar columns and `capacity` embeddings, never every vector.
 * The scalars go through the same WindowAccumulator as the in-process reader, so nulls, fields and
 * duplicate ids mean exactly the same thing on both paths.
 */
import type { WindowLoadOptions, WindowRange, WindowSource } from '../monitor/source.ts';
import { type EmbeddingSample, type MonitorWindow, WindowAccumulator } from '../monitor/window.ts';
import type { LogScope, QueryEngine, QueryResult, QueryValue } from './port.ts';
import {
  countQuery,
  embeddingSumsQuery,
  rowsQuery,
  sampleQuery,
  segmentSampleQuery,
  type WindowSql,
  widthsQuery,
} from './window-queries.ts';

export interface SqlWindowSourceOptions {
  /** Distinct values of a segment field that get a sample. @default 64 (as the in-process reader) */
  maxSegmentValues?: number;
}

const num = (v: QueryValue | undefined): number | null => (typeof v === 'number' ? v : null);
const text = (v: QueryValue | undefined): string | null => (typeof v === 'string' ? v : null);
const bool = (v: QueryValue | undefined): boolean | null => (typeof v === 'boolean' ? v : null);
const list = (v: QueryValue | undefined): readonly number[] | null => (Array.isArray(v) ? v : null);

function column(result: QueryResult, name: string): QueryValue[] {
  const values = result.values[name];
  if (!values) throw new Error(`query result has no column ${name}`);
  return values;
}

/** Embeddings of sampled rows as an EmbeddingSample, rows mapped to their window row index. */
function sampleOf(
  ids: QueryValue[],
  vectors: QueryValue[],
  rowOf: Map<string, number>,
  dim: number,
): EmbeddingSample {
  const picked: number[] = [];
  for (let i = 0; i < ids.length; i++) if (rowOf.has(String(ids[i]))) picked.push(i);
  // In window-row order, as the in-process reservoir holds a window that fits: same rows, same order.
  picked.sort((a, b) => (rowOf.get(String(ids[a])) as number) - (rowOf.get(String(ids[b])) as number));
  const out = new Float32Array(picked.length * dim);
  const index = new Int32Array(picked.length);
  picked.forEach((i, j) => {
    const v = list(vectors[i]) ?? [];
    out.set(v.slice(0, dim), j * dim);
    index[j] = rowOf.get(String(ids[i])) as number;
  });
  return { vectors: out, rows: picked.length, index };
}

/** Window row of each of `ids` that the window holds. */
function rowsOf(window: MonitorWindow, ids: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of ids) {
    const row = window.id.rowOf(id);
    if (row >= 0) out.set(id, row);
  }
  return out;
}

export class SqlWindowSource implements WindowSource {
  readonly describe: string;

  constructor(
    private readonly engine: QueryEngine,
    private readonly model: { name: string; version: string },
    private readonly options: SqlWindowSourceOptions = {},
  ) {
    this.describe = `sql (${engine.dialect}) ${model.name} ${model.version}`;
  }

  async loadWindow(range: WindowRange, load: WindowLoadOptions): Promise<MonitorWindow> {
    const scope: LogScope = { model: this.model.name, version: this.model.version, ...range };
    const fields = load.fields ?? [];
    const segmentFields = load.segmentFields ?? [];
    const acc = new WindowAccumulator(load.capacity, load.seed, { fields, segmentFields });
    const relation = await this.engine.relation(scope);
    if (relation === null) return acc.build();
    const base: WindowSql = { dialect: this.engine.dialect, relation, scope };

    const counts = await this.engine.query(countQuery(base));
    const rows = num(column(counts, 'row_count')[0]) ?? 0;
    if (rows === 0) return acc.build();
    const dedupe = (num(column(counts, 'id_count')[0]) ?? 0) < rows;
    const ids = num(column(counts, 'id_count')[0]) ?? 0;
    // Every query that reads the embedding column is a full scan of it (Athena bills each): with the
    // reference's width known, the sums query filters by it and counts what it kept, so no width query runs.
    let dim: number;
    let sums: QueryResult;
    let rejectedRows: number;
    if (load.expectDimension && load.expectDimension > 0) {
      dim = load.expectDimension;
      sums = await this.engine.query(embeddingSumsQuery({ ...base, dedupe, dim }));
      rejectedRows = ids - (num(column(sums, 'n')[0]) ?? 0);
    } else {
      // The earliest row's width, as the in-process reader does.
      const widths = await this.engine.query(widthsQuery({ ...base, dedupe }));
      dim = num(column(widths, 'dim')[0]) ?? 0;
      rejectedRows = column(widths, 'n')
        .slice(1)
        .reduce<number>((a, n) => a + (num(n) ?? 0), 0);
      sums = await this.engine.query(embeddingSumsQuery({ ...base, dedupe, dim }));
    }
    // One width: no row to reject, so no other query needs the width filter.
    const w: WindowSql = { ...base, dedupe, dim: rejectedRows > 0 ? dim : undefined };

    // The accumulator keeps the scalars; its own embedding work is skipped (1-wide stand-ins).
    acc.expectDimension(1);
    const stand = [0];
    const addRows = (scalars: QueryResult) => {
      const [id, label, score, textChars, truncated, unknown, sha, fieldText] = [
        'id',
        'label',
        'score',
        'text_chars',
        'truncated',
        'unknown_token_ratio',
        'text_sha256',
        'fields',
      ].map((c) => column(scalars, c));
      for (let i = 0; i < scalars.rowCount; i++) {
        acc.add({
          id: String(id[i]),
          label: String(label[i]),
          score: num(score[i]),
          text: null,
          text_sha256: text(sha[i]),
          text_chars: num(textChars[i]),
          truncated: bool(truncated[i]),
          unknown_token_ratio: num(unknown[i]),
          embedding: stand,
          fields: text(fieldText[i]),
        });
      }
    };
    // Streamed when the engine can: the window's rows go straight into the accumulator.
    if (this.engine.stream) await this.engine.stream(rowsQuery(w), addRows);
    else addRows(await this.engine.query(rowsQuery(w)));
    const window = acc.build();

    const embeddingSum = new Float64Array(dim);
    for (let k = 0; k < dim; k++) embeddingSum[k] = num(column(sums, `s${k}`)[0]) ?? 0;

    const sampled = await this.engine.query(sampleQuery(w, load.capacity, load.seed));
    const sampleIds = column(sampled, 'id').map(String);
    const rowOf = rowsOf(window, sampleIds);
    const sample = sampleOf(column(sampled, 'id'), column(sampled, 'embedding'), rowOf, dim);
    const sampleText = new Map<number, string | null>();
    const sampleTokenIds = new Map<number, Int32Array | null>();
    const texts = column(sampled, 'text');
    const tokens = column(sampled, 'token_ids');
    sampleIds.forEach((sid, i) => {
      const row = rowOf.get(sid);
      if (row === undefined) return;
      sampleText.set(row, text(texts[i]));
      const t = list(tokens[i]);
      sampleTokenIds.set(row, t ? Int32Array.from(t) : null);
    });

    const segmentSamples: MonitorWindow['segmentSamples'] = {};
    for (const field of segmentFields) {
      const r = await this.engine.query(
        segmentSampleQuery(w, field, load.capacity, this.options.maxSegmentValues ?? 64, load.seed),
      );
      const segment = column(r, 'segment');
      const segIds = column(r, 'id');
      const segVectors = column(r, 'embedding');
      const groups = new Map<string, number[]>();
      for (let i = 0; i < r.rowCount; i++) {
        const v = String(segment[i]);
        const g = groups.get(v);
        if (g) g.push(i);
        else groups.set(v, [i]);
      }
      const byValue = new Map<string, EmbeddingSample>();
      for (const [value, rowsOfValue] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const ids = rowsOfValue.map((i) => segIds[i]);
        const segRows = rowsOf(window, ids.map(String));
        byValue.set(
          value,
          sampleOf(
            ids,
            rowsOfValue.map((i) => segVectors[i]),
            segRows,
            dim,
          ),
        );
      }
      segmentSamples[field] = byValue;
    }

    return {
      ...window,
      dim,
      embeddingSum,
      embeddingSquaredNormSum: num(column(sums, 'squared_norm_sum')[0]) ?? 0,
      sample,
      sampleText,
      sampleTokenIds,
      segmentSamples,
      rejectedRows: window.rejectedRows + rejectedRows,
      files: num(column(counts, 'file_count')[0]) ?? 0,
    };
  }
}
