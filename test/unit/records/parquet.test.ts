import { parquetMetadata, parquetSchema } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import {
  decodeActuals,
  decodePredictions,
  encodeActuals,
  encodePredictions,
  InvalidRecordError,
  PREDICTION_COLUMNS,
} from '../../../functions/lib/records/parquet.ts';
import { makeActuals, makePredictions } from './make-records.ts';

const START = Date.parse('2026-05-01T10:15:00.123Z');

describe('prediction parquet', () => {
  it('round-trips every field, with null text and Float32 embeddings', async () => {
    const records = makePredictions({ n: 25, startMs: START, dim: 16, textNullEvery: 4 });
    const back = await decodePredictions(encodePredictions(records));
    expect(back).toHaveLength(25);
    for (let i = 0; i < records.length; i++) {
      const { embedding, probabilities, ...rest } = records[i];
      const { embedding: e2, probabilities: p2, ...rest2 } = back[i];
      expect(rest2).toEqual(rest);
      expect(e2).toBeInstanceOf(Float32Array);
      expect(Array.from(e2)).toEqual(Array.from(embedding));
      // Probabilities are stored as FLOAT, so they come back rounded to float32.
      expect(p2).toEqual(probabilities.map((p) => Math.fround(p)));
    }
    expect(back[0].text).toBeNull();
    expect(back[1].text).toBe(records[1].text);
  });

  it('keeps millisecond timestamps exactly', async () => {
    const records = makePredictions({ n: 3, startMs: START, stepMs: 1 });
    const back = await decodePredictions(encodePredictions(records));
    expect(back.map((r) => r.timestamp.getTime())).toEqual([START, START + 1, START + 2]);
  });

  it('writes the schema of DESIGN.md: LIST<FLOAT> vectors, TIMESTAMP_MILLIS, snappy, nullable text', () => {
    const bytes = encodePredictions(makePredictions({ n: 2, startMs: START }));
    const meta = parquetMetadata(bytes.buffer as ArrayBuffer);
    const tree = parquetSchema(meta);
    expect(tree.children.map((c) => c.element.name)).toEqual(PREDICTION_COLUMNS);
    const byName = Object.fromEntries(tree.children.map((c) => [c.element.name, c]));
    expect(byName.timestamp.element).toMatchObject({ type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' });
    expect(byName.text.element.repetition_type).toBe('OPTIONAL');
    expect(byName.id.element.repetition_type).toBe('REQUIRED');
    for (const list of ['embedding', 'probabilities']) {
      expect(byName[list].element.converted_type).toBe('LIST');
      expect(byName[list].children[0].children[0].element.type).toBe('FLOAT');
    }
    const codecs = new Set(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)));
    expect(codecs).toEqual(new Set(['SNAPPY']));
  });

  it('refuses an empty batch and a malformed record with INVALID_RECORD', () => {
    expect(() => encodePredictions([])).toThrow(InvalidRecordError);
    const [bad] = makePredictions({ n: 1, startMs: START });
    const broken = { ...bad, token_count: 1.5 };
    try {
      encodePredictions([broken]);
      expect.unreachable();
    } catch (e) {
      expect((e as InvalidRecordError).code).toBe('INVALID_RECORD');
      expect((e as Error).message).toMatch(/token_count/);
    }
  });
});

describe('actuals parquet', () => {
  it('round-trips id, timestamp and label', async () => {
    const actuals = makeActuals(makePredictions({ n: 5, startMs: START }), 60_000);
    expect(await decodeActuals(encodeActuals(actuals))).toEqual(actuals);
  });
});
