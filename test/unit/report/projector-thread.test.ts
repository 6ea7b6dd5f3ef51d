import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWordExcessRequest } from '../../../functions/lib/checks/word-excess-thread.ts';
import {
  assembleProjector,
  buildProjector,
  type ProjectorInput,
  type ProjectorLayout,
} from '../../../functions/lib/report/projector.ts';
import {
  layoutFromRequest,
  openProjectorThread,
  startProjectorLayout,
  WORKER_MIN_POINTS,
} from '../../../functions/lib/report/projector-thread.ts';
import { testProjectorRequest, testWordExcessRequest } from '../../fixtures/report/test-projector-request.ts';

const plain = (layout: ProjectorLayout) =>
  Object.fromEntries(Object.entries(layout).map(([k, v]) => [k, Array.from(v as ArrayLike<number>)]));

describe('startProjectorLayout', () => {
  const expected = layoutFromRequest(testProjectorRequest());

  it('lays out on a worker thread, bit for bit, what layoutProjector gives on this thread', async () => {
    const { layout, onWorker } = await startProjectorLayout(testProjectorRequest(), 0).result();
    expect(onWorker).toBe(true);
    expect(layout.xs.length).toBe(300);
    expect(plain(layout)).toEqual(plain(expected));
    // Exact doubles, not rounded ones: the layout is compared before the report rounds it.
    for (let i = 0; i < layout.xs.length; i++) {
      expect(Object.is(layout.xs[i], expected.xs[i]) && Object.is(layout.ys[i], expected.ys[i])).toBe(true);
    }
  });

  it('gives the projector buildProjector builds from the same inputs', async () => {
    const request = testProjectorRequest();
    const inputs = (m: Float32Array, window: string): ProjectorInput[] =>
      Array.from({ length: m.length / request.dim }, (_, i) => ({
        embedding: m.subarray(i * request.dim, (i + 1) * request.dim),
        text: `${window} ${i}`,
        label: i % 2 ? 'POSITIVE' : 'NEGATIVE',
        score: 0.5 + i / 1000,
      }));
    const windows = { reference: inputs(request.reference, 'ref'), current: inputs(request.current, 'cur') };
    const { layout } = await startProjectorLayout(request, 0).result();
    const direct = buildProjector({ ...windows, ...request.options });
    expect(assembleProjector(layout, windows)).toEqual(direct);
    expect(direct.clusters.length).toBeGreaterThan(0);
  });

  it(`lays out fewer than ${WORKER_MIN_POINTS} points on this thread: a worker would take longer to start`, async () => {
    const request = testProjectorRequest();
    expect(request.options.maxPoints).toBeLessThan(WORKER_MIN_POINTS);
    const { layout, onWorker } = await startProjectorLayout(request).result();
    expect(onWorker).toBe(false);
    expect(plain(layout)).toEqual(plain(expected));
  });

  it('lays out on a thread opened ahead of its request, and on this one once closed', async () => {
    const thread = openProjectorThread();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ahead = await thread.layout(testProjectorRequest(), 0).result();
    expect(ahead.onWorker).toBe(true);
    expect(plain(ahead.layout)).toEqual(plain(expected));
    const closed = openProjectorThread();
    closed.close();
    const here = await closed.layout(testProjectorRequest(), 0).result();
    expect(here.onWorker).toBe(false);
    expect(plain(here.layout)).toEqual(plain(expected));
  });

  it("falls back to this thread when the worker fails, with the layout's own error", async () => {
    const request = testProjectorRequest();
    for (let i = 0; i < request.current.length; i += request.dim) request.current[i + 5] = Number.NaN;
    await expect(startProjectorLayout(request, 0).result()).rejects.toMatchObject({
      name: 'ProjectorError',
      code: 'PROJECTOR_NON_FINITE_EMBEDDING',
      message: expect.stringContaining('current window'),
    });
  });
});

describe('startProjectorLayout in a bundle (as the monitor Lambda ships it)', () => {
  let dir: string;
  const run = (mode = 'layout') => {
    const r = spawnSync(process.execPath, [join(dir, 'index.mjs'), mode], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    return JSON.parse(r.stdout) as { onWorker: boolean; layout: Record<string, number[]> };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-projector-bundle-'));
    // As infra/constructs/vigil-function.ts bundles a handler and its extra entries.
    const common: BuildOptions = {
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      mainFields: ['module', 'main'],
      minify: true,
      logLevel: 'warning',
    };
    await build({
      ...common,
      entryPoints: ['test/fixtures/report/projector-layout-driver.ts'],
      outfile: join(dir, 'index.mjs'),
    });
    await build({
      ...common,
      entryPoints: ['functions/lib/report/projector-worker.ts'],
      outfile: join(dir, 'projector-worker.mjs'),
    });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ends the process when a projector thread was opened and never used', () => {
    expect(run('idle')).toEqual({ idle: true });
  });

  it('starts projector-worker.mjs beside the bundle, and lays out on this thread without it', () => {
    const want = plain(layoutFromRequest(testProjectorRequest()));
    const withWorker = run();
    expect(withWorker).toEqual({ onWorker: true, layout: want });
    // The same worker file serves the word-excess test.
    const words = JSON.parse(JSON.stringify(runWordExcessRequest(testWordExcessRequest())));
    expect(words.pValue).toBeLessThan(0.01);
    expect(run('words')).toEqual({ onWorker: true, result: words });
    rmSync(join(dir, 'projector-worker.mjs'));
    expect(run()).toEqual({ onWorker: false, layout: want });
    expect(run('words')).toEqual({ onWorker: false, result: words });
  });
});
