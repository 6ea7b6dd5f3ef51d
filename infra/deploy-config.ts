/**
 * The deployment's settings, read from CDK context (`cdk.json` or `-c key=value`). Every value has a
 * default so `npx cdk deploy` works as is; docs/deploy.md lists them all.
 */
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import type { Node } from 'constructs';
import { type SourceAccessConfig, s3SourceLocation } from './constructs/source-access.ts';

export type ApiAuthorization = 'iam' | 'jwt';
/** How the predict and log functions write records: one S3 object per request, or through Firehose. */
export type LogDelivery = 'direct' | 'firehose';
/** Where the monitoring run aggregates a window: in the function, on Athena, or chosen by window size. */
export type MonitorEngine = 'in-process' | 'sql' | 'auto';

export interface DeployConfig {
  /** Prefix of the stack names: `<prefix>Data` and `<prefix>Service`. */
  readonly stackPrefix: string;
  /** Folder with model.onnx, tokenizer.json and config.json, shipped as a layer at /opt/model. */
  readonly modelDir: string;
  /** Model name/version the monitor checks; unset: it checks every model=/version= prefix it finds. */
  readonly modelName?: string;
  readonly modelVersion?: string;
  /** Whether the raw request text is kept in the log (text_sha256 is always kept). */
  readonly storeText: boolean;
  /** One architecture for every function and native layer. */
  readonly architecture: Architecture;
  /** EventBridge schedule expression of the monitoring run. */
  readonly monitorSchedule: string;
  readonly alertEmail?: string;
  /** Existing Secrets Manager secret (name) holding the Slack webhook URL; unset: the stack creates one. */
  readonly slackWebhookSecretName?: string;
  /** False leaves Slack out entirely (no secret, no notifier). */
  readonly slack: boolean;
  readonly apiAuthorization: ApiAuthorization;
  readonly jwtIssuer?: string;
  readonly jwtAudience: readonly string[];
  /** Steady-state requests per second and burst for the whole HTTP API stage. */
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** Days before reports/ objects expire. */
  readonly reportRetentionDays: number;
  /** Days a replaced or deleted object version (e.g. a part file merged by compaction) is kept. */
  readonly noncurrentVersionDays: number;
  /** Lifetime of the pre-signed report links sent in alerts. */
  readonly reportUrlTtlSeconds: number;
  /** Length of the window each monitoring run checks. */
  readonly monitorWindowHours: number;
  /** `firehose` (default): a Firehose stream buffers, converts and partitions; `direct`: S3 PUTs + compaction. */
  readonly logDelivery: LogDelivery;
  /** Firehose buffer size in MiB (64-128; format conversion needs at least 64). */
  readonly firehoseBufferMb: number;
  /** Firehose buffer interval in seconds (60-900); also how far the monitor's window ends before now. */
  readonly firehoseBufferSeconds: number;
  /** Athena's per-query cutoff of bytes scanned, in MiB (at least 10). */
  readonly athenaBytesScannedCutoffMb: number;
  /** Engine of the monitoring run; `auto` picks SQL (Athena) for windows over the in-process limit. */
  readonly monitorEngine: MonitorEngine;
  /** Deploys the console (CloudFront, Cognito sign-in, its API routes): `-c console=true`. */
  readonly console: boolean;
  /** Hosted-login domain prefix of the console's user pool; unset: vigil-console-<account id>. */
  readonly consoleDomainPrefix?: string;
  /** Connected sources the monitor reads in place (issue 12). @default none */
  readonly sourceAccess?: SourceAccessConfig;
}

/** Thrown at synth when a context value cannot be used; the message names the key. */
export class DeployConfigError extends Error {
  readonly code = 'INVALID_DEPLOY_CONFIG';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`context value "${key}": ${message}`);
    this.name = 'DeployConfigError';
  }
}

type Context = Pick<Node, 'tryGetContext'>;

function str(ctx: Context, key: string): string | undefined {
  const v = ctx.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new DeployConfigError(key, 'expected a string');
  }
  return String(v);
}

function bool(ctx: Context, key: string, fallback: boolean): boolean {
  const v = str(ctx, key);
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new DeployConfigError(key, `expected true or false, got ${JSON.stringify(v)}`);
}

