/**
 * A monitoring run of a model version that may be connected to its own store: the declared source is
 * built by the caller's `sourceFor` (adapters), handed to runMonitorJob, and a run that stops on its
 * source (SOURCE_UNAVAILABLE, SOURCE_SCHEMA_ERROR) sends the operational alert before failing.
 */
import type { Notifier } from '../alerts/notifier.ts';
import { alertSourceFailure, noteSourceReadable } from '../alerts/source-failure.ts';
import type { ModelVersion } from '../models/model-version.ts';
import { resolveMonitors } from '../models/monitors.ts';
import { listModelVersions, readModelVersion } from '../models/registry.ts';
import {
  conditionalStoreOf,
  DEFAULT_WINDOW_MS,
  type MonitorJobInput,
  type MonitorJobResult,
  runMonitorJob,
} from '../monitor/job.ts';
import type { WindowSource } from '../monitor/source.ts';
import type { ObjectStore } from '../records/store.ts';
import { isSourceError } from './errors.ts';

export type SourceFactory = (model: ModelVersion) => Promise<WindowSource | null>;

/** Model versions declared with a source (they have no records in Vigil's log to be found by). */
export async function connectedModelVersions(
  store: Pick<ObjectStore, 'list' | 'getObject'>,
): Promise<ModelVersion[]> {
  const out: ModelVersion[] = [];
  let cursor: string | null = null;
  do {
    const page = await listModelVersions(store, { cursor, limit: 1000 });
    out.push(...page.models.filter((m) => m.source !== null));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** `models` plus the connected model versions not already in it (by name and version). */
export async function withConnectedModels<M extends { name: string; version: string }>(
  store: Pick<ObjectStore, 'list' | 'getObject'>,
  models: M[],
): Promise<(M | ModelVersion)[]> {
  const seen = new Set(models.map((m) => `${m.name}\u0000${m.version}`));
  const extra = (await connectedModelVersions(store)).filter((m) => !seen.has(`${m.name}\u0000${m.version}`));
  return [...models, ...extra];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * runMonitorJob with the model version's connected source when it has one. `input.source` is how
 * Vigil's own log is read (the deployment's engine, DuckDB locally): a connected version's source wins
 * over it. `notifiers` of a failed source run default to the run's alerting notifiers; without
 * alerting no operational alert is sent.
 */
export async function runMonitorJobWithSource(
  input: MonitorJobInput,
  opts: { sourceFor?: SourceFactory; operationalNotifiers?: Notifier[] } = {},
): Promise<MonitorJobResult> {
  const declared =
    input.modelVersion === undefined
      ? await readModelVersion(input.store, input.model.name, input.model.version)
      : input.modelVersion;
  if (!declared?.source || !opts.sourceFor) return runMonitorJob({ ...input, modelVersion: declared });
  const windowMs =
    input.windowMs ??
    resolveMonitors(declared.monitors).windowMs ??
    input.defaultWindowMs ??
    DEFAULT_WINDOW_MS;
  const end = input.now.getTime();
  const alertBase = {
    store: conditionalStoreOf(input.store),
    model: { name: declared.name, version: declared.version },
    window: { start: iso(end - windowMs), end: iso(end) },
    now: input.now,
    notifiers: opts.operationalNotifiers ?? input.alerting?.notifiers ?? [],
    dryRun: input.alerting?.dryRun,
    cooldownMs: input.alerting?.cooldownMs,
  };
  let described = `${declared.source.type} source`;
  try {
    const source = await opts.sourceFor(declared);
    if (source) described = source.describe;
    const result = await runMonitorJob({ ...input, modelVersion: declared, source: source ?? input.source });
    if (input.alerting) await noteSourceReadable({ ...alertBase, source: described });
    return result;
  } catch (e) {
    if (isSourceError(e) && input.alerting) {
      await alertSourceFailure({
        ...alertBase,
        source: described,
        error: { code: e.code, message: e.message },
      });
    }
    throw e;
  }
}
