/**
 * The word-excess permutation test on a worker thread, so that its permutations — the longest check
 * on long texts (about 3 s for 1,000 + 5,000 texts of 128 tokens when there is drift, every
 * permutation run) — use the second core while the other checks run on the first. The worker runs
 * the same function on the same documents with the same seed, so the result is the one
 * `wordExcessTest` gives on this thread; that is where it runs when the documents are few (a worker
 * takes longer to start) or no worker can start or it fails (its own errors are then rethrown here).
 */
import { openWorkerThread } from '../report/worker-thread.ts';
import { type WordExcessOptions, type WordExcessResult, wordExcessTest } from '../stats/word-excess.ts';

/** A word-excess test as the worker receives it: every document's tokens in one array. */
export interface WordExcessRequest {
  kind: 'word_excess';
  /** The token ids of every document, the reference's first; document d is offsets[d] .. offsets[d + 1]. */
  tokens: Int32Array;
  offsets: Int32Array;
  referenceCount: number;
  options: WordExcessOptions;
}

export interface PendingWordExcess {
  /** The result, from the worker or, when it could not deliver, computed on this thread (`onWorker` false). */
  result(): Promise<{ result: WordExcessResult; onWorker: boolean }>;
  /** Stops the worker, e.g. when the run failed before it needed the result. */
  cancel(): void;
}

/**
 * Tokens over both windows below which the test runs on this thread: 6,000 short texts (a few tokens
 * each) take less time than a worker's start.
 */
export const WORD_WORKER_MIN_TOKENS = 100_000;

export function wordExcessRequest(
  reference: readonly ArrayLike<number>[],
  current: readonly ArrayLike<number>[],
  options: WordExcessOptions,
): WordExcessRequest {
  const docs = [...reference, ...current];
  const offsets = new Int32Array(docs.length + 1);
  docs.forEach((d, i) => {
    offsets[i + 1] = offsets[i] + d.length;
  });
  const tokens = new Int32Array(offsets[docs.length]);
  docs.forEach((d, i) => {
    tokens.set(d, offsets[i]);
  });
  return { kind: 'word_excess', tokens, offsets, referenceCount: reference.length, options };
}

/** What the worker runs: `wordExcessTest` over the request's documents. */
export function runWordExcessRequest(request: WordExcessRequest): WordExcessResult {
  const { tokens, offsets, referenceCount } = request;
  const docs = Array.from({ length: offsets.length - 1 }, (_, d) =>
    tokens.subarray(offsets[d], offsets[d + 1]),
  );
  return wordExcessTest(docs.slice(0, referenceCount), docs.slice(referenceCount), request.options);
}

const inThread = (request: WordExcessRequest): PendingWordExcess => ({
  result: async () => ({ result: runWordExcessRequest(request), onWorker: false }),
  cancel: () => {},
});

/** Starts the test on a worker thread and returns at once (a small test waits for `result`, here). */
export function startWordExcess(
  request: WordExcessRequest,
  minTokens = WORD_WORKER_MIN_TOKENS,
): PendingWordExcess {
  const pending =
    request.tokens.length >= minTokens ? openWorkerThread().run<WordExcessResult>(request) : null;
  if (!pending) return inThread(request);
  return {
    result: async () => {
      const result = await pending.result();
      return result ? { result, onWorker: true } : { result: runWordExcessRequest(request), onWorker: false };
    },
    cancel: pending.cancel,
  };
}
