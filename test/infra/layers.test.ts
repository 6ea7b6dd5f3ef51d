/**
 * Layer folders staged at synth: only the chosen architecture's Linux binaries, the npm layout Lambda
 * resolves under /opt/nodejs/node_modules, and the model bundle under /opt/model.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { ModelBundleIncompleteError, stageModelFolder } from '../../infra/constructs/model-layer.ts';
import {
  duckDbPackages,
  LayerPackageMissingError,
  onnxRuntimePackages,
  stageLayerFolder,
} from '../../infra/constructs/native-layer.ts';
import { fixtureDir, projectRoot } from './synth-fixture.ts';

function touch(root: string, rel: string, body = 'x'): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), body);
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => relative(dir, join(dir, f)).split('\\').join('/'))
    .sort();
}

const shipped = (dir: string) => files(dir).filter((f) => f !== '.complete');

/** A fake project whose onnxruntime-node ships every platform, as the npm package does. */
function fakeProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-layer-'));
  const ort = 'node_modules/onnxruntime-node';
  touch(root, `${ort}/package.json`, '{"name":"onnxruntime-node","version":"1.30.0"}');
  touch(root, `${ort}/dist/index.js`);
  touch(root, `${ort}/script/install.js`);
  for (const platform of ['linux/x64', 'linux/arm64', 'darwin/arm64', 'win32/x64']) {
    touch(root, `${ort}/bin/napi-v6/${platform}/onnxruntime_binding.node`);
  }
  touch(
    root,
    'node_modules/onnxruntime-common/package.json',
    '{"name":"onnxruntime-common","version":"1.30.0"}',
  );
  touch(root, 'node_modules/onnxruntime-common/dist/ort-common.js');
  return root;
}

describe('native layers', () => {
  it('ships onnxruntime-node with only the linux binaries of the chosen architecture', () => {
    const root = fakeProject();
    const x64 = shipped(stageLayerFolder(root, 'ort-x64', onnxRuntimePackages(Architecture.X86_64)));
    expect(x64).toEqual([
      'nodejs/node_modules/onnxruntime-common/dist/ort-common.js',
      'nodejs/node_modules/onnxruntime-common/package.json',
      'nodejs/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'nodejs/node_modules/onnxruntime-node/dist/index.js',
      'nodejs/node_modules/onnxruntime-node/package.json',
    ]);
    const arm = shipped(stageLayerFolder(root, 'ort-arm64', onnxRuntimePackages(Architecture.ARM_64)));
    expect(arm).toContain(
      'nodejs/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/onnxruntime_binding.node',
    );
    expect(arm.filter((f) => f.includes('/bin/'))).toHaveLength(1);
  });

  it('stages the real onnxruntime-node of this repository without foreign binaries', () => {
    const dir = stageLayerFolder(
      projectRoot,
      'onnxruntime-linux-x64',
      onnxRuntimePackages(Architecture.X86_64),
    );
    const binaries = files(dir).filter((f) => f.includes('/bin/'));
    expect(binaries).toContain(
      'nodejs/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
    );
    expect(binaries.every((f) => f.includes('/linux/x64/'))).toBe(true);
  });

  it('fails with LAYER_PACKAGE_MISSING when a binding package is not installed', () => {
    const root = fakeProject();
    expect(() => stageLayerFolder(root, 'duck', duckDbPackages(Architecture.ARM_64))).toThrow(
      LayerPackageMissingError,
    );
    try {
      stageLayerFolder(root, 'duck', duckDbPackages(Architecture.ARM_64));
    } catch (err) {
      expect((err as LayerPackageMissingError).code).toBe('LAYER_PACKAGE_MISSING');
      expect((err as Error).message).toContain('@duckdb/node-api');
    }
  });

  it('asks for the glibc DuckDB bindings of the architecture', () => {
    expect(duckDbPackages(Architecture.X86_64).map((p) => p.name)).toContain(
      '@duckdb/node-bindings-linux-x64',
    );
    expect(duckDbPackages(Architecture.ARM_64).map((p) => p.name)).toContain(
      '@duckdb/node-bindings-linux-arm64',
    );
  });
});

describe('model layer', () => {
  it('puts the bundle under model/ so it mounts at /opt/model', () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-model-'));
    const staged = stageModelFolder(root, join(fixtureDir, 'model'));
    expect(shipped(staged)).toEqual(['model/config.json', 'model/model.onnx', 'model/tokenizer.json']);
  });

  it('fails with MODEL_BUNDLE_INCOMPLETE naming what is missing', () => {
    const root = mkdtempSync(join(tmpdir(), 'vigil-model-'));
    touch(root, 'bundle/model.onnx');
    let caught: unknown;
    try {
      stageModelFolder(root, 'bundle');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ModelBundleIncompleteError);
    expect((caught as ModelBundleIncompleteError).missing).toEqual(['tokenizer.json', 'config.json']);
    expect((caught as ModelBundleIncompleteError).code).toBe('MODEL_BUNDLE_INCOMPLETE');
    expect(existsSync(join(root, 'cdk.out'))).toBe(false);
  });
});