function int(ctx: Context, key: string, fallback: number, min: number, max: number): number {
  const v = str(ctx, key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new DeployConfigError(key, `expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  }
  return n;
}

function oneOf<T extends string>(ctx: Context, key: string, allowed: readonly T[], fallback: T): T {
  const v = str(ctx, key);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new DeployConfigError(key, `expected ${allowed.join(' or ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

const SCHEDULE_RE = /^(rate|cron)\(.+\)$/;
const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Reads and validates every context value; throws DeployConfigError on the first bad one. */
export function readDeployConfig(ctx: Context): DeployConfig {
  const monitorSchedule = str(ctx, 'monitorSchedule') ?? 'rate(1 hour)';
  if (!SCHEDULE_RE.test(monitorSchedule)) {
    throw new DeployConfigError(
      'monitorSchedule',
      'expected an EventBridge expression like rate(1 hour) or cron(0 * * * ? *)',
    );
  }
  const alertEmail = str(ctx, 'alertEmail');
  if (alertEmail !== undefined && !EMAIL_RE.test(alertEmail)) {
    throw new DeployConfigError('alertEmail', `${JSON.stringify(alertEmail)} is not an email address`);
  }
  const arch = str(ctx, 'architecture') ?? 'x86_64';
  if (arch !== 'x86_64' && arch !== 'arm64') {
    throw new DeployConfigError('architecture', 'expected x86_64 or arm64');
  }
  const apiAuthorization = str(ctx, 'apiAuthorization') ?? 'iam';
  if (apiAuthorization !== 'iam' && apiAuthorization !== 'jwt') {
    throw new DeployConfigError('apiAuthorization', 'expected iam or jwt');
  }
  const jwtIssuer = str(ctx, 'jwtIssuer');
  const jwtAudience = (str(ctx, 'jwtAudience') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (apiAuthorization === 'jwt' && (!jwtIssuer?.startsWith('https://') || jwtAudience.length === 0)) {
    throw new DeployConfigError('apiAuthorization', 'jwt needs jwtIssuer (an https:// URL) and jwtAudience');
  }
  const modelName = str(ctx, 'modelName');
  const modelVersion = str(ctx, 'modelVersion');
  if (modelVersion !== undefined && modelName === undefined) {
    throw new DeployConfigError('modelVersion', 'is only meaningful together with modelName');
  }
  const apiRateLimit = int(ctx, 'apiRateLimit', 50, 1, 10_000);
  return {
    stackPrefix: str(ctx, 'stackPrefix') ?? 'Vigil',
    modelDir: str(ctx, 'modelDir') ?? 'layers/model',
    modelName,
    modelVersion,
    storeText: bool(ctx, 'storeText', true),
    architecture: arch === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
    monitorSchedule,
    alertEmail,
    slackWebhookSecretName: str(ctx, 'slackWebhookSecretName'),
    slack: bool(ctx, 'slack', true),
    apiAuthorization,
    jwtIssuer,
    jwtAudience,
    apiRateLimit,
    apiBurstLimit: int(ctx, 'apiBurstLimit', Math.min(2 * apiRateLimit, 5_000), 1, 5_000),
    reportRetentionDays: int(ctx, 'reportRetentionDays', 90, 1, 3650),
    noncurrentVersionDays: int(ctx, 'noncurrentVersionDays', 7, 1, 365),
    // A link signed with the function's temporary credentials dies with them (hours), whatever the TTL.
    reportUrlTtlSeconds: int(ctx, 'reportUrlTtlSeconds', 43_200, 60, 604_800),
    monitorWindowHours: int(ctx, 'monitorWindowHours', 24, 1, 24 * 90),
    logDelivery: oneOf(ctx, 'logDelivery', ['direct', 'firehose'] as const, 'firehose'),
    firehoseBufferMb: int(ctx, 'firehoseBufferMb', 128, 64, 128),
    firehoseBufferSeconds: int(ctx, 'firehoseBufferSeconds', 300, 60, 900),
    athenaBytesScannedCutoffMb: int(ctx, 'athenaBytesScannedCutoffMb', 10 * 1024, 10, 1024 * 1024),
    monitorEngine: oneOf(ctx, 'monitorEngine', ['in-process', 'sql', 'auto'] as const, 'auto'),
    console: bool(ctx, 'console', false),
    consoleDomainPrefix: str(ctx, 'consoleDomainPrefix'),
    sourceAccess: readSourceAccess(ctx),
  };
}

const list = (ctx: Context, key: string) =>
  (str(ctx, key) ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Connected sources: `sourceS3Uris` (s3://bucket/prefix, comma-separated), `sourceSecretArns`,
 * `sourceSecretKeyArns`, and `sourceSubnetIds` with `sourceSecurityGroupIds` for a private database.
 */
function readSourceAccess(ctx: Context): SourceAccessConfig | undefined {
  const uris = list(ctx, 'sourceS3Uris');
  const secretArns = list(ctx, 'sourceSecretArns');
  const secretKeyArns = list(ctx, 'sourceSecretKeyArns');
  const subnetIds = list(ctx, 'sourceSubnetIds');
  const securityGroupIds = list(ctx, 'sourceSecurityGroupIds');
  if (subnetIds.length > 0 !== securityGroupIds.length > 0)
    throw new DeployConfigError('sourceSubnetIds', 'sourceSubnetIds and sourceSecurityGroupIds go together');
  for (const a of secretArns)
    if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/.test(a))
      throw new DeployConfigError(
        'sourceSecretArns',
        `${JSON.stringify(a)} is not a Secrets Manager secret ARN`,
      );
  for (const s of subnetIds)
    if (!/^subnet-[0-9a-f]{8,17}$/.test(s))
      throw new DeployConfigError('sourceSubnetIds', `${JSON.stringify(s)} is not a subnet id`);
  for (const g of securityGroupIds)
    if (!/^sg-[0-9a-f]{8,17}$/.test(g))
      throw new DeployConfigError(
        'sourceSecurityGroupIds',
        `${JSON.stringify(g)} is not a security group id`,
      );
  const s3 = uris.map((u) => {
    try {
      return s3SourceLocation(u);
    } catch (e) {
      throw new DeployConfigError('sourceS3Uris', (e as Error).message);
    }
  });
  if (s3.length + secretArns.length + subnetIds.length === 0) return undefined;
  return {
    s3,
    secretArns,
    secretKeyArns,
    vpc: subnetIds.length > 0 ? { subnetIds, securityGroupIds } : undefined,
  };
}
