/**
 * Time of each drift method against the same test written the way the Python peers write it
 * (bench/py/stats_methods.py: scipy.stats for KS, chi-square and Wasserstein, NumPy MMD, a
 * scikit-learn logistic-regression domain classifier), on the same data, best of N runs.
 * Python is optional: without it the column says why it was skipped.
 *
 *   node bin/run-ts.mjs bench/stats-methods.ts [--runs 3] [--out FILE]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chiSquareTest } from '../functions/lib/stats/chi-square.ts';
import { domainClassifierTest } from '../functions/lib/stats/domain-classifier.ts';
import { ksTest } from '../functions/lib/stats/ks.ts';
import { mmdPermutationTest } from '../functions/lib/stats/mmd.ts';
import { createRng } from '../functions/lib/stats/rng.ts';
import { wassersteinTest } from '../functions/lib/stats/wasserstein.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    out: { type: 'string', default: join(import.meta.dirname, 'stats-methods.results.json') },
  },
});
const RUNS = Number(args.runs);
const N = 100_000; // scores per window for KS and Wasserstein
const LABELS = 1_000_000; // predicted labels per window for chi-square
const CLASSES = 3;
const DIM = 768;
const MMD_PER_SIDE = 500; // the monitor's default cap
const DC_PER_SIDE = 300; // the monitor's default cap
const PERMUTATIONS = 1000; // the monitor's default

const rng = createRng(2026);
const gaussian = () => {
  const u = rng.random() || Number.MIN_VALUE;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.random());
};
const a = Float64Array.from({ length: N }, gaussian);
const b = Float64Array.from({ length: N }, () => gaussian() + 0.01);
const la = Uint8Array.from({ length: LABELS }, () => Math.floor(rng.random() * CLASSES));
const lb = Uint8Array.from({ length: LABELS }, () =>
  rng.random() < 0.34 ? 0 : 1 + Math.floor(rng.random() * 2),
);
const emb = Float32Array.from({ length: 2 * MMD_PER_SIDE * DIM }, (_, i) =>
  i < MMD_PER_SIDE * DIM ? gaussian() : gaussian() + 0.05,
);
const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => emb.subarray((from + i) * DIM, (from + i + 1) * DIM));

function best<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let ms = Number.POSITIVE_INFINITY;
  let value = fn();
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    value = fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

function counts(labels: Uint8Array): Float64Array {
  const c = new Float64Array(CLASSES);
  for (const l of labels) c[l]++;
  return c;
}

interface Timing {
  ms: number;
  statistic: number;
  p_value: number | null;
}
const vigil: Record<string, Timing> = {};
const record = (name: string, r: { ms: number; value: { statistic: number; pValue?: number | null } }) => {
  vigil[name] = { ms: r.ms, statistic: r.value.statistic, p_value: r.value.pValue ?? null };
};
record(
  'ks',
  best(RUNS, () => ksTest(a, b)),
);
record(
  'chi_square',
  best(RUNS, () => chiSquareTest(counts(la), counts(lb))),
);
record(
  'wasserstein',
  best(RUNS, () => wassersteinTest(a, b)),
);
record(
  'mmd',
  best(1, () =>
    mmdPermutationTest(rows(0, MMD_PER_SIDE), rows(MMD_PER_SIDE, MMD_PER_SIDE), {
      permutations: PERMUTATIONS,
      seed: 1,
    }),
  ),
);
record(
  'domain_classifier',
  best(RUNS, () => domainClassifierTest(rows(0, DC_PER_SIDE), rows(MMD_PER_SIDE, DC_PER_SIDE), { seed: 1 })),
);

/** The first interpreter that has scikit-learn, else the first with numpy and scipy. */
function findPython(): { exe: string; note: string } | { skipped: string } {
  const candidates = ['python3', '/usr/bin/python3'];
  const has = (exe: string, mods: string) =>
    spawnSync(exe, ['-c', `import ${mods}`], { encoding: 'utf8' }).status === 0;
  for (const exe of candidates)
    if (has(exe, 'numpy, scipy, sklearn')) return { exe, note: 'numpy+scipy+sklearn' };
  for (const exe of candidates) if (has(exe, 'numpy, scipy')) return { exe, note: 'numpy+scipy' };
  return { skipped: 'no python3 with numpy and scipy found' };
}

