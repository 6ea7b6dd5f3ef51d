/**
 * The real handlers (functions/<name>/handler.ts) bundled by esbuild as `cdk synth` does: every bare
 * import left outside a bundle is a Node built-in or a package one of that function's layers ships.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultHandlerEntries } from '../../infra/vigil-app.ts';
import { projectRoot, type SynthedVigil, synthFixtureApp } from './synth-fixture.ts';

type Json = Record<string, unknown>;

let synthed: SynthedVigil;
let outdir: string;

beforeAll(() => {
  synthed = synthFixtureApp({}, { nag: false, bundle: true, entries: defaultHandlerEntries(projectRoot) });
  outdir = synthed.app.outdir;
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function assetDir(resource: Json): string {
  const path = (resource.Metadata as Json)['aws:asset:path'] as string;
  return isAbsolute(path) ? path : join(outdir, path);
}

/** Package names a layer puts on the module path (nodejs/node_modules/<pkg> or <@scope>/<pkg>). */
function layerPackages(dir: string): string[] {
  const root = join(dir, 'nodejs', 'node_modules');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((name) =>
    name.startsWith('@') ? readdirSync(join(root, name)).map((sub) => `${name}/${sub}`) : [name],
  );
}

/** Bare specifiers the bundle still imports or requires at run time. */
function externalSpecifiers(code: string): string[] {
  // `(?<![[\w.])` skips prose such as the SDK's error text "[require("@aws-sdk/signature-v4-crt");]".
  const patterns = [
    /\bfrom\s*"([^"]+)"/g,
    /(?<![[\w.])import\s*\(\s*"([^"]+)"\s*\)/g,
    /(?<![[\w.])require\s*\(\s*"([^"]+)"\s*\)/g,
    /(?<![[\w.])import\s*"([^"]+)"/g,
  ];
  const found = new Set<string>();
  for (const re of patterns) {
    for (const m of code.matchAll(re)) found.add(m[1]);
  }
  return [...found].filter((s) => !s.startsWith('.') && !s.startsWith('/'));
}

const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(packageOf(spec));

describe('bundled handlers', () => {
  it('bundles all five handlers (predict, log, feedback, monitor, notify-slack) into ESM index.mjs', () => {
    const fns = Object.values(synthed.service.findResources('AWS::Lambda::Function')) as Json[];
    expect(fns).toHaveLength(5);
    for (const fn of fns) {
      expect(existsSync(join(assetDir(fn), 'index.mjs'))).toBe(true);
      expect((fn.Properties as Json).Handler).toBe('index.handler');
    }
  });

  it('leaves outside each bundle only what its layers provide', () => {
    const layers = synthed.service.findResources('AWS::Lambda::LayerVersion');
    const fns = Object.values(synthed.service.findResources('AWS::Lambda::Function')) as Json[];
    for (const fn of fns) {
      const props = fn.Properties as Json;
      const refs = ((props.Layers as Json[] | undefined) ?? []).map((l) => l.Ref as string);
      const provided = refs.flatMap((ref) => layerPackages(assetDir(layers[ref] as Json)));
      const code = readFileSync(join(assetDir(fn), 'index.mjs'), 'utf8');
      const missing = externalSpecifiers(code)
        .filter((s) => !isBuiltin(s))
        .filter((s) => !provided.includes(packageOf(s)));
      expect({ fn: props.Description, missing }).toEqual({ fn: props.Description, missing: [] });
    }
  });

  it('ships the ECharts file the monitor reads at run time next to its bundle', () => {
    const monitor = (Object.values(synthed.service.findResources('AWS::Lambda::Function')) as Json[]).find(
      (fn) => String((fn.Properties as Json).Description).includes('monitoring run'),
    );
    expect(monitor).toBeDefined();
    const dir = assetDir(monitor as Json);
    expect(existsSync(join(dir, 'node_modules', 'echarts', 'dist', 'echarts.min.js'))).toBe(true);
    expect(existsSync(join(dir, 'node_modules', 'echarts', 'package.json'))).toBe(true);
  });

  it("bundles the projector's worker thread beside the monitor's bundle, needing no package of its own", () => {
    const monitor = (Object.values(synthed.service.findResources('AWS::Lambda::Function')) as Json[]).find(
      (fn) => String((fn.Properties as Json).Description).includes('monitoring run'),
    );
    const worker = join(assetDir(monitor as Json), 'projector-worker.mjs');
    expect(existsSync(worker)).toBe(true);
    const code = readFileSync(worker, 'utf8');
    expect(externalSpecifiers(code).filter((s) => !isBuiltin(s))).toEqual([]);
    // The bundle looks for the worker under this name (functions/lib/report/projector-thread.ts).
    const index = readFileSync(join(assetDir(monitor as Json), 'index.mjs'), 'utf8');
    expect(index).toContain('projector-worker.mjs');
  });
});
