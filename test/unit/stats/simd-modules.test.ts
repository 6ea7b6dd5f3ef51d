import { describe, expect, it } from 'vitest';
import { gramSimdAvailable } from '../../../functions/lib/stats/gram-simd.ts';
import { withinSumSimdAvailable } from '../../../functions/lib/stats/within-sum-simd.ts';

describe('WebAssembly SIMD kernels', () => {
  // Node 20+ has WebAssembly SIMD: a kernel that fails to compile would fall back to JavaScript silently.
  it('compiles the Gram and within-sum modules built by the shared single-function builder', () => {
    expect(gramSimdAvailable()).toBe(true);
    expect(withinSumSimdAvailable()).toBe(true);
  });
});
