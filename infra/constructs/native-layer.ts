/**
 * A Lambda layer of native npm packages holding only the Linux binaries of one architecture, staged at
 * synth time as nodejs/node_modules/<pkg> so the runtime's module resolution finds it under /opt.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { AssetHashType } from 'aws-cdk-lib';
import { type Architecture, Code, LayerVersion, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { publishStagedFolder } from './staging.ts';

/** One package copied into the layer; `include` filters its files (paths relative to the package, '/'). */
export interface LayerPackage {
  readonly name: string;
  readonly include?: (relPath: string) => boolean;
}

export interface NativeLayerProps {
  /** The packages to ship, each resolved under `<projectRoot>/node_modules`. */
  readonly packages: readonly LayerPackage[];
  readonly architecture: Architecture;
  readonly runtime: Runtime;
  /** Repository root holding node_modules/ and cdk.out/. */
  readonly projectRoot: string;
  readonly description: string;
}

/** Thrown at synth when a package the layer needs is not installed. */
export class LayerPackageMissingError extends Error {
  readonly code = 'LAYER_PACKAGE_MISSING';
  constructor(
    readonly packageName: string,
    hint: string,
  ) {
    super(`layer package ${packageName} is not installed in node_modules: ${hint}`);
    this.name = 'LayerPackageMissingError';
  }
}

/** Node's name for the architecture: x64 or arm64, as in binary folder and package names. */
export function nodeArch(architecture: Architecture): 'x64' | 'arm64' {
  return architecture.name === 'arm64' ? 'arm64' : 'x64';
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Copies the packages into `<projectRoot>/cdk.out/.layers/<key>` once and returns that folder. */
export function stageLayerFolder(
  projectRoot: string,
  key: string,
  packages: readonly LayerPackage[],
): string {
  for (const p of packages) {
    if (!existsSync(join(projectRoot, 'node_modules', p.name, 'package.json'))) {
      throw new LayerPackageMissingError(p.name, 'run npm ci on a machine of the target platform family');
    }
  }
  const versions = packages.map(
    (p) => `${p.name}@${packageVersion(join(projectRoot, 'node_modules', p.name))}`,
  );
  const hash = createHash('sha256')
    .update(`${key}\n${versions.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
  const target = join(projectRoot, 'cdk.out', '.layers', `${key}-${hash}`);
  if (existsSync(join(target, '.complete'))) return target;
  // Stage into a private folder and rename, so parallel synths never see a half-copied layer.
  const building = `${target}.${process.pid}.building`;
  rmSync(building, { recursive: true, force: true });
  for (const p of packages) {
    const src = join(projectRoot, 'node_modules', p.name);
    const dest = join(building, 'nodejs', 'node_modules', p.name);
    mkdirSync(dest, { recursive: true });
    cpSync(src, dest, {
      recursive: true,
      filter: (file) => {
        const rel = relative(src, file).split(sep).join('/');
        return rel === '' || !p.include || p.include(rel);
      },
    });
  }
  return publishStagedFolder(building, target, `${versions.join('\n')}\n`);
}

export class NativeLayer extends Construct {
  readonly layer: LayerVersion;
  /** The staged folder (contains nodejs/node_modules/...). */
  readonly folder: string;

  constructor(scope: Construct, id: string, props: NativeLayerProps) {
    super(scope, id);
    const arch = nodeArch(props.architecture);
    this.folder = stageLayerFolder(props.projectRoot, `${id.toLowerCase()}-linux-${arch}`, props.packages);
    const marker = readFileSync(join(this.folder, '.complete'), 'utf8');
    this.layer = new LayerVersion(this, 'Layer', {
      // The versions and architecture fix the content; hashing ~100 MB of binaries each synth is waste.
      code: Code.fromAsset(this.folder, {
        assetHashType: AssetHashType.CUSTOM,
        assetHash: createHash('sha256').update(`${arch}\n${marker}`).digest('hex'),
        exclude: ['.complete'],
      }),
      compatibleArchitectures: [props.architecture],
      compatibleRuntimes: [props.runtime],
      description: props.description,
    });
  }
}

/** onnxruntime-node with only linux/<arch> binaries, plus its pure-JS onnxruntime-common. */
export function onnxRuntimePackages(architecture: Architecture): LayerPackage[] {
  const binDir = `bin/napi-v6/linux/${nodeArch(architecture)}`;
  return [
    {
      name: 'onnxruntime-node',
      include: (rel) =>
        rel === 'package.json' ||
        rel === 'LICENSE' ||
        rel === 'dist' ||
        rel.startsWith('dist/') ||
        binDir.startsWith(`${rel}/`) ||
        rel === binDir ||
        rel.startsWith(`${binDir}/`),
    },
    { name: 'onnxruntime-common' },
  ];
}

/** @duckdb/node-api with the glibc Linux bindings of <arch> only. */
export function duckDbPackages(architecture: Architecture): LayerPackage[] {
  return [
    { name: '@duckdb/node-api' },
    { name: '@duckdb/node-bindings' },
    { name: `@duckdb/node-bindings-linux-${nodeArch(architecture)}` },
    { name: 'detect-libc' },
  ];
}
