/** Writes the test bundles once per test file into a fresh temp dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FixtureBundleSpec, writeFixtureBundle } from '../../fixtures/bundles/build-bundle.ts';

export async function tempBundles(specs: Record<string, FixtureBundleSpec>) {
  const root = await mkdtemp(join(tmpdir(), 'vigil-bundles-'));
  const dirs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs))
    dirs[name] = await writeFixtureBundle(join(root, name), spec);
  return { root, dirs, cleanup: () => rm(root, { recursive: true, force: true }) };
}
