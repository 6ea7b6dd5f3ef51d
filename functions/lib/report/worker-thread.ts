/**
 * A worker thread of the monitor run that serves one request (projector-worker.ts: a projector layout
 * or a word-excess test). It can be opened ahead, so that its start-up overlaps other work; until it
 * is given its request it does not keep the process alive. Where no worker can start, or it fails, the
 * caller computes on its own thread (`run` gives null, or `result` resolves to null).
 */
import { Worker } from 'node:worker_threads';

export interface PendingWork<T> {
  /** What the worker posted back; null when it ended without an answer (its error is the caller's to redo). */
  result(): Promise<T | null>;
  /** Stops the worker, e.g. when the run failed before it needed the answer. */
  cancel(): void;
}

export interface WorkerThread {
  /** Posts the thread's one request; null when there is no worker (none started, already used, closed). */
  run<T>(request: unknown): PendingWork<T> | null;
  /** Ends the thread; safe to call at any time and more than once. */
  close(): void;
}

/** The worker entry beside this module: its TypeScript source, or the bundle's projector-worker.mjs. */
function spawnWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./projector-worker.mjs', here));
  // Running from source (bin/run-ts.mjs, bin/vigil.mjs, vitest): the worker needs tsx's loader too,
  // and Node 20 does not hand hooks registered with module.register() on to workers.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./projector-worker.ts', here).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

export function openWorkerThread(): WorkerThread {
  let worker: Worker | null = null;
  let ended: Promise<null> = Promise.resolve(null);
  try {
    const w = spawnWorker();
    w.unref();
    ended = new Promise((resolve) => {
      w.once('error', () => resolve(null));
      w.once('exit', () => resolve(null));
    });
    worker = w;
  } catch {
    // No worker here (e.g. no TypeScript loader): every request runs on the caller's thread.
  }
  let used = false;
  const close = () => {
    void worker?.terminate();
    worker = null;
  };
  return {
    run<T>(request: unknown): PendingWork<T> | null {
      const w = worker;
      if (used || !w) return null;
      used = true;
      // A 'message' listener holds the process open, so it is added only now, with the worker ref'd.
      w.ref();
      const delivered = new Promise<T>((resolve) => w.once('message', resolve));
      w.postMessage(request);
      return {
        result: async () => {
          const answer = await Promise.race([delivered, ended]);
          worker = null;
          return answer;
        },
        cancel: close,
      };
    },
    close,
  };
}
