/**
 * Builds the whole deployment into an App: the stateful DataStack, the stateless ServiceStack and the
 * cdk-nag AwsSolutions checks. infra/app.ts calls it for `cdk synth`; tests call it in-process.
 */
import { join } from 'node:path';
import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { dataExportNames } from './data-exports.ts';
import type { DeployConfig } from './deploy-config.ts';
import { acknowledgeServiceFindings } from './nag-acknowledgements.ts';
import { DataStack } from './stacks/data-stack.ts';
import { type HandlerEntries, ServiceStack } from './stacks/service-stack.ts';

export interface VigilAppProps {
  readonly config: DeployConfig;
  /** Repository root: node_modules/, package-lock.json and cdk.out/ live here. */
  readonly projectRoot: string;
  /** @default - functions/<name>/handler.ts under projectRoot */
  readonly entries?: HandlerEntries;
  /** @default - environment-agnostic stacks */
  readonly env?: Environment;
  /** @default true */
  readonly nag?: boolean;
}

export interface VigilStacks {
  readonly data: DataStack;
  readonly service: ServiceStack;
}

export function defaultHandlerEntries(projectRoot: string): HandlerEntries {
  const entry = (name: string) => join(projectRoot, 'functions', name, 'handler.ts');
  return {
    predict: entry('predict'),
    log: entry('log'),
    feedback: entry('feedback'),
    monitor: entry('monitor'),
    notifySlack: entry('notify-slack'),
  };
}

/** Glue database names allow lowercase letters, digits and underscores only. */
export function glueDatabaseName(stackPrefix: string): string {
  return `${stackPrefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_log`;
}

export function buildVigilApp(app: App, props: VigilAppProps): VigilStacks {
  const { config, projectRoot } = props;
  const p = config.stackPrefix;
  const exportNames = dataExportNames(p);
  const data = new DataStack(app, `${p}Data`, {
    env: props.env,
    description: 'Vigil stateful resources: prediction log bucket, alert topic, Slack secret, Glue tables',
    reportRetentionDays: config.reportRetentionDays,
    noncurrentVersionDays: config.noncurrentVersionDays,
    alertEmail: config.alertEmail,
    slack: config.slack,
    slackWebhookSecretName: config.slackWebhookSecretName,
    glueDatabaseName: glueDatabaseName(p),
    exportNames,
    terminationProtection: true,
  });

  const service = new ServiceStack(app, `${p}Service`, {
    env: props.env,
    description: 'Vigil stateless resources: functions, HTTP API, schedule, dashboard, alarms',
    entries: props.entries ?? defaultHandlerEntries(projectRoot),
    projectRoot,
    modelDir: config.modelDir,
    architecture: config.architecture,
    dataExports: exportNames,
    slack: data.slackWebhookSecret !== undefined,
    modelName: config.modelName,
    modelVersion: config.modelVersion,
    storeText: config.storeText,
    monitorSchedule: config.monitorSchedule,
    authorization:
      config.apiAuthorization === 'jwt'
        ? { type: 'jwt', issuer: config.jwtIssuer ?? '', audience: config.jwtAudience }
        : { type: 'iam' },
    apiRateLimit: config.apiRateLimit,
    apiBurstLimit: config.apiBurstLimit,
    reportUrlTtlSeconds: config.reportUrlTtlSeconds,
    monitorWindowHours: config.monitorWindowHours,
    dashboardName: `${p}-operations`,
    logDelivery: config.logDelivery,
    firehoseBufferMb: config.firehoseBufferMb,
    firehoseBufferSeconds: config.firehoseBufferSeconds,
    glueDatabaseName: glueDatabaseName(p),
    athenaWorkgroupName: `${p}-monitor`,
    athenaBytesScannedCutoffMb: config.athenaBytesScannedCutoffMb,
    monitorEngine: config.monitorEngine,
    console: config.console ? { domainPrefix: config.consoleDomainPrefix } : undefined,
    sourceAccess: config.sourceAccess,
  });
  service.addStackDependency(data);
  acknowledgeServiceFindings(service, exportNames);

  if (props.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, service };
}
