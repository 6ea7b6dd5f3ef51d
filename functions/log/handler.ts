/** Lambda entry of POST /log and the model-version routes: declarations and records in the S3 log. */
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { checkDeclaredSource } from '../adapters/connected-source.ts';
import { createFirehoseClient, createFirehoseLog } from '../adapters/firehose-log.ts';
import { createS3Store } from '../adapters/s3-store.ts';
import { ConfigError, readServingConfig } from '../config.ts';
import { validateSourceSpec } from '../lib/sources/spec.ts';
import { type LogDeps, makeHandler } from './make-handler.ts';

export type { LogDeps } from './make-handler.ts';
export { makeHandler } from './make-handler.ts';

export function defaultDeps(): LogDeps {
  const config = readServingConfig();
  if (!config.bucket) throw new ConfigError('VIGIL_BUCKET is not set');
  const s3 = new S3Client({});
  const store = createS3Store({ client: s3, bucket: config.bucket });
  return {
    models: store,
    // Through Firehose when the stack made a stream (logDelivery=firehose), else one S3 object per request.
    log: config.firehoseStream
      ? createFirehoseLog({ client: createFirehoseClient(), streamName: config.firehoseStream })
      : store,
    storeText: config.storeText,
    now: Date.now,
    randomBytes: (n) => randomBytes(n),
    validateSource: validateSourceSpec,
    // Refuses a bad mapping of a source this function can reach; the monitor checks the rest at run time.
    checkSource: (m) =>
      checkDeclaredSource(m, {
        env: process.env,
        s3: () => s3,
        secrets: () => new SecretsManagerClient({}),
        maxTimeoutMs: 5000,
      }),
  };
}

export const handler = makeHandler(defaultDeps());
