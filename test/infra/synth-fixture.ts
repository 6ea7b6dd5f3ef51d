/**
 * Builds the Vigil app in-process the way `cdk synth` does (cdk.json context included) but with
 * stand-in handlers and model, no esbuild bundling and no asset copying, so a synth takes seconds.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readDeployConfig } from '../../infra/deploy-config.ts';
import { buildVigilApp, type VigilStacks } from '../../infra/vigil-app.ts';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixtureDir = join(projectRoot, 'test', 'infra', 'fixtures');

const handler = (name: string) => join(fixtureDir, 'handlers', `${name}.ts`);

export const fixtureEntries = {
  predict: handler('predict'),
  log: handler('log'),
  feedback: handler('feedback'),
  monitor: handler('monitor'),
  notifySlack: handler('notify-slack'),
};

export interface SynthedVigil {
  readonly app: App;
  readonly stacks: VigilStacks;
  readonly data: Template;
  readonly service: Template;
}

export interface FixtureOptions {
  /** @default true */
  readonly nag?: boolean;
  /** Bundle the handlers for real (esbuild) instead of skipping bundling. @default false */
  readonly bundle?: boolean;
  /** @default the stand-in handlers */
  readonly entries?: typeof fixtureEntries;
}

export function buildFixtureApp(
  context: Record<string, unknown> = {},
  options: FixtureOptions = {},
): { app: App; stacks: VigilStacks } {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context: object };
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'vigil-cdk-')),
    context: {
      ...cdkJson.context,
      'aws:cdk:bundling-stacks': options.bundle ? ['**'] : [],
      'aws:cdk:disable-asset-staging': true,
      'aws:cdk:enable-asset-metadata': true,
      modelDir: join(fixtureDir, 'model'),
      ...context,
    },
  });
  const stacks = buildVigilApp(app, {
    config: readDeployConfig(app.node),
    projectRoot,
    entries: options.entries ?? fixtureEntries,
    nag: options.nag ?? true,
  });
  return { app, stacks };
}

/** Builds and synthesizes (running cdk-nag when `nag`), then returns both templates. */
export function synthFixtureApp(
  context: Record<string, unknown> = {},
  options: FixtureOptions = {},
): SynthedVigil {
  const { app, stacks } = buildFixtureApp(context, options);
  app.synth();
  return {
    app,
    stacks,
    data: Template.fromStack(stacks.data),
    service: Template.fromStack(stacks.service),
  };
}
