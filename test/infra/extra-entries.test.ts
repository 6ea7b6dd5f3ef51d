/** The shell commands that bundle a function's extra entry points (worker threads) beside its index.mjs. */
import { describe, expect, it } from 'vitest';
import { bundleExtraEntries } from '../../infra/constructs/vigil-function.ts';

describe('bundleExtraEntries', () => {
  it('bundles each entry with esbuild as ESM into the output folder, layer packages left external', () => {
    const [command, ...rest] = bundleExtraEntries('/in', '/out', {
      'projector-worker.mjs': 'functions/lib/report/projector-worker.ts',
    });
    expect(rest).toEqual([]);
    expect(
      command.startsWith('"/in/node_modules/.bin/esbuild" "/in/functions/lib/report/projector-worker.ts"'),
    ).toBe(true);
    for (const flag of [
      '--bundle',
      '--platform=node',
      '--format=esm',
      '"--outfile=/out/projector-worker.mjs"',
    ]) {
      expect(command).toContain(flag);
    }
    expect(command).toContain('--external:@duckdb/node-api');
  });

  it('refuses names and paths it would have to quote', () => {
    expect(() => bundleExtraEntries('/in', '/out', { 'a b.mjs': 'x.ts' })).toThrow(/plain file name/);
    expect(() => bundleExtraEntries('/in', '/out', { 'w.js': 'x.ts' })).toThrow(/ending in \.mjs/);
    expect(() => bundleExtraEntries('/in', '/out', { 'w.mjs': '../x.ts' })).toThrow(/plain relative path/);
    expect(() => bundleExtraEntries('/in', '/out', { 'w.mjs': '/abs/x.ts' })).toThrow(/plain relative path/);
    expect(() => bundleExtraEntries('/in', '/out', { 'w.mjs': 'x.ts; rm -rf /' })).toThrow(
      /plain relative path/,
    );
  });
});
