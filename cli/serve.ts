/**
 * `vigil serve`: the predict and feedback handlers on localhost through the same HTTP API event
 * mapping as on AWS, logging predictions to a local directory (or S3 with --bucket).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { readServingConfig } from '../functions/config.ts';
import { makeLocalConsole } from '../functions/console/local.ts';
import { makeHandler as makeFeedbackHandler } from '../functions/feedback/make-handler.ts';
import { HttpError } from '../functions/lib/http/errors.ts';
import type { ActualsLog, PredictionLog } from '../functions/lib/http/ports.ts';
import { errorResponse, type HttpApiHandler } from '../functions/lib/http/response.ts';
import { type LoadedTextClassifier, loadTextClassifier } from '../functions/lib/inference/index.ts';
import { servedModelVersion } from '../functions/lib/models/model-version.ts';
import { parseMonitorDuration } from '../functions/lib/models/monitors.ts';
import { declareModelVersion } from '../functions/lib/models/registry.ts';
import { reportsPrefix } from '../functions/lib/records/layout.ts';
import type { ObjectStore } from '../functions/lib/records/store.ts';
import { validateSourceSpec } from '../functions/lib/sources/spec.ts';
import { isLogPath, makeHandler as makeLogHandler } from '../functions/log/make-handler.ts';
import { makeHandler as makePredictHandler } from '../functions/predict/make-handler.ts';
import { type CliCommand, defineCommand, errorLine, UsageError } from './commands.ts';
import { createHttpApiServer } from './http-server.ts';
import { checkSourceLocally } from './source-clients.ts';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  modelDir: string;
  storeText: boolean;
  s3Endpoint?: string;
  bucket?: string;
  region?: string;
  /** How far back POST /log accepts record timestamps. @default 7 days */
  backfillMs?: number;
  /** Per-request log lines. @default console.log */
  log?: (line: string) => void;
}

const USAGE = `usage: vigil serve [options]

  --port N            port to listen on; 0 picks a free one (default 3000)
  --host ADDR         address to bind (default 127.0.0.1)
  --data-dir DIR      where the prediction log is written (default .vigil)
  --model DIR         model bundle folder (default $VIGIL_MODEL_DIR or layers/model)
  --no-store-text     log text_sha256 and statistics but not the text (or VIGIL_STORE_TEXT=false)
  --bucket NAME       write the log to this S3 bucket instead of --data-dir
  --s3-endpoint URL   S3-compatible endpoint (path-style), e.g. a local S3 server
  --region REGION     S3 region (default us-east-1)
  --backfill DURATION how far back POST /log accepts record timestamps: 12h, 7d (default 7d)
  -h, --help          show this help`;

export function parseServeArgs(argv: string[]): ServeOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', default: '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.vigil' },
      model: { type: 'string' },
      'no-store-text': { type: 'boolean', default: false },
      bucket: { type: 'string' },
      's3-endpoint': { type: 'string' },
      region: { type: 'string' },
      backfill: { type: 'string', default: '7d' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, got ${values.port}`);
  if (values['s3-endpoint'] && !values.bucket) throw new UsageError('--s3-endpoint needs --bucket');
  let backfillMs: number;
  try {
    backfillMs = parseMonitorDuration(values.backfill, '--backfill');
  } catch (err) {
    throw new UsageError(errorLine(err));
  }
  const config = readServingConfig(undefined, 'layers/model');
  return {
    port,
    host: values.host,
    dataDir: values['data-dir'],
    modelDir: values.model ?? config.modelDir,
    storeText: values['no-store-text'] ? false : config.storeText,
    s3Endpoint: values['s3-endpoint'],
    bucket: values.bucket,
    region: values.region,
    backfillMs,
  };
}

type Log = PredictionLog & ActualsLog & Pick<ObjectStore, 'getObject' | 'putObject' | 'list'>;

async function openLog(options: ServeOptions): Promise<{ log: Log; where: string }> {
  if (options.bucket) {
    const [{ S3Client }, { createS3Store }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../functions/adapters/s3-store.ts'),
    ]);
    const client = new S3Client({
      region: options.region ?? 'us-east-1',
      ...(options.s3Endpoint ? { endpoint: options.s3Endpoint, forcePathStyle: true } : {}),
      // Local S3 servers reject the newer default checksums.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return { log: createS3Store({ client, bucket: options.bucket }), where: `s3://${options.bucket}` };
  }
  const { createLocalStore } = await import('../functions/adapters/local-store.ts');
  return { log: createLocalStore(options.dataDir), where: options.dataDir };
}

