/**
 * `vigil compact`: merges the per-request part files of closed hours into one file per hour.
 * Crash-safe by construction (merged file first, then the parts it replaced; readers dedupe by id).
 */
import { parseArgs } from 'node:util';
import { mergeWithDuckDb } from '../functions/adapters/duckdb-merge.ts';
import { createLocalStore } from '../functions/adapters/local-store.ts';
import {
  type CompactionResult,
  compactClosedHours,
  compactHours,
  type HourMerger,
  mergeWithHyparquet,
} from '../functions/lib/records/compaction.ts';
import {
  type PredictionHour,
  parsePredictionKey,
  predictionsHourPrefix,
} from '../functions/lib/records/layout.ts';
import type { RecordStore } from '../functions/lib/records/store.ts';
import { type CliCommand, defineCommand, errorLine, UsageError } from './commands.ts';

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
  opts: { merge: HourMerger; now: Date },
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
  return compactHours(store, [...hours.values()], opts);
}

const hourName = (h: PredictionHour) =>
  `model=${h.model} version=${h.version} ${h.date}T${String(h.hour).padStart(2, '0')}`;

interface CompactOptions {
  dataDir: string;
  hour: { date: string; hour: number } | null;
  model?: string;
  version?: string;
  now: Date;
  engine: 'duckdb' | 'js';
}

export function parseCompactArgs(argv: string[]): CompactOptions | 'help' {
  const { values } = parseArgs({
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
  });
  if (values.help) return 'help';
  const engine = values.engine;
  if (engine !== 'duckdb' && engine !== 'js')
    throw new UsageError(`--engine must be duckdb or js, got ${engine}`);
  const now = values.now ? new Date(values.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now is not an ISO-8601 time: ${values.now}`);
  const hourMatch = values.hour ? HOUR_RE.exec(values.hour) : null;
  if (values.hour && !hourMatch)
    throw new UsageError(`--hour must look like 2026-11-29T14, got ${values.hour}`);
  return {
    dataDir: values['data-dir'],
    hour: hourMatch ? { date: hourMatch[1], hour: Number(hourMatch[2]) } : null,
    model: values.model,
    version: values.version,
    now,
    engine,
  };
}

async function execute(options: CompactOptions): Promise<number> {
  const { engine, now } = options;
  const merge = engine === 'duckdb' ? mergeWithDuckDb : mergeWithHyparquet;
  const store = createLocalStore(options.dataDir);
  const filter = { model: options.model, version: options.version };
  const started = performance.now();
  try {
    const results = options.hour
      ? await compactNamedHour(store, options.hour.date, options.hour.hour, filter, { merge, now })
      : await compactClosedHours(store, { now, merge, ...filter });
    let records = 0;
    let failed = 0;
    for (const r of results) {
      if (r.partsMerged > 0) {
        records += r.records;
        console.log(`compacted ${hourName(r.hour)}: ${r.partsMerged} parts -> 1 file, ${r.records} records`);
      }
      for (const part of r.left) console.error(`vigil compact: left ${part.key} in place: ${part.reason}`);
      if (r.skipped === 'leased')
        console.error(`vigil compact: skipped ${hourName(r.hour)}: another compaction holds it`);
      if (r.error !== undefined) {
        failed++;
        console.error(`vigil compact: ${hourName(r.hour)} failed: ${r.error}`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`vigil compact: ${records} records in ${seconds.toFixed(2)} s`);
    // Every hour was tried; a failed one makes the exit code say so.
    return failed > 0 ? 1 : 0;
  } catch (err) {
    console.error(`vigil compact: ${errorLine(err)}`);
    return 1;
  }
}

export const compactCommand: CliCommand = defineCommand({ usage: USAGE, parse: parseCompactArgs, execute });
