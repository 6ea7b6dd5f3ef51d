import { describe, expect, it } from 'vitest';
import {
  PredictionColumnsBuilder,
  predictionAt,
  RaggedVectorError,
} from '../../../functions/lib/records/columns.ts';
import { makePredictions } from './make-records.ts';

describe('PredictionColumnsBuilder', () => {
  it('lays rows out as typed arrays and keeps the first copy of an id', () => {
    const records = makePredictions({ n: 40, startMs: 0, dim: 5 });
    const b = new PredictionColumnsBuilder();
    for (const r of records) expect(b.add(r)).toBe(true);
    expect(b.add(records[3])).toBe(false);
    const c = b.build();
    expect(c.length).toBe(40);
    expect(c.dim).toBe(5);
    expect(c.embedding).toBeInstanceOf(Float32Array);
    expect(c.embedding.length).toBe(200);
    expect(c.labelCount).toBe(2);
    const row = predictionAt(c, 17);
    expect(Array.from(row.embedding)).toEqual(Array.from(records[17].embedding));
    expect({ ...row, embedding: null, probabilities: null }).toEqual({
      ...records[17],
      embedding: null,
      probabilities: null,
    });
  });

  it('refuses a window whose embeddings differ in width', () => {
    const b = new PredictionColumnsBuilder();
    b.add(makePredictions({ n: 1, startMs: 0, dim: 4, seed: 1 })[0]);
    expect(() => b.add(makePredictions({ n: 1, startMs: 0, dim: 3, seed: 2 })[0])).toThrow(RaggedVectorError);
  });

  it('builds an empty window', () => {
    const c = new PredictionColumnsBuilder().build();
    expect(c.length).toBe(0);
    expect(c.embedding.length).toBe(0);
  });
});
