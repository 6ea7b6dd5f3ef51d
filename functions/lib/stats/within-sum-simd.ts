/**
 * The inner loop of a kernel permutation test: the sum of a symmetric kernel matrix over all ordered
 * pairs of a group of rows, sum_{a != b in G} K[a][b] = 2 sum_{a in G} U[a,:] . mask_G with U the
 * strict upper triangle. Dense masked row dot products in float32 WebAssembly SIMD (f32x4) beat the scattered
 * reads of the pairwise loop; plain JavaScript is the fallback where WebAssembly SIMD is missing.
 */
import { lazySimdModule, singleFunctionModule, sleb, uleb } from './gram-simd.ts';

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
// params: kPtr, maskPtr, n (padded row length), idxPtr, count; locals after.
const K_PTR = 0;
const MASK_PTR = 1;
const N = 2;
const IDX_PTR = 3;
const COUNT = 4;
const T = 5;
const ROW = 6;
const J = 7;
const ACC0 = 8;
const ACC1 = 9;
const TOTAL = 10;

const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const ADD = 0x6a;
const MUL = 0x6c;
const LT_U = 0x49;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;

function body(): number[] {
  const c: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) c.push(...p);
  };
  emit(i32c(0), set(T), [0x03, 0x40]); // loop over the group
  // row = kPtr + idx[t] * n * 4
  emit(get(K_PTR), get(IDX_PTR), get(T), i32c(4), [MUL, ADD], [0x28, 2, 0], get(N), [MUL], i32c(4), [
    MUL,
    ADD,
  ]);
  emit(set(ROW));
  // Only the upper triangle is stored: start at the aligned block holding column idx[t] + 1.
  emit(get(IDX_PTR), get(T), i32c(4), [MUL, ADD], [0x28, 2, 0], i32c(-8), [0x71], i32c(4), [MUL], set(J));
  emit(simd(12), new Array(16).fill(0), set(ACC0), simd(12), new Array(16).fill(0), set(ACC1));
  emit([0x03, 0x40]); // loop over the rest of the row, 8 floats a step
  for (const [acc, off] of [
    [ACC0, 0],
    [ACC1, 16],
  ]) {
    emit(get(acc), get(ROW), get(J), [ADD], simd(0), [4, off]);
    emit(get(MASK_PTR), get(J), [ADD], simd(0), [4, off], simd(F32X4_MUL), simd(F32X4_ADD), set(acc));
  }
  emit(get(J), i32c(32), [ADD], set(J), get(J), get(N), i32c(4), [MUL], [LT_U], [0x0d, 0], [0x0b]);
  emit(get(ACC0), get(ACC1), simd(F32X4_ADD), set(ACC0));
  for (let lane = 0; lane < 4; lane++)
    emit(get(TOTAL), get(ACC0), simd(31), [lane], [0xbb], [0xa0], set(TOTAL));
  emit(get(T), i32c(1), [ADD], set(T), get(T), get(COUNT), [LT_U], [0x0d, 0], [0x0b]);
  emit(get(TOTAL));
  const locals = [3, ...uleb(3), I32, ...uleb(2), V128, ...uleb(1), F64];
  const all = [...locals, ...c, 0x0b];
  return [...uleb(all.length), ...all];
}

const simdModule = lazySimdModule(() =>
  singleFunctionModule('within', [0x60, 5, I32, I32, I32, I32, I32, 1, F64], body()),
);

export interface WithinSum {
  /** sum over ordered pairs a != b of `group` of K[a][b]; `group` holds distinct row indices. */
  within(group: Int32Array): number;
}

/** From the upper triangle (j > i) of an n x n row-major kernel matrix. */
export function withinSumKernel(upper: Float64Array, n: number, useSimd = true): WithinSum {
  const module = useSimd ? simdModule() : null;
  const np = Math.max(8, Math.ceil(n / 8) * 8);
  if (!module) return withinSumJs(upper, n);
  const kBytes = np * np * 4;
  const maskBytes = np * 4;
  const idxBytes = n * 4;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((kBytes + maskBytes + idxBytes) / 65536) + 1 });
  const k = new Float32Array(memory.buffer, 0, np * np);
  // Upper triangle only (zeros elsewhere): each pair is read once, half the memory traffic.
  for (let i = 0; i < n; i++) k.set(upper.subarray(i * n + i + 1, i * n + n), i * np + i + 1);
  const mask = new Float32Array(memory.buffer, kBytes, np);
  const idx = new Int32Array(memory.buffer, kBytes + maskBytes, n);
  const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
  const fn = instance.exports.within as (k: number, m: number, n: number, i: number, c: number) => number;
  return {
    within(group) {
      if (group.length === 0) return 0;
      for (let a = 0; a < group.length; a++) mask[group[a]] = 1;
      idx.set(group);
      const s = 2 * fn(0, kBytes, np, kBytes + maskBytes, group.length);
      for (let a = 0; a < group.length; a++) mask[group[a]] = 0;
      return s;
    },
  };
}

function withinSumJs(upper: Float64Array, n: number): WithinSum {
  const k = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      k[i * n + j] = upper[i * n + j];
      k[j * n + i] = upper[i * n + j];
    }
  }
  const mask = new Float32Array(n);
  return {
    within(group) {
      for (let a = 0; a < group.length; a++) mask[group[a]] = 1;
      let total = 0;
      for (let a = 0; a < group.length; a++) {
        const row = group[a] * n;
        let s = 0;
        for (let j = 0; j < n; j++) s += k[row + j] * mask[j];
        total += s;
      }
      for (let a = 0; a < group.length; a++) mask[group[a]] = 0;
      return total;
    },
  };
}

/** Whether this runtime compiled the SIMD within-sum kernel (false means the JavaScript kernel runs). */
export const withinSumSimdAvailable = (): boolean => simdModule() !== null;
