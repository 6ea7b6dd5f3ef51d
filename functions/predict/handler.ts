/**
 * Lambda entry of POST /predict and GET /health: the model layer, the prediction log (through Firehose
 * when VIGIL_FIREHOSE_STREAM is set, else one S3 object per request), real clocks.
 */
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { createFirehoseClient, createFirehoseLog } from '../adapters/firehose-log.ts';
import { createS3Store } from '../adapters/s3-store.ts';
import { ConfigError, readServingConfig } from '../config.ts';
import { loadTextClassifier } from '../lib/inference/index.ts';
import { makeHandler, type PredictDeps } from './make-handler.ts';

export type { PredictDeps } from './make-handler.ts';
export { makeHandler } from './make-handler.ts';

export async function defaultDeps(): Promise<PredictDeps> {
  const config = readServingConfig();
  if (!config.bucket) throw new ConfigError('VIGIL_BUCKET is not set');
  return {
    // Loaded during init, so the first request does not pay for it.
    classifier: await loadTextClassifier(config.modelDir),
    log: config.firehoseStream
      ? createFirehoseLog({ client: createFirehoseClient(), streamName: config.firehoseStream })
      : createS3Store({ client: new S3Client({}), bucket: config.bucket }),
    storeText: config.storeText,
    now: Date.now,
    elapsedMs: () => performance.now(),
    randomBytes: (n) => randomBytes(n),
  };
}

export const handler = makeHandler(await defaultDeps());
