/**
 * HDBSCAN on 2-D points (Campello, Moulavi & Sander 2013; the steps of McInnes' `hdbscan` package):
 * mutual-reachability minimum spanning tree, single-linkage hierarchy, condensed tree, and clusters
 * chosen by excess of mass. Unlike DBSCAN it needs no radius and finds dense regions inside a
 * continuous cloud, which is what a UMAP layout of real text embeddings usually looks like.
 * O(n²) time and O(n) memory: meant for the projector's few thousand points.
 */

import { NOISE } from './dbscan.ts';

export interface HdbscanOptions {
  /** Neighbours (the point itself included) that define a point's core distance. */
  minPts: number;
  /** Smallest group of points that counts as a cluster. */
  minClusterSize: number;
  /** A larger cluster is never chosen while it has sub-clusters (as `max_cluster_size` in `hdbscan`). */
  maxClusterSize?: number;
}

/** Distance from each point to its (minPts-1)-th nearest other point. */
function coreDistances(xs: ArrayLike<number>, ys: ArrayLike<number>, minPts: number): Float64Array {
  const n = xs.length;
  const k = Math.min(Math.max(1, minPts - 1), n - 1);
  const core = new Float64Array(n);
  const best = new Float64Array(k + 1);
  for (let i = 0; i < n; i++) {
    best.fill(Number.POSITIVE_INFINITY);
    for (let j = 0; j < n; j++) {
      const d2 = (xs[i] - xs[j]) ** 2 + (ys[i] - ys[j]) ** 2;
      if (d2 >= best[k]) continue;
      let p = k;
      while (p > 0 && best[p - 1] > d2) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = d2;
    }
    core[i] = Math.sqrt(best[k]);
  }
  return core;
}

/** Prim's algorithm on the complete mutual-reachability graph; edges sorted by weight. */
function spanningTree(xs: ArrayLike<number>, ys: ArrayLike<number>, core: Float64Array) {
  const n = xs.length;
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const from = new Int32Array(n);
  const edges: { a: number; b: number; w: number }[] = [];
  let current = 0;
  inTree[0] = 1;
  for (let added = 1; added < n; added++) {
    let next = -1;
    let nextW = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (inTree[j]) continue;
      const d = Math.sqrt((xs[current] - xs[j]) ** 2 + (ys[current] - ys[j]) ** 2);
      const w = Math.max(d, core[current], core[j]);
      if (w < best[j]) {
        best[j] = w;
        from[j] = current;
      }
      if (best[j] < nextW) {
        nextW = best[j];
        next = j;
      }
    }
    inTree[next] = 1;
    edges.push({ a: from[next], b: next, w: nextW });
    current = next;
  }
  return edges.sort((p, q) => p.w - q.w);
}

interface CondensedEdge {
  parent: number;
  child: number;
  lambda: number;
  size: number;
}

/** Cluster labels 0..c-1 (largest first) and NOISE. */
export function hdbscan(xs: ArrayLike<number>, ys: ArrayLike<number>, options: HdbscanOptions): Int32Array {
  const n = xs.length;
  const labels = new Int32Array(n).fill(NOISE);
  const mcs = Math.max(2, options.minClusterSize);
  if (n < mcs) return labels;

  // Single-linkage hierarchy: node n + m is the m-th merge.
  const edges = spanningTree(xs, ys, coreDistances(xs, ys, options.minPts));
  const left = new Int32Array(n - 1);
  const right = new Int32Array(n - 1);
  const height = new Float64Array(n - 1);
  const size = new Int32Array(2 * n - 1).fill(1);
  const uf = Int32Array.from({ length: 2 * n - 1 }, (_, i) => i);
  const find = (i: number): number => {
    let r = i;
    while (uf[r] !== r) r = uf[r];
    while (uf[i] !== r) [uf[i], i] = [r, uf[i]];
    return r;
  };
  edges.forEach((e, m) => {
    const ra = find(e.a);
    const rb = find(e.b);
    const node = n + m;
    left[m] = ra;
    right[m] = rb;
    height[m] = e.w;
    size[node] = size[ra] + size[rb];
    uf[ra] = node;
    uf[rb] = node;
  });

  // Condensed tree: follow splits where both sides have >= mcs points; smaller sides fall out as points.
  const lambdaOf = (m: number) => 1 / Math.max(height[m], 1e-12);
  const condensed: CondensedEdge[] = [];
  const leavesUnder = (node: number, out: number[]) => {
    const stack = [node];
    while (stack.length) {
      const v = stack.pop() as number;
      if (v < n) out.push(v);
      else stack.push(left[v - n], right[v - n]);
    }
    return out;
  };
  let nextCluster = 1;
  const queue: [number, number][] = [[2 * n - 2, 0]]; // [hierarchy node, condensed cluster id]
  while (queue.length) {
    const [node, cluster] = queue.pop() as [number, number];
    if (node < n) continue;
    const m = node - n;
    const lambda = lambdaOf(m);
    const [l, r] = [left[m], right[m]];
    const bigL = size[l] >= mcs;
    const bigR = size[r] >= mcs;
    if (bigL && bigR) {
      for (const child of [l, r]) {
        const id = nextCluster++;
        condensed.push({ parent: cluster, child: n + id, lambda, size: size[child] });
        queue.push([child, id]);
      }
    } else {
      for (const child of [l, r]) {
        if (size[child] >= mcs) queue.push([child, cluster]);
        else
          for (const p of leavesUnder(child, []))
            condensed.push({ parent: cluster, child: p, lambda, size: 1 });
      }
    }
  }

  // Excess of mass: keep a cluster unless its children together are more stable.
  const clusters = nextCluster;
  const birth = new Float64Array(clusters);
  const bornWith = new Int32Array(clusters).fill(n);
  const parentOf = new Int32Array(clusters).fill(-1);
  const children: number[][] = Array.from({ length: clusters }, () => []);
  for (const e of condensed) {
    if (e.child >= n) {
      birth[e.child - n] = e.lambda;
      bornWith[e.child - n] = e.size;
      parentOf[e.child - n] = e.parent;
      children[e.parent].push(e.child - n);
    }
  }
  const stability = new Float64Array(clusters);
  for (const e of condensed) stability[e.parent] += (e.lambda - birth[e.parent]) * e.size;
  const selected = new Uint8Array(clusters);
  for (let c = clusters - 1; c >= 1; c--) {
    const childSum = children[c].reduce((s, k) => s + stability[k], 0);
    const tooBig = bornWith[c] > (options.maxClusterSize ?? Number.POSITIVE_INFINITY);
    if (children[c].length > 0 && (childSum > stability[c] || tooBig)) {
      stability[c] = childSum;
    } else {
      selected[c] = 1;
      const stack = [...children[c]];
      while (stack.length) {
        const k = stack.pop() as number;
        selected[k] = 0;
        stack.push(...children[k]);
      }
    }
  }

  // A point belongs to the selected cluster it fell out of, or whose descendant it fell out of.
  const owner = new Int32Array(clusters).fill(-1);
  for (let c = 1; c < clusters; c++) owner[c] = selected[c] ? c : owner[parentOf[c]];
  const counts = new Map<number, number>();
  for (const e of condensed) {
    if (e.child < n && owner[e.parent] > 0) {
      labels[e.child] = owner[e.parent];
      counts.set(owner[e.parent], (counts.get(owner[e.parent]) ?? 0) + 1);
    }
  }
  const order = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c);
  const rename = new Map(order.map((c, i) => [c, i]));
  for (let i = 0; i < n; i++) if (labels[i] !== NOISE) labels[i] = rename.get(labels[i]) ?? NOISE;
  return labels;
}
