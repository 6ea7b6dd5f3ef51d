import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store } from '../../functions/adapters/s3-store.ts';
import { readPredictions } from '../../functions/lib/records/read.ts';
import { LogWriteError } from '../../functions/lib/records/store.ts';
import { makePredictions } from '../unit/records/make-records.ts';
import { type LocalS3, startLocalS3 } from './s3rver.ts';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(async () => {
  await s3?.dispose();
});

describe('S3Store when the server dies mid-run', () => {
  it('every write that returned is in the log; every other write threw LOG_WRITE_FAILED', async () => {
    const store = createS3Store({ client: s3.client(2), bucket: s3.bucket });
    const start = Date.parse('2026-04-01T12:00:00Z');
    const requests = Array.from({ length: 40 }, (_, i) =>
      makePredictions({ n: 3, startMs: start + i * 3000, stepMs: 1000, seed: i + 1 }),
    );
    const succeeded: string[][] = [];
    const failures: unknown[] = [];
    let inFlight: Promise<void>[] = [];
    for (const [i, batch] of requests.entries()) {
      // Kill the server while writes are in flight, as a crash would.
      if (i === 15) await s3.kill();
      inFlight.push(
        store.putPredictions(batch).then(
          () => void succeeded.push(batch.map((r) => r.id)),
          (e) => void failures.push(e),
        ),
      );
      if (inFlight.length === 4) {
        await Promise.all(inFlight);
        inFlight = [];
      }
    }
    await Promise.all(inFlight);

    expect(succeeded.length + failures.length).toBe(40);
    expect(succeeded.length).toBeGreaterThanOrEqual(12);
    expect(failures.length).toBeGreaterThanOrEqual(25);
    for (const e of failures) {
      expect(e).toBeInstanceOf(LogWriteError);
      expect((e as LogWriteError).code).toBe('LOG_WRITE_FAILED');
    }

    await s3.restart();
    const logged = new Set(
      (
        await readPredictions(store, {
          model: 'sst2-default',
          version: '1',
          from: new Date(start),
          to: new Date(start + 3_600_000),
        })
      ).map((r) => r.id),
    );
    for (const ids of succeeded) for (const id of ids) expect(logged.has(id)).toBe(true);
  });
});
