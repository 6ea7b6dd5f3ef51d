/**
 * Bounded concurrency for reading many small objects: at most `limit` fetches in flight, results
 * handed on in input order so that what consumes them (dedupe by id, reservoir sampling) sees the
 * same sequence as a one-at-a-time read.
 */

/** GETs in flight per reader: S3 answers a small GET in 10-20 ms, so one at a time wastes the wait. */
export const DEFAULT_READ_CONCURRENCY = 32;

/** Fetches every item with at most `limit` in flight and visits the results one by one, in order. */
export async function forEachFetched<T, R>(
  items: readonly T[],
  limit: number,
  fetch: (item: T, index: number) => Promise<R>,
  visit: (result: R, item: T, index: number) => void | Promise<void>,
): Promise<void> {
  const width = Math.max(1, Math.floor(limit));
  const pending: Promise<R>[] = [];
  let next = 0;
  const launch = () => {
    const p = fetch(items[next], next);
    // A rejection is re-thrown when its turn comes; until then it must not count as unhandled.
    p.catch(() => undefined);
    pending.push(p);
    next++;
  };
  while (next < items.length && pending.length < width) launch();
  for (let i = 0; i < items.length; i++) {
    const result = await (pending.shift() as Promise<R>);
    if (next < items.length) launch();
    await visit(result, items[i], i);
  }
}

/** `items.map(fn)` with at most `limit` calls in flight; results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  await forEachFetched(items, limit, fn, (r) => {
    out.push(r);
  });
  return out;
}
