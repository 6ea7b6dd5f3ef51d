/**
 * `vigil monitor`: one monitoring run over the local prediction log. Prints the findings (or the report
 * JSON with --json), writes reports/model=<m>/version=<v>/<window-end>.json|.html and latest.html,
 * and exits 0 whether or not drift was found; non-zero only when the run itself failed.
 */
import { parseArgs } from 'node:util';
import { readServingConfig } from '../functions/config.ts';
import type { Notifier } from '../functions/lib/alerts/notifier.ts';
import { readModelBundle } from '../functions/lib/inference/bundle.ts';
import type { ModelVersion } from '../functions/lib/models/model-version.ts';
import { formatFindingsTable } from '../functions/lib/monitor/format-table.ts';
import type { ReferenceSpec, runMonitorJob } from '../functions/lib/monitor/job.ts';
import { modelsInStore } from '../functions/lib/monitor/models.ts';
import type { ObjectStore } from '../functions/lib/records/store.ts';
import { runMonitorJobWithSource, withConnectedModels } from '../functions/lib/sources/monitor-run.ts';
import { type CliCommand, defineCommand, errorLine, UsageError } from './commands.ts';

const USAGE = `usage: vigil monitor [options]

  --data-dir DIR          the prediction log (default .vigil)
  --window DURATION       length of the window checked, ending at --now: 30m, 24h, 7d
                          (default: the model version's monitors.window, else 24h)
  --now ISO-8601          end of the window (default: the current time)
  --json                  print the report JSON instead of the findings table
  --model DIR             model bundle that names the model, version and labels
                          (default $VIGIL_MODEL_DIR or layers/model; else the one model found in the log)
  --model-name NAME       monitor this model (with --model-version) without a bundle
  --model-version V
  --reference-start ISO   use the past window [start, end) as reference instead of the baseline
  --reference-end ISO
  --seed N                seed of every sampled test (default 0)
  --webhook URL           also post alerts as Slack-compatible JSON to this URL (retried with backoff)
  --cooldown DURATION     repeat an unchanged alert only after this long
                          (default: the model version's monitors.cooldown, else 24h)
  --dry-run               show the alerts that would be sent; send nothing and change no alert state
  --no-alerts             skip alerting (findings and reports only)
  -h, --help              show this help`;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNITS[m[2]] : Number.NaN;
  if (!(ms > 0))
    throw new UsageError(
      `--window must be a positive duration like 30m, 24h or 7d, got ${JSON.stringify(text)}`,
    );
  return ms;
}

function parseTime(flag: string, text: string): Date {
  const d = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(d.getTime())) {
    throw new UsageError(
      `${flag} must be an ISO-8601 time like 2026-03-01T12:00:00Z, got ${JSON.stringify(text)}`,
    );
  }
  return d;
}

export interface MonitorOptions {
  dataDir: string;
  /** Unset: the model version's monitors.window, else 24 hours. */
  windowMs?: number;
  now: Date;
  json: boolean;
  modelDir: string;
  modelName?: string;
  modelVersion?: string;
  reference: ReferenceSpec;
  seed: number;
  alert: 'off' | 'send' | 'dry_run';
  webhook?: string;
  /** Unset: the model version's monitors.cooldown, else 24 hours. */
  cooldownMs?: number;
}

export function parseMonitorArgs(
  argv: string[],
  now: () => Date = () => new Date(),
): MonitorOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'data-dir': { type: 'string', default: '.vigil' },
      window: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean', default: false },
      model: { type: 'string' },
      'model-name': { type: 'string' },
      'model-version': { type: 'string' },
      'reference-start': { type: 'string' },
      'reference-end': { type: 'string' },
      seed: { type: 'string', default: '0' },
      webhook: { type: 'string' },
      cooldown: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'no-alerts': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (Boolean(values['model-name']) !== Boolean(values['model-version'])) {
    throw new UsageError('--model-name and --model-version go together');
  }
  if (Boolean(values['reference-start']) !== Boolean(values['reference-end'])) {
    throw new UsageError('--reference-start and --reference-end go together');
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
  const reference: ReferenceSpec = values['reference-start']
    ? {
        kind: 'window',
        start: parseTime('--reference-start', values['reference-start']),
        end: parseTime('--reference-end', values['reference-end'] as string),
      }
    : { kind: 'baseline' };
  return {
    dataDir: values['data-dir'],
    // Unset: the model version's monitors.window, else 24 hours.
    windowMs: values.window ? parseDuration(values.window) : undefined,
    now: values.now ? parseTime('--now', values.now) : now(),
    json: values.json,
    modelDir: values.model ?? readServingConfig(undefined, 'layers/model').modelDir,
    modelName: values['model-name'],
    modelVersion: values['model-version'],
    reference,
    seed,
    alert: values['no-alerts'] ? 'off' : values['dry-run'] ? 'dry_run' : 'send',
    webhook: values.webhook ? parseWebhookUrl(values.webhook) : undefined,
    cooldownMs: values.cooldown ? parseDuration(values.cooldown) : undefined,
  };
}

function parseWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--webhook must be an http(s) URL, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--webhook must be an http(s) URL, got ${JSON.stringify(text)}`);
  return url.href;
}

export class ModelResolutionError extends Error {
  constructor(
    readonly code: 'NO_MODEL_FOUND' | 'MODEL_AMBIGUOUS',
    message: string,
  ) {
    super(message);
    this.name = 'ModelResolutionError';
  }
}

async function resolveModel(
  options: MonitorOptions,
  store: ObjectStore,
): Promise<{ name: string; version: string; labels: string[] }> {
  const bundle = await readModelBundle(options.modelDir).then(
    (b) => b.info,
    (e: { code?: string }) => {
      // Only a missing bundle falls back to the log; a broken one is an error worth seeing.
      if (e?.code === 'MODEL_BUNDLE_NOT_FOUND') return null;
      throw e;
    },
  );
  if (options.modelName && options.modelVersion) {
    const same = bundle && bundle.name === options.modelName && bundle.version === options.modelVersion;
    return { name: options.modelName, version: options.modelVersion, labels: same ? bundle.labels : [] };
  }
  if (bundle) return { name: bundle.name, version: bundle.version, labels: bundle.labels };
  const models = await withConnectedModels(store, await modelsInStore(store));
  if (models.length === 1) return { ...models[0], labels: [] };
  if (models.length === 0) {
    throw new ModelResolutionError(
      'NO_MODEL_FOUND',
      `no model bundle at ${options.modelDir} and no predictions in ${options.dataDir}`,
    );
  }
  throw new ModelResolutionError(
    'MODEL_AMBIGUOUS',
    `the log holds several models (${models.map((m) => `${m.name} ${m.version}`).join(', ')}): pass --model-name and --model-version`,
  );
}

export const monitorCommand: CliCommand = defineCommand({
  usage: USAGE,
  parse: (argv) => parseMonitorArgs(argv),
  async execute(options) {
    try {
      const { createLocalStore } = await import('../functions/adapters/local-store.ts');
      const { loadReportAssets } = await import('../functions/adapters/report-assets.ts');
      const store = createLocalStore(options.dataDir);
      const model = await resolveModel(options, store);
      let alerting: Parameters<typeof runMonitorJob>[0]['alerting'];
      // Alerts go to stderr so --json output stays parseable.
      const write = (text: string) => console.error(text);
      if (options.alert !== 'off') {
        const { ConsoleNotifier } = await import('../functions/adapters/console-notifier.ts');
        const notifiers: Notifier[] = [new ConsoleNotifier({ write })];
        if (options.webhook) {
          const { WebhookNotifier } = await import('../functions/adapters/webhook-notifier.ts');
          notifiers.push(new WebhookNotifier(options.webhook));
        }
        alerting = { notifiers, dryRun: options.alert === 'dry_run', cooldownMs: options.cooldownMs };
      }
      // A model version declared with a source (Parquet, Postgres) is read there, not from the log.
      const { connectedSourceFor } = await import('../functions/adapters/connected-source.ts');
      const { localSourceClients } = await import('./source-clients.ts');
      const connectedSource = (m: ModelVersion) => connectedSourceFor(m, localSourceClients());
      // Vigil's own log is scanned by DuckDB (native, several times faster than decoding each part file
      // in JavaScript; it falls back to that reader for a file it cannot read, with the same results).
      const { duckDbWindowSource } = await import('../functions/adapters/duckdb-window-source.ts');
      const result = await runMonitorJobWithSource(
        {
          store,
          model,
          source: duckDbWindowSource(store, model),
          now: options.now,
          windowMs: options.windowMs,
          reference: options.reference,
          seed: options.seed,
          reportAssets: await loadReportAssets(),
          alerting,
        },
        { sourceFor: connectedSource },
      );
      if (options.json) console.log(JSON.stringify(result.report, null, 2));
      else {
        console.log(formatFindingsTable(result.report));
        console.log(`\nreport: ${options.dataDir}/${result.keys.json}`);
        if (result.keys.latestHtml) console.log(`dashboard: ${options.dataDir}/${result.keys.latestHtml}`);
      }
      if (result.alerting?.status === 'dry_run') {
        const { formatConsoleMessage } = await import('../functions/adapters/console-notifier.ts');
        for (const n of result.alerting.wouldSend) write(formatConsoleMessage(n, 'DRY RUN, would send'));
        if (result.alerting.wouldSend.length === 0) write('DRY RUN: no alert would be sent');
      }
      if (result.alerting) {
        const failed = result.alerting.deliveries.flatMap((d) => d.results.filter((r) => !r.ok));
        for (const r of failed)
          write(`alert delivery to ${r.channel} failed: ${r.error}; it is retried on the next run`);
        if (!options.json) console.log(`alerting: ${result.alerting.status}`);
      }
      return 0;
    } catch (e) {
      console.error(errorLine(e));
      return 1;
    }
  },
});
