/**
 * Hive partition pruning by time: the key=value directories of a path (`date=2026-12-02/hour=07`,
 * `dt=…`, `year=2026/month=12/day=02`) bound the times its files can hold, so a window's read lists
 * and fetches only the partitions that overlap it. Keys that say nothing about time never prune.
 */

export interface TimeParts {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT = /^\d{1,4}$/;

/** `key=value` of one path segment (value URL-decoded as Hive writes it), or null. */
export function partitionOf(segment: string): { key: string; value: string } | null {
  const eq = segment.indexOf('=');
  if (eq <= 0) return null;
  let value = segment.slice(eq + 1);
  try {
    value = decodeURIComponent(value);
  } catch {
    // A value that is not valid percent-encoding is kept as written.
  }
  return { key: segment.slice(0, eq).toLowerCase(), value };
}

/** Adds what one partition says about time to `parts` (a new object). */
export function withPartition(parts: TimeParts, key: string, value: string): TimeParts {
  const d = DATE.exec(value);
  if ((key === 'date' || key === 'dt' || key === 'day' || key === 'ds') && d)
    return { ...parts, year: Number(d[1]), month: Number(d[2]), day: Number(d[3]) };
  if (!INT.test(value)) return parts;
  const n = Number(value);
  if (key === 'year') return { ...parts, year: n };
  if (key === 'month' && n >= 1 && n <= 12) return { ...parts, month: n };
  if (key === 'day' && n >= 1 && n <= 31) return { ...parts, day: n };
  if (key === 'hour' && n <= 23) return { ...parts, hour: n };
  return parts;
}

/** The [start, end) in epoch ms that the parts pin down (UTC), or null when they say nothing. */
export function partitionInterval(parts: TimeParts): { fromMs: number; toMs: number } | null {
  if (parts.year === undefined) return null;
  const y = parts.year;
  if (parts.month === undefined) return { fromMs: Date.UTC(y, 0, 1), toMs: Date.UTC(y + 1, 0, 1) };
  const m = parts.month - 1;
  if (parts.day === undefined) return { fromMs: Date.UTC(y, m, 1), toMs: Date.UTC(y, m + 1, 1) };
  const d = parts.day;
  if (parts.hour === undefined) return { fromMs: Date.UTC(y, m, d), toMs: Date.UTC(y, m, d + 1) };
  return { fromMs: Date.UTC(y, m, d, parts.hour), toMs: Date.UTC(y, m, d, parts.hour + 1) };
}

/** Whether a directory with these time parts may hold rows of [fromMs, toMs). */
export function mayOverlap(parts: TimeParts, range: { fromMs: number; toMs: number }): boolean {
  const iv = partitionInterval(parts);
  return iv === null || (iv.toMs > range.fromMs && iv.fromMs < range.toMs);
}

/** The time parts of every key=value segment of a relative path. */
export function partsOfPath(relative: string): TimeParts {
  let parts: TimeParts = {};
  for (const seg of relative.split('/')) {
    const p = partitionOf(seg);
    if (p) parts = withPartition(parts, p.key, p.value);
  }
  return parts;
}