let python: Record<string, Timing | { skipped: string }> | { skipped: string };
let pythonVersion = '';
const py = findPython();
if ('skipped' in py) python = py;
else {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-stats-'));
  try {
    writeFileSync(join(dir, 'a.f64'), Buffer.from(a.buffer));
    writeFileSync(join(dir, 'b.f64'), Buffer.from(b.buffer));
    writeFileSync(join(dir, 'la.u8'), la);
    writeFileSync(join(dir, 'lb.u8'), lb);
    writeFileSync(join(dir, 'emb.f32'), Buffer.from(emb.buffer));
    writeFileSync(
      join(dir, 'shape.json'),
      JSON.stringify({
        rows: 2 * MMD_PER_SIDE,
        dim: DIM,
        classes: CLASSES,
        mmd_per_side: MMD_PER_SIDE,
        dc_per_side: DC_PER_SIDE,
        permutations: PERMUTATIONS,
      }),
    );
    const script = join(import.meta.dirname, 'py', 'stats_methods.py');
    const r = spawnSync(py.exe, [script, dir, String(RUNS)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    pythonVersion = spawnSync(
      py.exe,
      [
        '-c',
        'import sys, numpy, scipy; print(sys.version.split()[0], "numpy", numpy.__version__, "scipy", scipy.__version__)',
      ],
      { encoding: 'utf8' },
    ).stdout.trim();
    python =
      r.status === 0
        ? JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}')
        : { skipped: `python run failed: ${r.stderr.trim().split('\n').pop()}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SETUP: Record<string, string> = {
  ks: `two-sample KS, ${N.toLocaleString('en')} vs ${N.toLocaleString('en')} scores`,
  chi_square: `chi-square on label counts, ${LABELS.toLocaleString('en')} vs ${LABELS.toLocaleString('en')} labels, ${CLASSES} classes (counting included)`,
  wasserstein: `Wasserstein (÷ reference std), ${N.toLocaleString('en')} vs ${N.toLocaleString('en')}`,
  mmd: `MMD² permutation test, ${MMD_PER_SIDE} vs ${MMD_PER_SIDE} × ${DIM}, B=${PERMUTATIONS} (one run)`,
  domain_classifier: `domain classifier, ${DC_PER_SIDE} vs ${DC_PER_SIDE} × ${DIM}, 5-fold logistic regression, ROC AUC`,
};
const PEER: Record<string, string> = {
  ks: 'scipy.stats.ks_2samp',
  chi_square: 'np.bincount + scipy.stats.chi2_contingency',
  wasserstein: 'scipy.stats.wasserstein_distance / np.std',
  mmd: 'NumPy (bench/py/mmd_numpy.py)',
  domain_classifier: 'sklearn StandardScaler + LogisticRegression, cross_val_predict, roc_auc_score',
};
const fmt = (t: Timing) =>
  `${t.ms < 10 ? t.ms.toFixed(2) : t.ms.toFixed(0)} ms (stat ${Number(t.statistic.toPrecision(4))}${t.p_value == null ? '' : `, p ${Number(t.p_value.toPrecision(3))}`})`;
const lines = [
  `Python: ${'skipped' in py ? py.skipped : `${py.exe} (${pythonVersion}${py.note.includes('sklearn') ? ', scikit-learn' : ''})`}; best of ${RUNS} runs unless noted.`,
  '',
  '| method | setup | vigil (TypeScript) | Python peer | peer implementation | vigil / peer |',
  '|---|---|---:|---:|---|---:|',
  ...Object.keys(SETUP).map((m) => {
    const p = 'skipped' in python ? (python as { skipped: string }) : python[m];
    const mine = vigil[m];
    const theirs = p && !('skipped' in p) ? (p as Timing) : null;
    const peerCell = theirs
      ? fmt(theirs)
      : `skipped: ${(p as { skipped: string } | undefined)?.skipped ?? 'no result'}`;
    const ratio = theirs ? `${(mine.ms / theirs.ms).toFixed(2)}×` : '-';
    return `| ${m} | ${SETUP[m]} | ${fmt(mine)} | ${peerCell} | ${PEER[m]} | ${ratio} |`;
  }),
];
console.log(lines.join('\n'));
writeFileSync(args.out, `${JSON.stringify({ at: new Date().toISOString(), vigil, python }, null, 2)}\n`);
