/**
 * `vigil demo`: the whole loop on one machine in about a minute. Starts `vigil serve` on a free
 * loopback port, builds a baseline, sends normal and then shifted traffic over HTTP, posts true labels
 * for part of it, runs the monitor after each phase and tells what each run caught. A last phase has a
 * second model, served elsewhere, log its predictions through POST /log with the TypeScript client;
 * one of its segments drifts and the run names it.
 */
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VigilClient } from '../clients/ts/src/index.ts';
import { ConsoleNotifier } from '../functions/adapters/console-notifier.ts';
import { createLocalStore } from '../functions/adapters/local-store.ts';
import { loadReportAssets } from '../functions/adapters/report-assets.ts';
import { readServingConfig } from '../functions/config.ts';
import { runMonitorJob } from '../functions/lib/monitor/job.ts';
import type { Finding, MonitorReport } from '../functions/lib/monitor/types.ts';
import { buildBaseline } from './baseline.ts';
import { type CliCommand, defineCommand, errorLine } from './commands.ts';
import { LOGGED_MODEL, planLoggedTraffic } from './demo/logged-model.ts';
import { type DemoPhase, FULL_SIZES, planDemo, QUICK_SIZES } from './demo/phases.ts';
import { readPools } from './demo/traffic.ts';
import { startServer } from './serve.ts';

const USAGE = `usage: vigil demo [options]

  --data-dir DIR    where the demo's prediction log, baseline and reports go (default: a new temp dir);
                    must be empty or absent
  --datasets DIR    use SST-2 and the UCI sentiment sentences from DIR instead of the demo corpus
  --model DIR       model bundle folder (default $VIGIL_MODEL_DIR or layers/model)
  --quick           a smaller baseline and phases (770 texts instead of 950)
  -h, --help        show this help`;

export interface DemoOptions {
  dataDir?: string;
  datasets?: string;
  modelDir: string;
  quick: boolean;
}

export function parseDemoArgs(argv: string[]): DemoOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'data-dir': { type: 'string' },
      datasets: { type: 'string' },
      model: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  return {
    dataDir: values['data-dir'],
    datasets: values.datasets,
    modelDir: values.model ?? readServingConfig(undefined, 'layers/model').modelDir,
    quick: values.quick,
  };
}

export class DemoError extends Error {
  constructor(
    readonly code: 'DATA_DIR_NOT_EMPTY' | 'DEMO_REQUEST_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'DemoError';
  }
}

