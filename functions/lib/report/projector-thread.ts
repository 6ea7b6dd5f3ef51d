/**
 * The projector's layout on a worker thread, so that it runs on the second core while the checks run
 * on the first. The worker computes exactly `layoutProjector` (same code, same seed), so the report is
 * the same whichever thread placed the points. Wherever no worker can start (a bundle shipped without
 * projector-worker.mjs) or the worker fails, the layout is computed on this thread instead, which also
 * rethrows the layout's own errors (ProjectorError) with their codes.
 */
import {
  type EmbeddingRows,
  layoutProjector,
  type ProjectorLayout,
  type ProjectorLayoutOptions,
} from './projector.ts';
import { openWorkerThread } from './worker-thread.ts';

/**
 * Each window's embeddings as one row-major `rows x dim` matrix: what is copied to the worker. Pass
 * arrays of exactly that length: a view into a larger buffer is copied with the whole buffer.
 */
export interface ProjectorLayoutRequest {
  dim: number;
  reference: Float32Array;
  current: Float32Array;
  options: ProjectorLayoutOptions;
}

export interface PendingProjectorLayout {
  /** The layout, from the worker or, when it could not deliver, computed on this thread (`onWorker` false). */
  result(): Promise<{ layout: ProjectorLayout; onWorker: boolean }>;
  /** Stops the worker, e.g. when the run failed before it needed the layout. */
  cancel(): void;
}

/** A worker thread started ahead of its one layout, so that its start-up overlaps other work. */
export interface ProjectorThread {
  /** Lays out `request` on the thread (on this one when it is small or the thread failed); once. */
  layout(request: ProjectorLayoutRequest, minPoints?: number): PendingProjectorLayout;
  /** Ends the thread; safe to call at any time and more than once. */
  close(): void;
}

/**
 * Below this many points the layout takes less time than starting a worker (tens of milliseconds from a
 * bundle, a few hundred with tsx's loader), so it runs on this thread.
 */
export const WORKER_MIN_POINTS = 500;

function rows(matrix: Float32Array, dim: number): EmbeddingRows {
  const n = dim > 0 ? matrix.length / dim : 0;
  return Array.from({ length: n }, (_, i) => matrix.subarray(i * dim, (i + 1) * dim));
}

/** The layout a request describes; the worker runs this. */
export function layoutFromRequest(request: ProjectorLayoutRequest): ProjectorLayout {
  return layoutProjector(
    { reference: rows(request.reference, request.dim), current: rows(request.current, request.dim) },
    request.options,
  );
}

const pointsOf = (r: ProjectorLayoutRequest) =>
  Math.min(r.dim > 0 ? (r.reference.length + r.current.length) / r.dim : 0, r.options.maxPoints ?? 2000);

const inThread = (request: ProjectorLayoutRequest): PendingProjectorLayout => ({
  result: async () => ({ layout: layoutFromRequest(request), onWorker: false }),
  cancel: () => {},
});

/** Starts a worker thread that waits for its layout; until then it does not keep the process alive. */
export function openProjectorThread(): ProjectorThread {
  const thread = openWorkerThread();
  return {
    layout(request, minPoints = WORKER_MIN_POINTS) {
      const pending = pointsOf(request) >= minPoints ? thread.run<ProjectorLayout>(request) : null;
      if (!pending) {
        thread.close();
        return inThread(request);
      }
      return {
        result: async () => {
          const layout = await pending.result();
          return layout
            ? { layout, onWorker: true }
            : { layout: layoutFromRequest(request), onWorker: false };
        },
        cancel: pending.cancel,
      };
    },
    close: thread.close,
  };
}

/** Starts the layout on a worker thread and returns at once (a small layout waits for `result`, here). */
export function startProjectorLayout(
  request: ProjectorLayoutRequest,
  minPoints = WORKER_MIN_POINTS,
): PendingProjectorLayout {
  if (pointsOf(request) < minPoints) return inThread(request);
  return openProjectorThread().layout(request, 0);
}
