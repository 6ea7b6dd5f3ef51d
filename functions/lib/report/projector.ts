/**
 * The embeddings projector: a seeded sample of reference and current embeddings, reduced by PCA then
 * UMAP to 2-D, grouped by HDBSCAN, with each group's drift ratio and sample texts.
 */

import { UMAP } from 'umap-js';
import type { ProjectorCluster, ProjectorPoint } from '../monitor/types.ts';
import { dbscan, NOISE } from './dbscan.ts';
import { hdbscan } from './hdbscan.ts';
import { exactKnn, type KnnResult } from './knn.ts';
import { pca } from './pca.ts';
import { createSeededRandom, type RandomFn, sampleIndices } from './random.ts';
import { optimizeLayout2d, umapLayout2d } from './umap-layout.ts';

export interface ProjectorInput {
  embedding: Float32Array | number[];
  text: string | null;
  label: string;
  score: number;
  /** The record's novelty (current records), for colouring the map. */
  novelty?: number | null;
}

/** What the layout depends on: the seed and the numbers below, never a point's text or label. */
export interface ProjectorLayoutOptions {
  seed: number;
  /** Total points drawn, split evenly between the windows where both have enough. */
  maxPoints?: number;
  /** PCA dimensions fed to UMAP. */
  pcaDims?: number;
  nNeighbors?: number;
  minDist?: number;
  /** UMAP optimisation epochs; fewer is faster and coarser. */
  nEpochs?: number;
  /** Smallest cluster, in points; default 1.5% of the sample, at least 15. */
  minClusterSize?: number;
  /** Clusters above this many points are split into their sub-clusters; default 40% of the sample. */
  maxClusterSize?: number;
  /** Neighbours defining a point's density (core distance); default 10. */
  minPts?: number;
  /** Set to cluster with DBSCAN at this radius (UMAP units) instead of HDBSCAN. */
  eps?: number;
}

export interface BuildProjectorOptions extends ProjectorLayoutOptions {
  reference: ProjectorInput[];
  current: ProjectorInput[];
  sampleTextsPerCluster?: number;
  /** Texts are cut to this length so the report stays small. */
  maxTextChars?: number;
}

export interface Projector {
  points: ProjectorPoint[];
  clusters: ProjectorCluster[];
}

/** The sampled points (indices into each window's inputs, reference first) placed and clustered. */
export interface ProjectorLayout {
  reference: Int32Array;
  current: Int32Array;
  xs: Float64Array;
  ys: Float64Array;
  clusters: Int32Array;
}

/** A window's embeddings, in the order of its projector inputs. */
export type EmbeddingRows = ReadonlyArray<Float32Array | number[]>;

export type ProjectorErrorCode = 'PROJECTOR_DIMENSION_MISMATCH' | 'PROJECTOR_NON_FINITE_EMBEDDING';

export class ProjectorError extends Error {
  readonly code: ProjectorErrorCode;
  constructor(code: ProjectorErrorCode, message: string) {
    super(message);
    this.name = 'ProjectorError';
    this.code = code;
  }
}

/** Below this many points UMAP's neighbour graph is meaningless; the first two PCA axes are shown instead. */
const MIN_POINTS_FOR_UMAP = 16;

function drawSample(nReference: number, nCurrent: number, max: number, random: RandomFn) {
  let nCur = Math.min(nCurrent, Math.ceil(max / 2));
  const nRef = Math.min(nReference, max - nCur);
  nCur = Math.min(nCurrent, max - nRef); // give a short reference's unused budget to current
  const reference = Int32Array.from(sampleIndices(nReference, nRef, random));
  const current = Int32Array.from(sampleIndices(nCurrent, nCur, random));
  return { reference, current };
}