async function prepareDataDir(dir: string | undefined): Promise<string> {
  if (!dir) return mkdtemp(join(tmpdir(), 'vigil-demo-'));
  const entries = await readdir(dir).catch(() => [] as string[]);
  // A second demo in the same log would mix its windows and alert state with the first one's.
  if (entries.length > 0)
    throw new DemoError('DATA_DIR_NOT_EMPTY', `${dir} is not empty; pass a new --data-dir or remove it`);
  await mkdir(dir, { recursive: true });
  return resolve(dir);
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok)
    throw new DemoError('DEMO_REQUEST_FAILED', `${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

const BATCH = 32;

/** Sends the phase's texts to POST /predict, then the true labels of part of them to POST /feedback. */
async function sendPhase(url: string, phase: DemoPhase, progress: (done: number) => void) {
  const labelled: { id: string; label: string }[] = [];
  for (let i = 0; i < phase.texts.length; i += BATCH) {
    const batch = phase.texts.slice(i, i + BATCH);
    const res = (await postJson(`${url}/predict`, { texts: batch.map((t) => t.text) })) as {
      predictions: { id: string }[];
    };
    res.predictions.forEach((p, j) => {
      const label = batch[j].label;
      if (label !== null) labelled.push({ id: p.id, label });
    });
    progress(Math.min(i + BATCH, phase.texts.length));
  }
  // Every k-th labelled prediction gets its label back, as a labelling team would sample.
  const every = Math.max(1, Math.round(1 / phase.feedbackShare));
  const feedback = labelled.filter((_, i) => i % every === 0 || phase.feedbackShare >= 1);
  if (feedback.length > 0) await postJson(`${url}/feedback`, { labels: feedback });
  return { sent: phase.texts.length, labelled: feedback.length };
}

/**
 * The second model's hours, logged through POST /log with the TypeScript client as a service that
 * serves its own model would; returns how many records went in and the monitored window.
 */
async function logSecondModel(url: string, perChannel: number) {
  const client = new VigilClient({
    url,
    model: LOGGED_MODEL.name,
    version: LOGGED_MODEL.version,
    flushAtExit: false,
  });
  await client.createModelVersion({
    labels: [...LOGGED_MODEL.labels],
    embeddingDim: LOGGED_MODEL.embeddingDim,
    score: true,
    probabilities: true,
    fields: { channel: 'string:segment' },
  });
  const nowMs = Date.now();
  const traffic = planLoggedTraffic(nowMs, perChannel);
  for (const r of [...traffic.reference.records, ...traffic.current.records]) client.log(r);
  await client.close();
  if (client.stats.sent !== client.stats.queued)
    throw new DemoError(
      'DEMO_REQUEST_FAILED',
      `POST /log: ${client.lastError?.message ?? 'records were not sent'}`,
    );
  return { sent: client.stats.sent, batches: client.stats.batches, traffic, nowMs };
}

const SEGMENT_OF = /\[([^=\]]+)=([^\]]+)\]$/;

const fmtP = (p: number | null) => (p === null ? '-' : p < 1e-3 ? p.toExponential(1) : p.toFixed(3));

function findingLine(f: Finding): string {
  const p = f.pValue === null ? '' : `  p = ${fmtP(f.pValue)} (BH ${fmtP(f.pValueAdjusted)})`;
  const value = f.value === null ? '' : `  value ${Number(f.value.toPrecision(3))}`;
  return `    ${f.verdict.toUpperCase().padEnd(7)} ${f.check}${value}${p}\n            ${f.message}`;
}

function storyOf(report: MonitorReport): string[] {
  const bad = report.findings.filter((f) => f.verdict === 'alert' || f.verdict === 'warning');
  const mmd = report.findings.find((f) => f.check === 'embedding_drift.mmd');
  const lines = [`  worst verdict: ${report.summary.worst}`];
  if (mmd)
    lines.push(
      `  embedding drift (MMD): ${mmd.verdict}, p = ${fmtP(mmd.pValue)} (BH ${fmtP(mmd.pValueAdjusted)}), ` +
        `${mmd.referenceSize} baseline vs ${mmd.currentSize} current records`,
    );
  if (bad.length === 0) lines.push('  nothing alerted or warned');
  else lines.push('  findings that alerted or warned:', ...bad.map(findingLine));
  return lines;
}

async function execute(options: DemoOptions): Promise<number> {
  const started = performance.now();
  const say = (line: string) =>
    process.stderr.write(
      `[demo ${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s] ${line}\n`,
    );
  const out = (line = '') => console.log(line);
  try {
    const pools = readPools(options.datasets);
    const plan = planDemo(pools, options.quick ? QUICK_SIZES : FULL_SIZES);
    const dataDir = await prepareDataDir(options.dataDir);
    say(`starting vigil serve on a free port (log: ${dataDir})`);
    const server = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      modelDir: options.modelDir,
      storeText: true,
      log: () => {},
    });
    try {
      const { info } = server.classifier;
      const store = createLocalStore(dataDir);
      const model = { name: info.name, version: info.version, labels: info.labels };
      out(`Vigil demo: ${info.name} ${info.version} served at ${server.url}`);
      out(`traffic from the ${pools.source}`);
      out();
      say(`building the baseline from ${plan.baseline.length} labelled texts`);
      const base = await buildBaseline(store, server.classifier, plan.baseline, {
        batchSize: 64,
        storeText: true,
        now: Date.now,
      });
      const shares = Object.entries(base.labelShares)
        .map(([l, s]) => `${l} ${(s * 100).toFixed(0)}%`)
        .join(', ');
      out(`Baseline: ${base.records} texts (${[...new Set(plan.baseline.map((t) => t.domain))].join(', ')})`);
      out(
        `  predicted ${shares}` +
          (base.accuracy === null
            ? ''
            : `; accuracy on the true labels ${(base.accuracy * 100).toFixed(1)}%`),
      );
      const reportAssets = await loadReportAssets();
      const notifications: string[] = [];
      const notifier = new ConsoleNotifier({ write: (text) => notifications.push(text) });
      let dashboard = '';
      const phaseCount = plan.phases.length + 1;
      for (const [i, phase] of plan.phases.entries()) {
        const from = Date.now();
        say(`phase ${i + 1}/${phaseCount}: ${phase.name}, sending ${phase.texts.length} texts`);
        const sent = await sendPhase(server.url, phase, (done) => {
          if (done === phase.texts.length || done % (BATCH * 2) === 0)
            say(`  ${done}/${phase.texts.length} predicted`);
        });
        say(`  posted ${sent.labelled} true labels to /feedback; running the monitor`);
        const now = Date.now() + 1;
        const before = notifications.length;
        const result = await runMonitorJob({
          store,
          model,
          now: new Date(now),
          windowMs: now - from + 1,
          reference: { kind: 'baseline' },
          seed: 0,
          reportAssets,
          alerting: { notifiers: [notifier] },
        });
        dashboard = result.keys.latestHtml ? join(dataDir, result.keys.latestHtml) : dashboard;
        out();
        out(`Run ${i + 1}: ${phase.name}`);
        out(`  ${phase.description}; ${sent.labelled} true labels posted`);
        out(`  expected: ${phase.expect}`);
        for (const line of storyOf(result.report)) out(line);
        const sentNow = notifications.length - before;
        out(
          `  alerting: ${result.alerting?.status ?? 'off'}` +
            (sentNow > 0 ? ` (${sentNow} message${sentNow > 1 ? 's' : ''} to the console notifier)` : ''),
        );
        out(`  report: ${join(dataDir, result.keys.json)}`);
      }
      const n = phaseCount;
      say(`phase ${n}/${phaseCount}: a second model logs its own predictions through POST /log`);
      const logged = await logSecondModel(server.url, options.quick ? 150 : 200);
      say(`  logged ${logged.sent} records in ${logged.batches} batches; running the monitor`);
      const before = notifications.length;
      const second = await runMonitorJob({
        store,
        model: { name: LOGGED_MODEL.name, version: LOGGED_MODEL.version, labels: [...LOGGED_MODEL.labels] },
        now: new Date(logged.nowMs + 1),
        windowMs: logged.traffic.current.end - logged.traffic.current.start + 1,
        reference: {
          kind: 'window',
          start: new Date(logged.traffic.reference.start),
          end: new Date(logged.traffic.reference.end),
        },
        seed: 0,
        reportAssets,
        alerting: { notifiers: [notifier] },
      });
      const drifting = [
        ...new Set(
          second.report.findings
            .filter((f) => f.verdict === 'alert')
            .map((f) => SEGMENT_OF.exec(f.check))
            .filter((m) => m !== null)
            .map((m) => `${m[1]}=${m[2]}`),
        ),
      ];
      out();
      out(`Run ${n}: a second model, served elsewhere, logging through POST /log`);
      out(
        `  ${LOGGED_MODEL.name} ${LOGGED_MODEL.version}: ${LOGGED_MODEL.embeddingDim}-dimension embeddings, labels ` +
          `${LOGGED_MODEL.labels.join('/')}, segment field channel (${LOGGED_MODEL.channels.join(', ')}); ` +
          `${logged.sent} records sent by the TypeScript client (vigil/client) in ${logged.batches} batches`,
      );
      out(`  the last hour against the hour before; only channel=${LOGGED_MODEL.drifting} changed`);
      out(`  expected: drift in the channel=${LOGGED_MODEL.drifting} segment, nowhere else`);
      out(`  drifting segments: ${drifting.length > 0 ? drifting.join(', ') : 'none'}`);
      for (const line of storyOf(second.report)) out(line);
      const sentNow = notifications.length - before;
      out(
        `  alerting: ${second.alerting?.status ?? 'off'}` +
          (sentNow > 0 ? ` (${sentNow} message${sentNow > 1 ? 's' : ''} to the console notifier)` : ''),
      );
      out(`  report: ${join(dataDir, second.keys.json)}`);
      out();
      out(`Dashboard of the last run: ${dashboard}`);
      out(`  (or serve it: vigil serve --data-dir ${dataDir}, then open /dashboard)`);
      out(`The prediction log is plain Parquet under ${join(dataDir, 'predictions')}`);
      say('done');
      return 0;
    } finally {
      await server.close();
    }
  } catch (e) {
    console.error(errorLine(e));
    return 1;
  }
}

export const demoCommand: CliCommand = defineCommand({
  usage: USAGE,
  parse: (argv) => parseDemoArgs(argv),
  execute,
});
