import { describe, expect, it } from 'vitest';
import { meanPool, uuidv7 } from '../../../clients/ts/src/index.ts';

describe('meanPool (vigil/client)', () => {
  it('weights by the attention mask, so padding does not count', () => {
    // Prepare: two texts, the second padded after two tokens
    const hidden = [
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [
        [2, 0],
        [4, 2],
        [100, 100],
      ],
    ];
    // Act
    const pooled = meanPool(hidden, [
      [1, 1, 1],
      [1, 1, 0],
    ]);
    // Assess
    expect(pooled).toEqual([
      [3, 4],
      [3, 1],
    ]);
  });

  it('reads a flat [batch, seq, hidden] output (onnxruntime) with its dims', () => {
    const flat = Float32Array.from([1, 2, 3, 4, 9, 9, /* text 2 */ 0, 0, 2, 2, 4, 4]);
    expect(meanPool(flat, [1, 1, 0, 1, 1, 1], [2, 3, 2])).toEqual([
      [2, 3],
      [2, 2],
    ]);
  });

  it('pools one text and refuses an all-zero mask or mismatched shapes', () => {
    expect(
      meanPool(
        [
          [0.5, -1],
          [1.5, 3],
        ],
        [1, 1],
      ),
    ).toEqual([1, 1]);
    expect(() => meanPool([[1], [2]], [0, 0])).toThrow(/all zeros/);
    expect(() => meanPool([[1], [2]], [1])).toThrow(/positions/);
    expect(() => meanPool(Float32Array.from([1, 2]), [1], [1, 2, 2])).toThrow(/shape/);
  });
});

describe('uuidv7 (vigil/client)', () => {
  it('is a version 7 UUID whose first 48 bits are the time in ms', () => {
    const id = uuidv7(0x0190a0b0c0d0);
    expect(id).toMatch(/^0190a0b0-c0d0-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7()).not.toBe(uuidv7());
  });
});
