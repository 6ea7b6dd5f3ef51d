/**
 * The model bundle (model.onnx, tokenizer.json, config.json) as a Lambda layer mounted at /opt/model:
 * the asset folder holds `model/`, because a layer's content lands directly under /opt.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Architecture, Code, LayerVersion, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { publishStagedFolder } from './staging.ts';

/** Where the model lands in the function's file system; VIGIL_MODEL_DIR points here. */
export const MODEL_MOUNT_DIR = '/opt/model';

export const MODEL_BUNDLE_FILES = ['model.onnx', 'tokenizer.json', 'config.json'] as const;

/** Thrown at synth when the model folder lacks a file of the bundle contract. */
export class ModelBundleIncompleteError extends Error {
  readonly code = 'MODEL_BUNDLE_INCOMPLETE';
  constructor(
    readonly dir: string,
    readonly missing: readonly string[],
  ) {
    super(
      `model bundle ${dir} lacks ${missing.join(', ')}: a bundle is a folder with ${MODEL_BUNDLE_FILES.join(', ')} ` +
        '(set -c modelDir=<folder> to use your own)',
    );
    this.name = 'ModelBundleIncompleteError';
  }
}

export interface ModelLayerProps {
  /** The bundle folder, absolute or relative to projectRoot. */
  readonly modelDir: string;
  readonly projectRoot: string;
  readonly architecture: Architecture;
  readonly runtime: Runtime;
}

/** Copies the bundle to `<projectRoot>/cdk.out/.layers/model-<key>/model` and returns the parent. */
export function stageModelFolder(projectRoot: string, modelDir: string): string {
  const src = resolve(projectRoot, modelDir);
  const missing = MODEL_BUNDLE_FILES.filter((f) => !existsSync(join(src, f)));
  if (missing.length > 0) throw new ModelBundleIncompleteError(src, missing);
  // Path, sizes and mtimes name the staging folder; the asset itself is hashed by content.
  const stamp = createHash('sha256').update(src);
  for (const f of readdirSync(src).sort()) {
    const st = statSync(join(src, f));
    stamp.update(`\n${f}:${st.size}:${st.mtimeMs}`);
  }
  const target = join(projectRoot, 'cdk.out', '.layers', `model-${stamp.digest('hex').slice(0, 16)}`);
  if (existsSync(join(target, '.complete'))) return target;
  const building = `${target}.${process.pid}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  cpSync(src, join(building, 'model'), { recursive: true });
  return publishStagedFolder(building, target, src);
}

export class ModelLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string, props: ModelLayerProps) {
    super(scope, id);
    const folder = stageModelFolder(props.projectRoot, props.modelDir);
    this.layer = new LayerVersion(this, 'Layer', {
      code: Code.fromAsset(folder, { exclude: ['.complete'] }),
      compatibleArchitectures: [props.architecture],
      compatibleRuntimes: [props.runtime],
      description: `Vigil model bundle (${MODEL_BUNDLE_FILES.join(', ')}) at ${MODEL_MOUNT_DIR}`,
    });
  }
}
