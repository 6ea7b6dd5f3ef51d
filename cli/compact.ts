/**
 * `vigil compact`: merges the per-request part files of closed hours into one file per hour.
 * Crash-safe by construction (merged file first, then the parts it replaced; readers dedupe by id).
 */
import { parseArgs } from 'node:util';
import { createLocalStore } from '../functions/adapters/local-store.ts';
import {
  type CompactionResult,
  compactClosedHours,
  compactHour,
  type HourMerger,
  mergeWithHyparquet,
} from '../functions/lib/records/compaction.ts';
import { mergeWithDuckDb } from '../functions/lib/records/duckdb-merge.ts';
import {
  type PredictionHour,
  parsePredictionKey,
  predictionsHourPrefix,
} from '../functions/lib/records/layout.ts';
import type { RecordStore } from '../functions/lib/records/store.ts';
import type { CliCommand } from './commands.ts';

const USAGE = `usage: vigil compact [options]

  --data-dir DIR      the prediction log to compact (default .vigil)
  --hour YYYY-MM-DDTHH  compact this UTC hour only (every model and version), even if still open
  --model NAME        only this model
  --version V         only this model version
  --now ISO-8601      treat this as the current time (default: now); hours closed before it are compacted
  --engine E          duckdb (default, fastest) or js (pure JavaScript, no native code)
  -h, --help          show this help`;

const HOUR_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2})$/;

/** Compacts one named hour for every model/version that has parts in it. */
async function compactNamedHour(
  store: RecordStore,
  date: string,
  hour: number,
  filter: { model?: string; version?: string },
  merge: HourMerger,
): Promise<CompactionResult[]> {
  const hours = new Map<string, PredictionHour>();
  for (const key of await store.list('predictions/')) {
    const p = parsePredictionKey(key);
    if (!p || p.date !== date || p.hour !== hour) continue;
    if ((filter.model && p.model !== filter.model) || (filter.version && p.version !== filter.version))
      continue;
    const h = { model: p.model, version: p.version, date, hour };
    hours.set(predictionsHourPrefix(h), h);
  }
  const results: CompactionResult[] = [];
  for (const h of hours.values()) results.push(await compactHour(store, h, { merge }));
  return results;
}

async function run(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        'data-dir': { type: 'string', default: '.vigil' },
        hour: { type: 'string' },
        model: { type: 'string' },
        version: { type: 'string' },
        now: { type: 'string' },
        engine: { type: 'string', default: 'duckdb' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    console.error(`vigil compact: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const engine = values.engine as string;
  if (engine !== 'duckdb' && engine !== 'js') {
    console.error(`vigil compact: --engine must be duckdb or js, got ${engine}`);
    return 2;
  }
  const now = values.now ? new Date(values.now as string) : new Date();
  if (Number.isNaN(now.getTime())) {
    console.error(`vigil compact: --now is not an ISO-8601 time: ${values.now}`);
    return 2;
  }
  const hourMatch = values.hour ? HOUR_RE.exec(values.hour as string) : null;
  if (values.hour && !hourMatch) {
    console.error(`vigil compact: --hour must look like 2026-11-29T14, got ${values.hour}`);
    return 2;
  }
  const merge = engine === 'duckdb' ? mergeWithDuckDb : mergeWithHyparquet;
  const store = createLocalStore(values['data-dir'] as string);
  const filter = { model: values.model as string | undefined, version: values.version as string | undefined };
  const started = performance.now();
  try {
    const results = hourMatch
      ? await compactNamedHour(store, hourMatch[1], Number(hourMatch[2]), filter, merge)
      : await compactClosedHours(store, { now, merge, ...filter });
    let records = 0;
    for (const r of results.filter((r) => r.partsMerged > 0)) {
      records += r.records;
      const h = r.hour;
      console.log(
        `compacted model=${h.model} version=${h.version} ${h.date}T${String(h.hour).padStart(2, '0')}: ${r.partsMerged} parts -> 1 file, ${r.records} records`,
      );
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`vigil compact: ${records} records in ${seconds.toFixed(2)} s`);
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    console.error(`vigil compact: ${code ? `${code}: ` : ''}${(err as Error).message}`);
    return 1;
  }
}

export const compactCommand: CliCommand = { run };
