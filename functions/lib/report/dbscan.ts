/**
 * DBSCAN (Ester et al. 1996) on 2-D points with a uniform grid index: the projector's clustering
 * when the caller fixes a radius (HDBSCAN, which needs none, is the default).
 */

export const NOISE = -1;

export interface DbscanOptions {
  /** Neighbourhood radius. */
  eps: number;
  /** Points within eps (itself included) for a point to be a core point. */
  minPts: number;
}

/** Cluster labels 0..c-1 in order of discovery, NOISE for points in no cluster. */
export function dbscan(xs: ArrayLike<number>, ys: ArrayLike<number>, options: DbscanOptions): Int32Array {
  const n = xs.length;
  const { eps, minPts } = options;
  const labels = new Int32Array(n).fill(-2);
  if (n === 0 || !(eps > 0)) return labels.fill(NOISE);
  const grid = new Map<string, number[]>();
  const cellOf = (v: number) => Math.floor(v / eps);
  for (let i = 0; i < n; i++) {
    const key = `${cellOf(xs[i])},${cellOf(ys[i])}`;
    const cell = grid.get(key);
    if (cell) cell.push(i);
    else grid.set(key, [i]);
  }
  const eps2 = eps * eps;
  const neighbours = (i: number): number[] => {
    const cx = cellOf(xs[i]);
    const cy = cellOf(ys[i]);
    const out: number[] = [];
    for (let gx = cx - 1; gx <= cx + 1; gx++) {
      for (let gy = cy - 1; gy <= cy + 1; gy++) {
        const cell = grid.get(`${gx},${gy}`);
        if (!cell) continue;
        for (const j of cell) {
          const dx = xs[i] - xs[j];
          const dy = ys[i] - ys[j];
          if (dx * dx + dy * dy <= eps2) out.push(j);
        }
      }
    }
    return out;
  };
  let cluster = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -2) continue;
    const seeds = neighbours(i);
    if (seeds.length < minPts) {
      labels[i] = NOISE;
      continue;
    }
    labels[i] = cluster;
    const queue = seeds;
    for (let h = 0; h < queue.length; h++) {
      const j = queue[h];
      if (labels[j] === NOISE) labels[j] = cluster; // a border point reached from a core point
      if (labels[j] !== -2) continue;
      labels[j] = cluster;
      const more = neighbours(j);
      if (more.length >= minPts) for (const m of more) if (labels[m] < 0) queue.push(m);
    }
    cluster++;
  }
  return labels;
}