function cutText(text: string | null, max: number): string | null {
  if (text === null) return null;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function clusterSummaries(
  points: ProjectorPoint[],
  sizes: { reference: number; current: number },
  perCluster: number,
): ProjectorCluster[] {
  const byId = new Map<number, ProjectorPoint[]>();
  for (const p of points) {
    if (p.cluster === NOISE) continue;
    const members = byId.get(p.cluster);
    if (members) members.push(p);
    else byId.set(p.cluster, [p]);
  }
  const clusters: ProjectorCluster[] = [];
  for (const [id, members] of byId) {
    const reference = members.filter((p) => p.window === 'reference').length;
    const current = members.length - reference;
    // Shares, not counts, so unequal window samples do not read as drift.
    const r = sizes.reference > 0 ? reference / sizes.reference : 0;
    const c = sizes.current > 0 ? current / sizes.current : 0;
    const driftRatio = r + c > 0 ? (c - r) / (c + r) : 0;
    // Show texts from the window the cluster leans to, nearest its centre first: "what kind of text is new".
    const lean = driftRatio >= 0 ? 'current' : 'reference';
    const cx = members.reduce((s, p) => s + p.x, 0) / members.length;
    const cy = members.reduce((s, p) => s + p.y, 0) / members.length;
    const ordered = [...members].sort(
      (a, b) =>
        Number(b.window === lean) - Number(a.window === lean) ||
        (a.x - cx) ** 2 + (a.y - cy) ** 2 - ((b.x - cx) ** 2 + (b.y - cy) ** 2),
    );
    const sampleTexts: string[] = [];
    for (const p of ordered) {
      if (sampleTexts.length >= perCluster) break;
      if (p.text !== null && p.text !== '' && !sampleTexts.includes(p.text)) sampleTexts.push(p.text);
    }
    clusters.push({ id, reference, current, driftRatio, sampleTexts });
  }
  return clusters.sort((a, b) => Math.abs(b.driftRatio) - Math.abs(a.driftRatio) || a.id - b.id);
}

/**
 * The expensive, text-free part of the projector: the seeded sample, PCA, UMAP and clustering. It reads
 * embeddings only, so it can run on another thread; `assembleProjector` adds texts, labels and counts.
 */
export function layoutProjector(
  embeddings: { reference: EmbeddingRows; current: EmbeddingRows },
  options: ProjectorLayoutOptions,
): ProjectorLayout {
  const random = createSeededRandom(options.seed);
  const picked = drawSample(
    embeddings.reference.length,
    embeddings.current.length,
    Math.max(0, options.maxPoints ?? 2000),
    random,
  );
  const rows = [
    ...Array.from(picked.reference, (i) => embeddings.reference[i]),
    ...Array.from(picked.current, (i) => embeddings.current[i]),
  ];
  const n = rows.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  if (n === 0) return { ...picked, xs, ys, clusters: new Int32Array(0) };
  const dims = rows[0].length;
  for (let i = 0; i < n; i++) {
    if (rows[i].length !== dims) {
      throw new ProjectorError(
        'PROJECTOR_DIMENSION_MISMATCH',
        `Embeddings must all have the same length; found ${dims} and ${rows[i].length}.`,
      );
    }
    // One NaN would spread through PCA to every point of the layout.
    if (!rows[i].every(Number.isFinite)) {
      throw new ProjectorError(
        'PROJECTOR_NON_FINITE_EMBEDDING',
        `An embedding of the ${i < picked.reference.length ? 'reference' : 'current'} window contains NaN or Infinity.`,
      );
    }
  }
  const reduced = pca(
    rows,
    options.pcaDims ?? 32,
    // One power iteration is enough for a layout: UMAP needs the top subspace, not exact axes.
    { random, powerIterations: 1 },
  );
  if (n >= MIN_POINTS_FOR_UMAP && reduced.k >= 2) {
    const nNeighbors = Math.min(options.nNeighbors ?? 15, n - 1);
    const minDist = options.minDist ?? 0.1;
    // 100 epochs: the learning rate decays to zero over them; the layout settles and costs half of 200.
    const nEpochs = options.nEpochs ?? 100;
    const knn = exactKnn(reduced.projected, n, reduced.k, nNeighbors);
    const layout =
      umapLayout2d(knn, { nNeighbors, minDist, nEpochs }, random) ??
      libraryLayout(reduced.projected, n, reduced.k, knn, { nNeighbors, minDist, nEpochs }, random);
    xs.set(layout.xs);
    ys.set(layout.ys);
  } else {
    for (let i = 0; i < n; i++) {
      xs[i] = reduced.k > 0 ? reduced.projected[i * reduced.k] : 0;
      ys[i] = reduced.k > 1 ? reduced.projected[i * reduced.k + 1] : 0;
    }
  }
  const minPts = options.minPts ?? 10;
  const clusters =
    options.eps === undefined
      ? hdbscan(xs, ys, {
          minPts,
          minClusterSize: options.minClusterSize ?? Math.max(15, Math.round(n * 0.015)),
          maxClusterSize: options.maxClusterSize ?? Math.round(n * 0.4),
        })
      : dbscan(xs, ys, { eps: options.eps, minPts });
  return { ...picked, xs, ys, clusters };
}

/** umap-js itself, for a kNN graph the typed path does not model (a missing neighbour). */
function libraryLayout(
  projected: Float64Array,
  n: number,
  k: number,
  knn: KnnResult,
  options: { nNeighbors: number; minDist: number; nEpochs: number },
  random: RandomFn,
): { xs: Float64Array; ys: Float64Array } {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(projected.subarray(i * k, (i + 1) * k)));
  const umap = new UMAP({ nComponents: 2, ...options, random });
  umap.setPrecomputedKNN(knn.indices, knn.distances);
  umap.initializeFit(rows);
  const embedding = optimizeLayout2d(umap, random);
  return { xs: Float64Array.from(embedding, (p) => p[0]), ys: Float64Array.from(embedding, (p) => p[1]) };
}

/** The report's projector from a layout of these inputs: texts cut, novelty rounded, clusters summed up. */
export function assembleProjector(
  layout: ProjectorLayout,
  inputs: { reference: ProjectorInput[]; current: ProjectorInput[] },
  options: Pick<BuildProjectorOptions, 'maxTextChars' | 'sampleTextsPerCluster'> = {},
): Projector {
  const nRef = layout.reference.length;
  const sample = [
    ...Array.from(layout.reference, (i) => ({ item: inputs.reference[i], window: 'reference' as const })),
    ...Array.from(layout.current, (i) => ({ item: inputs.current[i], window: 'current' as const })),
  ];
  if (sample.length === 0) return { points: [], clusters: [] };
  const maxText = options.maxTextChars ?? 280;
  // Four decimals is far below a pixel and keeps the report's JSON small.
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const points: ProjectorPoint[] = sample.map((s, i) => ({
    x: round(layout.xs[i]),
    y: round(layout.ys[i]),
    window: s.window,
    text: cutText(s.item.text, maxText),
    label: s.item.label,
    score: s.item.score,
    cluster: layout.clusters[i],
    ...(s.item.novelty === undefined
      ? {}
      : { novelty: s.item.novelty === null ? null : round(s.item.novelty) }),
  }));
  const sizes = { reference: nRef, current: sample.length - nRef };
  return { points, clusters: clusterSummaries(points, sizes, options.sampleTextsPerCluster ?? 5) };
}

/** Build the projector data for a report. Deterministic for a given seed and input. */
export function buildProjector(options: BuildProjectorOptions): Projector {
  const layout = layoutProjector(
    {
      reference: options.reference.map((p) => p.embedding),
      current: options.current.map((p) => p.embedding),
    },
    options,
  );
  return assembleProjector(layout, options, options);
}
