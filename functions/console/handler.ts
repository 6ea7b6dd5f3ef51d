/** Lambda entry of the console's read API (runs, reports, series, alerts, dashboards) over the S3 store. */
import { S3Client } from '@aws-sdk/client-s3';
import { createS3Store } from '../adapters/s3-store.ts';
import { ConfigError, readServingConfig } from '../config.ts';
import { type ConsoleDeps, makeHandler } from './make-handler.ts';

export type { ConsoleDeps } from './make-handler.ts';
export { makeHandler } from './make-handler.ts';

export function defaultDeps(): ConsoleDeps {
  const config = readServingConfig();
  if (!config.bucket) throw new ConfigError('VIGIL_BUCKET is not set');
  return { store: createS3Store({ client: new S3Client({}), bucket: config.bucket }), now: Date.now };
}

export const handler = makeHandler(defaultDeps());
