/**
 * The embeddings projector: a seeded sample of reference and current embeddings, reduced by PCA then
 * UMAP to 2-D, grouped by HDBSCAN, with each group's drift ratio and sample texts.
 */

import { UMAP } from 'umap-js';
import type { ProjectorCluster, ProjectorPoint } from '../monitor/types.ts';
import { dbscan, NOISE } from './dbscan.ts';
import { hdbscan } from './hdbscan.ts';
import { exactKnn } from './knn.ts';
import { pca } from './pca.ts';
import { createSeededRandom, type RandomFn, sampleIndices } from './random.ts';
import { optimizeLayout2d } from './umap-layout.ts';

export interface ProjectorInput {
  embedding: Float32Array | number[];
  text: string | null;
  label: string;
  score: number;
  /** The record's novelty (current records), for colouring the map. */
  novelty?: number | null;
}

export interface BuildProjectorOptions {
  reference: ProjectorInput[];
  current: ProjectorInput[];
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
  sampleTextsPerCluster?: number;
  /** Texts are cut to this length so the report stays small. */
  maxTextChars?: number;
}

export interface Projector {
  points: ProjectorPoint[];
  clusters: ProjectorCluster[];
}

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

interface Sampled {
  item: ProjectorInput;
  window: 'reference' | 'current';
}

function drawSample(options: BuildProjectorOptions, random: RandomFn): Sampled[] {
  const { reference, current } = options;
  const max = Math.max(0, options.maxPoints ?? 2000);
  let nCur = Math.min(current.length, Math.ceil(max / 2));
  const nRef = Math.min(reference.length, max - nCur);
  nCur = Math.min(current.length, max - nRef); // give a short reference's unused budget to current
  return [
    ...sampleIndices(reference.length, nRef, random).map((i) => ({
      item: reference[i],
      window: 'reference' as const,
    })),
    ...sampleIndices(current.length, nCur, random).map((i) => ({
      item: current[i],
      window: 'current' as const,
    })),
  ];
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

/** Build the projector data for a report. Deterministic for a given seed and input. */
export function buildProjector(options: BuildProjectorOptions): Projector {
  const random = createSeededRandom(options.seed);
  const sample = drawSample(options, random);
  if (sample.length === 0) return { points: [], clusters: [] };
  const dims = sample[0].item.embedding.length;
  for (const s of sample) {
    if (s.item.embedding.length !== dims) {
      throw new ProjectorError(
        'PROJECTOR_DIMENSION_MISMATCH',
        `Embeddings must all have the same length; found ${dims} and ${s.item.embedding.length}.`,
      );
    }
    // One NaN would spread through PCA to every point of the layout.
    if (!s.item.embedding.every(Number.isFinite)) {
      throw new ProjectorError(
        'PROJECTOR_NON_FINITE_EMBEDDING',
        `An embedding of the ${s.window} window contains NaN or Infinity.`,
      );
    }
  }
  const reduced = pca(
    sample.map((s) => s.item.embedding),
    options.pcaDims ?? 32,
    // One power iteration is enough for a layout: UMAP needs the top subspace, not exact axes.
    { random, powerIterations: 1 },
  );
  const n = sample.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  if (n >= MIN_POINTS_FOR_UMAP && reduced.k >= 2) {
    const rows: number[][] = [];
    for (let i = 0; i < n; i++)
      rows.push(Array.from(reduced.projected.subarray(i * reduced.k, (i + 1) * reduced.k)));
    const nNeighbors = Math.min(options.nNeighbors ?? 15, n - 1);
    const umap = new UMAP({
      nComponents: 2,
      nNeighbors,
      minDist: options.minDist ?? 0.1,
      // 100 epochs: the learning rate decays to zero over them; the layout settles and costs half of 200.
      nEpochs: options.nEpochs ?? 100,
      random,
    });
    const knn = exactKnn(reduced.projected, n, reduced.k, nNeighbors);
    umap.setPrecomputedKNN(knn.indices, knn.distances);
    umap.initializeFit(rows);
    const embedding = optimizeLayout2d(umap, random);
    for (let i = 0; i < n; i++) {
      xs[i] = embedding[i][0];
      ys[i] = embedding[i][1];
    }
  } else {
    for (let i = 0; i < n; i++) {
      xs[i] = reduced.k > 0 ? reduced.projected[i * reduced.k] : 0;
      ys[i] = reduced.k > 1 ? reduced.projected[i * reduced.k + 1] : 0;
    }
  }
  const minPts = options.minPts ?? 10;
  const labels =
    options.eps === undefined
      ? hdbscan(xs, ys, {
          minPts,
          minClusterSize: options.minClusterSize ?? Math.max(15, Math.round(n * 0.015)),
          maxClusterSize: options.maxClusterSize ?? Math.round(n * 0.4),
        })
      : dbscan(xs, ys, { eps: options.eps, minPts });
  const maxText = options.maxTextChars ?? 280;
  // Four decimals is far below a pixel and keeps the report's JSON small.
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const points: ProjectorPoint[] = sample.map((s, i) => ({
    x: round(xs[i]),
    y: round(ys[i]),
    window: s.window,
    text: cutText(s.item.text, maxText),
    label: s.item.label,
    score: s.item.score,
    cluster: labels[i],
    ...(s.item.novelty === undefined
      ? {}
      : { novelty: s.item.novelty === null ? null : round(s.item.novelty) }),
  }));
  const sizes = {
    reference: sample.filter((s) => s.window === 'reference').length,
    current: sample.filter((s) => s.window === 'current').length,
  };
  return { points, clusters: clusterSummaries(points, sizes, options.sampleTextsPerCluster ?? 5) };
}
