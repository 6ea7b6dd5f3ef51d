import { describe, expect, it } from 'vitest';
import { ident, str, timestamp, UnsafeSqlValueError } from '../../../functions/lib/query/sql.ts';
import {
  countQuery,
  embeddingSumsQuery,
  fieldCountsQuery,
  rowsQuery,
  sampleQuery,
  segmentSampleQuery,
  summaryQuery,
  type WindowSql,
  widthsQuery,
} from '../../../functions/lib/query/window-queries.ts';

const scope = {
  model: 'reviews',
  version: '3',
  fromMs: Date.UTC(2026, 11, 1, 23),
  toMs: Date.UTC(2026, 11, 2, 1),
};
const athena: WindowSql = { dialect: 'athena', relation: '"vigil_log"."predictions"', scope, dim: 4 };
const duck: WindowSql = { ...athena, dialect: 'duckdb', relation: "read_parquet(['a.parquet'])" };

const all = (w: WindowSql) => [
  countQuery(w),
  widthsQuery(w),
  rowsQuery(w),
  embeddingSumsQuery({ ...w, dim: 4 }),
  sampleQuery(w, 10, 1),
  segmentSampleQuery(w, 'language', 10, 5, 1),
  summaryQuery(w),
  fieldCountsQuery(w, 'language'),
];

describe('window queries', () => {
  it('prune partitions by model, version and every date of the range, then filter the exact times', () => {
    const sql = countQuery(athena);
    expect(sql).toContain(
      `"model" = 'reviews' AND "version" = '3' AND "date" IN ('2026-12-01', '2026-12-02') AND ` +
        `"timestamp" >= TIMESTAMP '2026-12-01 23:00:00.000' AND "timestamp" < TIMESTAMP '2026-12-02 01:00:00.000'`,
    );
  });

  it('use only Athena (Trino) spellings for Athena and only DuckDB ones for DuckDB', () => {
    const a = all(athena).join('\n');
    const d = all(duck).join('\n');
    for (const f of ['element_at(', 'cardinality(', 'json_extract_scalar(', 'to_utf8(', '"$path"'])
      expect(a).toContain(f);
    for (const f of ['len(', 'list_dot_product(', 'json_extract_string(', 'filename'])
      expect(a).not.toContain(f);
    for (const f of ['len(', 'list_dot_product(', 'json_extract_string(', 'md5(']) expect(d).toContain(f);
    for (const f of ['element_at(', 'cardinality(', 'json_extract_scalar(', '"$path"'])
      expect(d).not.toContain(f);
  });

  it('sum every coordinate of the embedding in one statement', () => {
    const sql = embeddingSumsQuery({ ...duck, dim: 3 });
    expect(sql).toContain(
      'sum("embedding"[1]) AS s0, sum("embedding"[2]) AS s1, sum("embedding"[3]) AS s2 FROM w',
    );
  });

  it('deduplicate by id with a window function only when asked', () => {
    expect(rowsQuery(duck)).not.toContain('row_number()');
    expect(rowsQuery({ ...duck, dedupe: true })).toContain(
      'row_number() OVER (PARTITION BY "id" ORDER BY "timestamp")',
    );
  });

  it('refuse model names, versions and field names that are not safe values', () => {
    expect(() => countQuery({ ...duck, scope: { ...scope, model: "r' OR 1=1 --" } })).toThrow(
      /partition value/,
    );
    expect(() => countQuery({ ...duck, scope: { ...scope, version: 'a/b' } })).toThrow(/partition value/);
    expect(() => fieldCountsQuery(duck, "x') OR 1=1 --")).toThrow(UnsafeSqlValueError);
    expect(() => segmentSampleQuery(duck, 'a.b', 1, 1, 1)).toThrow(UnsafeSqlValueError);
  });
});

describe('SQL quoting', () => {
  it('quotes identifiers and doubles quotes in strings; refuses what it cannot quote', () => {
    expect(ident('model_name')).toBe('"model_name"');
    expect(() => ident('a"b')).toThrow(UnsafeSqlValueError);
    expect(str("it's")).toBe("'it''s'");
    expect(() => str('a\nb')).toThrow(UnsafeSqlValueError);
    expect(timestamp(0)).toBe("TIMESTAMP '1970-01-01 00:00:00.000'");
    expect(() => timestamp(Number.NaN)).toThrow(UnsafeSqlValueError);
  });
});
