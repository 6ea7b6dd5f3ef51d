/** Lambda entry of the scheduled monitoring run: S3 prediction log, SNS alerts, presigned report links. */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mergeWithDuckDb } from '../adapters/duckdb-merge.ts';
import { loadReportAssets } from '../adapters/report-assets.ts';
import { createS3Store } from '../adapters/s3-store.ts';
import { SnsNotifier } from '../adapters/sns-notifier.ts';
import { readMonitorFunctionConfig } from '../config.ts';
import { type MonitorDeps, makeHandler } from './make-handler.ts';

export type { MonitorDeps } from './make-handler.ts';
export { makeHandler } from './make-handler.ts';

export function defaultDeps(): MonitorDeps {
  const config = readMonitorFunctionConfig();
  const s3 = new S3Client({});
  return {
    store: createS3Store({ client: s3, bucket: config.bucket }),
    now: () => new Date(),
    notifiers: config.topicArn ? [new SnsNotifier(new SNSClient({}), config.topicArn)] : [],
    models: config.model ? [config.model] : undefined,
    windowMs: config.windowHours * 3_600_000,
    reportAssets: loadReportAssets,
    reportUrl: (key) =>
      getSignedUrl(s3, new GetObjectCommand({ Bucket: config.bucket, Key: key }), {
        expiresIn: config.reportUrlTtlSeconds,
      }),
    metricsNamespace: config.metricsNamespace,
    // The monitor has the DuckDB layer; its merger costs about a plain COPY (bench/RESULTS.md).
    compaction: { merge: mergeWithDuckDb },
  };
}

export const handler = makeHandler(defaultDeps());