/** GET /dashboard: the latest monitoring report of the served model, as `vigil monitor` wrote it. */
export function makeDashboardHandler(
  store: Pick<ObjectStore, 'getObject'>,
  model: { name: string; version: string },
): HttpApiHandler {
  return async (event) => {
    try {
      const method = event.requestContext.http.method.toUpperCase();
      if (method !== 'GET' && method !== 'HEAD')
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on /dashboard; use GET`, {
          allow: 'GET',
        });
      const html = await store.getObject(`${reportsPrefix(model.name, model.version)}latest.html`);
      if (!html)
        throw new HttpError(
          404,
          'REPORT_NOT_FOUND',
          `no report yet for ${model.name}@${model.version}; run \`vigil monitor\` on this data dir first`,
        );
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
        // The server drops the body of a HEAD but keeps its content-length.
        body: new TextDecoder().decode(html),
      };
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export interface RunningServer {
  server: Server;
  url: string;
  classifier: LoadedTextClassifier;
  /** Where the prediction log goes: a directory or s3://bucket. */
  logLocation: string;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const classifier = await loadTextClassifier(options.modelDir);
  const { log, where } = await openLog(options);
  const randomSource = (n: number) => randomBytes(n);
  const predict = makePredictHandler({
    classifier,
    log,
    storeText: options.storeText,
    now: Date.now,
    elapsedMs: () => performance.now(),
    randomBytes: randomSource,
  });
  const feedback = makeFeedbackHandler({ model: classifier.info, log, now: Date.now });
  const dashboard = makeDashboardHandler(log, classifier.info);
  // The served model declares itself, so the log, the monitor and the console read one definition.
  const served = servedModelVersion(classifier.info, new Date());
  await declareModelVersion(log, served).catch((err) => {
    throw new Error(`could not declare ${served.name}@${served.version} in ${where}: ${errorLine(err)}`);
  });
  const logRoutes = makeLogHandler({
    models: log,
    log,
    now: Date.now,
    randomBytes: randomSource,
    storeText: options.storeText,
    backfillMs: options.backfillMs,
    validateSource: validateSourceSpec,
    checkSource: checkSourceLocally,
  });
  // The console (issue 16): the app at / and its read API over the same store.
  const consoleApp = makeLocalConsole({ store: log, now: Date.now });
  // Unknown paths go to the predict handler, which answers 404 in the API's error shape.
  const dispatch: HttpApiHandler = (event) => {
    const path = event.rawPath.length > 1 ? event.rawPath.replace(/\/$/, '') : event.rawPath;
    if (path === '/feedback') return feedback(event);
    if (path === '/dashboard') return dashboard(event);
    if (consoleApp.handles(path)) return consoleApp.handler(event);
    if (isLogPath(path)) return logRoutes(event);
    return predict(event);
  };
  // The server's per-path limits: 5 MB for POST /log, 1 MB elsewhere.
  const server = createHttpApiServer({ dispatch, log: options.log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    url: `http://${host}:${port}`,
    classifier,
    logLocation: where,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await classifier.close();
    },
  };
}

async function execute(options: ServeOptions): Promise<number> {
  let running: RunningServer;
  try {
    running = await startServer(options);
  } catch (err) {
    console.error(`vigil serve: ${errorLine(err)}`);
    return 1;
  }
  const { info } = running.classifier;
  console.log(
    `vigil serve: ${info.name}@${info.version} listening on ${running.url} (log: ${running.logLocation})`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  console.log(`vigil serve: ${signal}, shutting down`);
  await running.close();
  return 0;
}

export const serveCommand: CliCommand = defineCommand({ usage: USAGE, parse: parseServeArgs, execute });
