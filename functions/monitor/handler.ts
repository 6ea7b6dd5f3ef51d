/**
 * Lambda entry of the scheduled monitoring run: S3 prediction log, SNS alerts, presigned report links,
 * and the engine the stack chose (in process, Athena, or by window size), with the window ending one
 * Firehose buffer interval before the run when records arrive through Firehose.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createAthenaEngine } from '../adapters/athena-engine.ts';
import { connectedSourceFor } from '../adapters/connected-source.ts';
import { mergeWithDuckDb } from '../adapters/duckdb-merge.ts';
import { loadReportAssets } from '../adapters/report-assets.ts';
import { createS3Store } from '../adapters/s3-store.ts';
import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { readMonitorFunctionConfig } from '../config.ts';
import { logWindowSource } from '../lib/monitor/log-source.ts';
import { chooseWindowSource } from '../lib/query/engine-choice.ts';
import { type MonitorDeps, makeHandler } from './make-handler.ts';

export type { MonitorDeps } from './make-handler.ts';
export { makeHandler } from './make-handler.ts';

let secrets: SecretsManagerClient | undefined;
const secretsClient = () => {
  secrets ??= new SecretsManagerClient({});
  return secrets;
};

export function defaultDeps(): MonitorDeps {
  const config = readMonitorFunctionConfig();
  const s3 = new S3Client({});
  const store = createS3Store({ client: s3, bucket: config.bucket });
  const engine = config.athena
    ? createAthenaEngine({
        client: new AthenaClient({}),
        workgroup: config.athena.workgroup,
        database: config.athena.database,
        // Large results (a window's scalar rows) are read as the query's CSV file under athena-results/.
        readObject: async (uri) => {
          const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
          if (!m) throw new Error(`not an s3:// URI: ${uri}`);
          const out = await s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
          return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
        },
      })
    : undefined;
  return {
    store,
    now: () => new Date(),
    notifiers: config.topicArn ? [new SnsNotifier(new SNSClient({}), config.topicArn)] : [],
    models: config.model ? [config.model] : undefined,
    windowMs: config.windowHours * 3_600_000,
    windowLagMs: config.windowLagSeconds * 1000,
    source: (model) =>
      chooseWindowSource({
        setting: config.engine,
        inProcess: logWindowSource(store, model),
        engine,
        model,
        onChoice: (picked, rows) =>
          console.log(
            JSON.stringify({
              event: 'window_engine',
              model: model.name,
              version: model.version,
              picked,
              rows,
            }),
          ),
      }),
    // Connected model versions read their own store; env connections read this process's environment.
    connectedSource: (m) => connectedSourceFor(m, { env: process.env, s3: () => s3, secrets: secretsClient }),
    reportAssets: loadReportAssets,
    reportUrl: (key) =>
      getSignedUrl(s3, new GetObjectCommand({ Bucket: config.bucket, Key: key }), {
        expiresIn: config.reportUrlTtlSeconds,
      }),
    metricsNamespace: config.metricsNamespace,
    // Direct writes only: the monitor has the DuckDB layer; its merger costs about a plain COPY (bench/RESULTS.md).
    compaction: config.compaction ? { merge: mergeWithDuckDb } : undefined,
  };
}

export const handler = makeHandler(defaultDeps());
