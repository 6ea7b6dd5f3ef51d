/** Lambda entry of POST /feedback: labels validated against the model layer's config, actuals to S3. */
import { S3Client } from '@aws-sdk/client-s3';
import { createS3Store } from '../adapters/s3-store.ts';
import { ConfigError, readServingConfig } from '../config.ts';
import { readModelBundle } from '../lib/inference/bundle.ts';
import { type FeedbackDeps, makeHandler } from './make-handler.ts';

export type { FeedbackDeps } from './make-handler.ts';
export { makeHandler } from './make-handler.ts';

export async function defaultDeps(): Promise<FeedbackDeps> {
  const config = readServingConfig();
  if (!config.bucket) throw new ConfigError('VIGIL_BUCKET is not set');
  // Only config.json is needed here: no ONNX session in the feedback function.
  const { info } = await readModelBundle(config.modelDir);
  return {
    model: info,
    log: createS3Store({ client: new S3Client({}), bucket: config.bucket }),
    now: Date.now,
  };
}

export const handler = makeHandler(await defaultDeps());
