/**
 * Times MMD (1000 vs 1000 embeddings of 768 dims, 100 permutations) and the domain classifier on the
 * same data, next to a plain NumPy MMD (bench/py/mmd_numpy.py) when python3 with numpy is available.
 * Run: node bin/run-ts.mjs bench/stats-mmd.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainClassifierTest } from '../functions/lib/stats/domain-classifier.ts';
import { mmdPermutationTest } from '../functions/lib/stats/mmd.ts';
import { createRng } from '../functions/lib/stats/rng.ts';

const N = 1000;
const M = 1000;
const DIM = 768;
const PERMUTATIONS = 100;
const RUNS = 3;

const rng = createRng(2024);
function gaussian(): number {
  const u = rng.random() || Number.MIN_VALUE;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.random());
}
const flat = new Float32Array((N + M) * DIM);
for (let i = 0; i < flat.length; i++) flat[i] = gaussian() + (i >= N * DIM ? 0.02 : 0); // a small shift
const rows = Array.from({ length: N + M }, (_, i) => flat.subarray(i * DIM, (i + 1) * DIM));
const reference = rows.slice(0, N);
const current = rows.slice(N);

function best<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let ms = Number.POSITIVE_INFINITY;
  let value = fn();
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    value = fn();
    ms = Math.min(ms, performance.now() - start);
  }
  return { ms, value };
}

const mmd = best(RUNS, () => mmdPermutationTest(reference, current, { permutations: PERMUTATIONS, seed: 1 }));
const classifier = best(1, () => domainClassifierTest(reference, current, { seed: 1 }));

let numpyCell = 'skipped (python3 with numpy not found)';
const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
try {
  const file = join(dir, 'embeddings.f32');
  writeFileSync(file, Buffer.from(flat.buffer));
  const script = new URL('./py/mmd_numpy.py', import.meta.url).pathname;
  const py = spawnSync('python3', [script, file, String(N), String(M), String(DIM), String(PERMUTATIONS)], {
    encoding: 'utf8',
  });
  if (py.status === 0) {
    const out = JSON.parse(py.stdout.trim().split('\n').pop() ?? '{}');
    numpyCell = `${(out.seconds * 1000).toFixed(0)} ms (MMD² ${out.mmd2.toExponential(4)}, σ ${out.bandwidth.toFixed(4)})`;
  } else {
    console.error(`numpy run skipped: ${py.error?.message ?? py.stderr.trim().split('\n').pop()}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, node ${process.version}`;
console.log('| benchmark | vigil (TypeScript) | NumPy peer | machine |');
console.log('|---|---|---|---|');
console.log(
  `| MMD² permutation test, ${N} vs ${M} × ${DIM}, B=${PERMUTATIONS} | ${mmd.ms.toFixed(0)} ms best of ${RUNS} ` +
    `(MMD² ${mmd.value.statistic.toExponential(4)}, σ ${mmd.value.bandwidth.toFixed(4)}, p ${mmd.value.pValue?.toFixed(4)}) ` +
    `| ${numpyCell} | ${machine} |`,
);
console.log(
  `| Domain classifier, ${N} vs ${M} × ${DIM}, 5-fold logistic | ${classifier.ms.toFixed(0)} ms ` +
    `(AUC ${classifier.value.auc.toFixed(4)}, p ${classifier.value.pValue?.toExponential(3)}) | n/a | ${machine} |`,
);
