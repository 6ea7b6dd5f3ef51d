/**
 * The one place that reads environment variables.
 * Handlers call these at cold start; functions/lib never reads the environment.
 */

export class ConfigError extends Error {
  readonly code = 'CONFIG_MISSING';

  constructor(message: string) {
    super(`CONFIG_MISSING: ${message}`);
    this.name = 'ConfigError';
  }
}

export interface SlackConfig {
  /** ARN of the Secrets Manager secret that holds the Slack incoming-webhook URL. */
  webhookSecretArn: string;
}

export function readSlackConfig(env: NodeJS.ProcessEnv = process.env): SlackConfig {
  const webhookSecretArn = env.VIGIL_SLACK_SECRET_ARN?.trim();
  if (!webhookSecretArn) throw new ConfigError('VIGIL_SLACK_SECRET_ARN is not set');
  return { webhookSecretArn };
}

/** Settings of the predict and feedback functions and of `vigil serve`. */
export interface ServingConfig {
  /** Model bundle folder (VIGIL_MODEL_DIR). @default '/opt/model' (the Lambda layer) */
  modelDir: string;
  /** Prediction-log bucket (VIGIL_BUCKET); required on Lambda, unset means local files for `vigil serve`. */
  bucket: string | undefined;
  /** Keep raw texts in the log (VIGIL_STORE_TEXT). @default true */
  storeText: boolean;
  /** Firehose delivery stream of the log (VIGIL_FIREHOSE_STREAM); unset means direct S3 writes. */
  firehoseStream: string | undefined;
}

export function parseBooleanSetting(name: string, value: string | undefined, fallback: boolean): boolean {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === '') return fallback;
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

/** `defaultModelDir` differs by host: the Lambda layer's mount, or layers/model for `vigil serve`. */
export function readServingConfig(
  env: NodeJS.ProcessEnv = process.env,
  defaultModelDir = '/opt/model',
): ServingConfig {
  return {
    modelDir: env.VIGIL_MODEL_DIR?.trim() || defaultModelDir,
    bucket: env.VIGIL_BUCKET?.trim() || undefined,
    storeText: parseBooleanSetting('VIGIL_STORE_TEXT', env.VIGIL_STORE_TEXT, true),
    firehoseStream: env.VIGIL_FIREHOSE_STREAM?.trim() || undefined,
  };
}

/** Settings of the scheduled monitor function (the environment infra/stacks/service-stack.ts sets). */
export interface MonitorFunctionConfig {
  /** Prediction-log bucket (VIGIL_BUCKET). Required. */
  bucket: string;
  /** SNS topic alerts are published to (VIGIL_TOPIC_ARN); unset means no alerts are sent. */
  topicArn: string | undefined;
  /** Lifetime of the presigned report link in alerts (VIGIL_REPORT_URL_TTL_SECONDS). @default 43200 (12 hours, as the stack sets) */
  reportUrlTtlSeconds: number;
  /** CloudWatch namespace of the drift metrics (VIGIL_METRICS_NAMESPACE); unset means none are logged. */
  metricsNamespace: string | undefined;
  /** Only this model version (VIGIL_MODEL_NAME + VIGIL_MODEL_VERSION); unset means every one in the log. */
  model: { name: string; version: string } | undefined;
  /** Window length in hours (VIGIL_MONITOR_WINDOW_HOURS). @default 24 */
  windowHours: number;
  /** How long before now the window ends (VIGIL_WINDOW_LAG_SECONDS): Firehose's buffer interval. @default 0 */
  windowLagSeconds: number;
  /** Compact per-request part files first (VIGIL_COMPACTION); only direct writes make them. @default true */
  compaction: boolean;
  /** in-process | sql | auto (VIGIL_MONITOR_ENGINE). @default in-process */
  engine: 'in-process' | 'sql' | 'auto';
  /** Athena workgroup and Glue database of the SQL engine (VIGIL_ATHENA_WORKGROUP, VIGIL_GLUE_DATABASE). */
  athena: { workgroup: string; database: string } | undefined;
}

export function readMonitorFunctionConfig(env: NodeJS.ProcessEnv = process.env): MonitorFunctionConfig {
  const bucket = env.VIGIL_BUCKET?.trim();
  if (!bucket) throw new ConfigError('VIGIL_BUCKET is not set');
  const positive = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!(n > 0) || !Number.isFinite(n))
      throw new ConfigError(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
    return n;
  };
  const name = env.VIGIL_MODEL_NAME?.trim();
  const version = env.VIGIL_MODEL_VERSION?.trim();
  const workgroup = env.VIGIL_ATHENA_WORKGROUP?.trim();
  const database = env.VIGIL_GLUE_DATABASE?.trim();
  const athena = workgroup && database ? { workgroup, database } : undefined;
  return {
    bucket,
    topicArn: env.VIGIL_TOPIC_ARN?.trim() || undefined,
    reportUrlTtlSeconds: positive('VIGIL_REPORT_URL_TTL_SECONDS', 12 * 3600),
    metricsNamespace: env.VIGIL_METRICS_NAMESPACE?.trim() || undefined,
    model: name && version ? { name, version } : undefined,
    windowHours: positive('VIGIL_MONITOR_WINDOW_HOURS', 24),
    windowLagSeconds: nonNegative(env, 'VIGIL_WINDOW_LAG_SECONDS', 0),
    compaction: parseBooleanSetting('VIGIL_COMPACTION', env.VIGIL_COMPACTION, true),
    engine: monitorEngine(env.VIGIL_MONITOR_ENGINE?.trim(), athena !== undefined),
    athena,
  };
}

function nonNegative(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!(n >= 0) || !Number.isFinite(n))
    throw new ConfigError(`${name} must be a number of seconds >= 0, got ${JSON.stringify(raw)}`);
  return n;
}

function monitorEngine(raw: string | undefined, haveAthena: boolean): MonitorFunctionConfig['engine'] {
  const engine = raw || 'in-process';
  if (engine !== 'in-process' && engine !== 'sql' && engine !== 'auto') {
    throw new ConfigError(`VIGIL_MONITOR_ENGINE must be in-process, sql or auto, got ${JSON.stringify(raw)}`);
  }
  if (engine !== 'in-process' && !haveAthena) {
    throw new ConfigError(
      `VIGIL_MONITOR_ENGINE=${engine} needs VIGIL_ATHENA_WORKGROUP and VIGIL_GLUE_DATABASE`,
    );
  }
  return engine;
}
