/**
 * Gram matrix (all pairwise dot products) of row vectors, the one O(N^2 * D) step of MMD.
 * A tiny hand-assembled WebAssembly SIMD kernel (f64x2, 4x4 register blocking) does the work;
 * plain JavaScript with the same blocking is the fallback where WebAssembly SIMD is missing.
 */

const I32 = 0x7f;
const V128 = 0x7b;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

// Local indices: params 0..4 = xPtr, n, rowBytes, gPtr, i (one block row per call); then locals.
const X_PTR = 0;
const N = 1;
const ROW_BYTES = 2;
const G_PTR = 3;
const I = 4;
const J = 5;
const K = 6;
const A = [7, 8, 9, 10];
const B = [11, 12, 13, 14];
const ACC = (r: number, c: number): number => 15 + r * 4 + c;
const XV = [31, 32, 33, 34];
const YV = 35;

const get = (idx: number): number[] => [0x20, ...uleb(idx)];
const set = (idx: number): number[] => [0x21, ...uleb(idx)];
const i32c = (v: number): number[] => [0x41, ...sleb(v)];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const ADD = 0x6a;
const MUL = 0x6c;
const LT_U = 0x49;

function gramBody(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]): void => {
    for (const p of parts) code.push(...p);
  };
  emit(get(I), set(J), [0x03, 0x40]); // loop over column blocks j >= i
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) emit(simd(12), new Array(16).fill(0), set(ACC(r, c)));
  }
  emit(get(X_PTR), get(I), get(ROW_BYTES), [MUL, ADD], set(A[0]));
  emit(get(X_PTR), get(J), get(ROW_BYTES), [MUL, ADD], set(B[0]));
  for (let r = 1; r < 4; r++) {
    emit(get(A[r - 1]), get(ROW_BYTES), [ADD], set(A[r]));
    emit(get(B[r - 1]), get(ROW_BYTES), [ADD], set(B[r]));
  }
  emit(i32c(0), set(K), [0x03, 0x40]); // loop over pairs of dimensions
  for (let r = 0; r < 4; r++) emit(get(A[r]), simd(0), [4, 0], set(XV[r]));
  for (let c = 0; c < 4; c++) {
    emit(get(B[c]), simd(0), [4, 0], set(YV));
    for (let r = 0; r < 4; r++) {
      emit(get(ACC(r, c)), get(XV[r]), get(YV), simd(242), simd(240), set(ACC(r, c)));
    }
  }
  for (const p of [...A, ...B]) emit(get(p), i32c(16), [ADD], set(p));
  emit(get(K), i32c(16), [ADD], set(K), get(K), get(ROW_BYTES), [LT_U], [0x0d, 0]);
  emit([0x0b]); // end k loop
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      // address = gPtr + ((i + r) * n + j + c) * 8
      emit(get(I), i32c(r), [ADD], get(N), [MUL], get(J), [ADD], i32c(c), [ADD], i32c(8), [MUL]);
      emit(get(G_PTR), [ADD]);
      emit(get(ACC(r, c)), simd(33), [0], get(ACC(r, c)), simd(33), [1], [0xa0], [0x39, 3, 0]);
    }
  }
  emit(get(J), i32c(4), [ADD], set(J), get(J), get(N), [LT_U], [0x0d, 0], [0x0b]);
  const locals = [2, ...uleb(10), I32, ...uleb(21), V128];
  const body = [...locals, ...code, 0x0b];
  return [...uleb(body.length), ...body];
}

/**
 * A module of one function `exported` with signature `type` (a functype, 0x60 …) and `body`, importing
 * its memory as env.mem: the shape of every SIMD kernel here.
 */
export function singleFunctionModule(
  exported: string,
  type: number[],
  body: number[],
): Uint8Array<ArrayBuffer> {
  const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  return new Uint8Array([
    ...header,
    ...section(1, [1, ...type]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name(exported), 0x00, 0]),
    ...section(10, [1, ...body]),
  ]);
}

/** Compiles `bytes()` once; null where WebAssembly SIMD is missing (the caller uses its JavaScript kernel). */
export function lazySimdModule(bytes: () => Uint8Array<ArrayBuffer>): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(bytes());
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

const simdModule = lazySimdModule(() =>
  singleFunctionModule('gram', [0x60, 5, I32, I32, I32, I32, I32, 0], gramBody()),
);

/**
 * Row-major rows (n x d) in, the upper triangle (j >= i) of the n x n Gram matrix out; lower is
 * unspecified. With `firstRows`, only rows i < firstRows are filled (at least those; whole blocks of
 * four): enough for the products of the first rows with all others, at a fraction of the work.
 */
export function gramUpper(
  rows: Float64Array,
  n: number,
  d: number,
  useSimd = true,
  firstRows = n,
): Float64Array {
  const module = useSimd ? simdModule() : null;
  return module ? gramWasm(module, rows, n, d, firstRows) : gramJs(rows, n, d, firstRows);
}

function gramWasm(
  module: WebAssembly.Module,
  rows: Float64Array,
  n: number,
  d: number,
  firstRows: number,
): Float64Array {
  const np = Math.ceil(n / 4) * 4;
  const dp = Math.ceil(d / 2) * 2;
  const xBytes = np * dp * 8;
  const gBytes = np * np * 8;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((xBytes + gBytes) / 65536) + 1 });
  const x = new Float64Array(memory.buffer, 0, np * dp);
  for (let i = 0; i < n; i++) x.set(rows.subarray(i * d, i * d + d), i * dp);
  const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
  const gram = instance.exports.gram as (x: number, n: number, rb: number, g: number, i: number) => void;
  // One call per block row, so V8 tiers the kernel up from its baseline compiler after a few calls.
  const limit = Math.min(np, Math.ceil(firstRows / 4) * 4);
  for (let i = 0; i < limit; i += 4) gram(0, np, dp * 8, xBytes, i);
  const g = new Float64Array(memory.buffer, xBytes, np * np);
  if (np === n) return g; // a view is safe: this memory belongs to this call alone
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out.set(g.subarray(i * np, i * np + n), i * n);
  return out;
}

function gramJs(rows: Float64Array, n: number, d: number, firstRows: number): Float64Array {
  const g = new Float64Array(n * n);
  for (let i = 0; i < Math.min(n, firstRows); i++) {
    const a = i * d;
    for (let j = i; j < n; j++) {
      const b = j * d;
      let s0 = 0;
      let s1 = 0;
      let k = 0;
      for (; k + 1 < d; k += 2) {
        s0 += rows[a + k] * rows[b + k];
        s1 += rows[a + k + 1] * rows[b + k + 1];
      }
      if (k < d) s0 += rows[a + k] * rows[b + k];
      g[i * n + j] = s0 + s1;
    }
  }
  return g;
}

/** Whether this runtime compiled the SIMD Gram kernel (false means the JavaScript kernel runs). */
export const gramSimdAvailable = (): boolean => simdModule() !== null;
