/**
 * One Vigil handler as a Lambda function: esbuild-bundled ESM (no Docker), the stack's single runtime and
 * architecture, its own log group with a retention, and native packages left to the layers.
 */
import { join } from 'node:path';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { Architecture, ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The one Node.js runtime of every function and layer. */
export const VIGIL_RUNTIME = Runtime.NODEJS_22_X;

/** Packages served by the layers, never bundled: esbuild cannot inline .node binaries. */
export const LAYER_PROVIDED_MODULES = [
  'onnxruntime-node',
  'onnxruntime-common',
  '@duckdb/node-api',
  '@duckdb/node-bindings',
  '@duckdb/node-bindings-linux-x64',
  '@duckdb/node-bindings-linux-arm64',
] as const;

// ESM output still meets require() in bundled CommonJS dependencies; give it one.
const ESM_REQUIRE_BANNER =
  "import { createRequire as __vigilCreateRequire } from 'node:module'; const require = __vigilCreateRequire(import.meta.url);";

export interface VigilFunctionProps {
  /** The handler file (exports `handler`). */
  readonly entry: string;
  readonly projectRoot: string;
  readonly architecture: Architecture;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  /** @default - no layers */
  readonly layers?: ILayerVersion[];
  /** Retries of an asynchronous (scheduled, SNS) invocation that failed. @default 2 */
  readonly retryAttempts?: number;
  /**
   * Files under node_modules the code reads at run time (not imports esbuild can see), copied next to
   * the bundle as node_modules/<path>, e.g. 'echarts/dist/echarts.min.js'. @default - none
   */
  readonly nodeModuleFiles?: readonly string[];
  /**
   * More entry points bundled beside index.mjs with the same esbuild settings, by output file name (paths
   * relative to projectRoot), e.g. a worker thread's script:
   * `{ 'projector-worker.mjs': 'functions/lib/report/projector-worker.ts' }`. @default - none
   */
  readonly extraEntries?: Readonly<Record<string, string>>;
}

const PLAIN_PATH = /^[@A-Za-z0-9._/-]+$/;

/** Shell commands copying node_modules files into the bundle; paths are validated, not quoted. */
export function copyNodeModuleFiles(inputDir: string, outputDir: string, files: readonly string[]): string[] {
  return files.map((file) => {
    if (!PLAIN_PATH.test(file) || file.includes('..')) {
      throw new Error(`nodeModuleFiles entry ${JSON.stringify(file)} must be a plain relative path`);
    }
    const dest = `${outputDir}/node_modules/${file}`;
    return `mkdir -p "${dest.slice(0, dest.lastIndexOf('/'))}" && cp "${inputDir}/node_modules/${file}" "${dest}"`;
  });
}

/** Shell commands bundling each extra entry as the handler is bundled; names and paths are validated, not quoted. */
export function bundleExtraEntries(
  inputDir: string,
  outputDir: string,
  entries: Readonly<Record<string, string>>,
): string[] {
  return Object.entries(entries).map(([outfile, entry]) => {
    if (!/^[A-Za-z0-9._-]+\.mjs$/.test(outfile)) {
      throw new Error(
        `extraEntries name ${JSON.stringify(outfile)} must be a plain file name ending in .mjs`,
      );
    }
    if (!PLAIN_PATH.test(entry) || entry.includes('..') || entry.startsWith('/')) {
      throw new Error(`extraEntries entry ${JSON.stringify(entry)} must be a plain relative path`);
    }
    const args = [
      `"${inputDir}/${entry}"`,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node22',
      '--main-fields=module,main',
      '--minify',
      '--sourcemap',
      '--sources-content=false',
      '--log-level=warning',
      `"--banner:js=${ESM_REQUIRE_BANNER}"`,
      ...LAYER_PROVIDED_MODULES.map((m) => `--external:${m}`),
      `"--outfile=${outputDir}/${outfile}"`,
    ];
    return `"${inputDir}/node_modules/.bin/esbuild" ${args.join(' ')}`;
  });
}

export class VigilFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: VigilFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: VIGIL_RUNTIME,
      architecture: props.architecture,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      layers: props.layers,
      retryAttempts: props.retryAttempts,
      logGroup,
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // The AWS SDK is bundled at the version the code was tested with, not the runtime's copy.
        externalModules: [...LAYER_PROVIDED_MODULES],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            ...copyNodeModuleFiles(inputDir, outputDir, props.nodeModuleFiles ?? []),
            ...bundleExtraEntries(inputDir, outputDir, props.extraEntries ?? {}),
          ],
        },
      },
    });
  }
}
