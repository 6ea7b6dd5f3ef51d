import { afterAll, beforeAll } from 'vitest';
import { createS3Store } from '../../functions/adapters/s3-store.ts';
import { type LocalS3, startLocalS3 } from './s3rver.ts';
import { describeStoreContract } from './store-contract.ts';

let s3: LocalS3;
let n = 0;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3?.dispose();
});

// Each test gets its own key prefix in the one bucket, so tests stay independent.
describeStoreContract('S3Store on s3rver', async () =>
  createS3Store({
    client: s3.client(),
    bucket: s3.bucket,
    prefix: `run-${n++}/`,
    conditionalWrites: 'unenforced',
  }),
);
