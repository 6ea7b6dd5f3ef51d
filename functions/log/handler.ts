/** Lambda entry of POST /log and the model-version routes: declarations and records in the S3 log. */
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createFirehoseClient, createFirehoseLog } from '../adapters/firehose-log.ts';
import { createS3Store } from '../adapters/s3-store.ts';
import { ConfigError, readServingConfig } from '../config.ts';
import { type LogDeps, makeHandler } from './make-handler.ts';

export type { LogDeps } from './make-handler.ts';
export { makeHandler } from './make-handler.ts';

export function defaultDeps(): LogDeps {
  const config = readServingConfig();
  if (!config.bucket) throw new ConfigError('VIGIL_BUCKET is not set');
  const store = createS3Store({ client: new S3Client({}), bucket: config.bucket });
  return {
    models: store,
    // Through Firehose when the stack made a stream (logDelivery=firehose), else one S3 object per request.
    log: config.firehoseStream
      ? createFirehoseLog({ client: createFirehoseClient(), streamName: config.firehoseStream })
      : store,
    storeText: config.storeText,
    now: Date.now,
    randomBytes: (n) => randomBytes(n),
  };
}

export const handler = makeHandler(defaultDeps());
