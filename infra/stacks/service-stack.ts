/**
 * The stateless half: layers, the five functions, the HTTP API, the monitoring schedule, the Slack
 * subscription, dashboard and alarms. Safe to destroy and redeploy; every byte of data is in DataStack.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Architecture } from 'aws-cdk-lib/aws-lambda';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { VigilConsole } from '../constructs/console.ts';
import { type EndpointAuthorization, HttpEndpoint } from '../constructs/http-endpoint.ts';
import { MODEL_MOUNT_DIR, ModelLayer } from '../constructs/model-layer.ts';
import { duckDbPackages, NativeLayer, onnxRuntimePackages } from '../constructs/native-layer.ts';
import { DRIFT_METRICS, OperationsDashboard } from '../constructs/operations-dashboard.ts';
import { PredictionDelivery } from '../constructs/prediction-delivery.ts';
import { QueryWorkgroup } from '../constructs/query-workgroup.ts';
import { SourceAccess, type SourceAccessConfig } from '../constructs/source-access.ts';
import { VIGIL_RUNTIME, VigilFunction } from '../constructs/vigil-function.ts';
import { type DataExportNames, importDataExports } from '../data-exports.ts';
import type { LogDelivery, MonitorEngine } from '../deploy-config.ts';

/** The handler files, one per function (each exports `handler`). */
export interface HandlerEntries {
  readonly predict: string;
  /** POST /log and the model versions (PUT/GET /models...). */
  readonly log: string;
  readonly feedback: string;
  readonly monitor: string;
  readonly notifySlack: string;
}

export interface ServiceStackProps extends StackProps {
  readonly entries: HandlerEntries;
  readonly projectRoot: string;
  readonly modelDir: string;
  readonly architecture: Architecture;
  /** Export names of DataStack, imported here. */
  readonly dataExports: DataExportNames;
  /** Whether DataStack has a Slack secret (and so a notifier is deployed). */
  readonly slack: boolean;
  readonly modelName?: string;
  readonly modelVersion?: string;
  readonly storeText: boolean;
  readonly monitorSchedule: string;
  readonly authorization: EndpointAuthorization;
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  readonly reportUrlTtlSeconds: number;
  readonly monitorWindowHours: number;
  readonly dashboardName: string;
  /** `firehose`: records go through a delivery stream and no compaction runs; `direct`: S3 PUTs. */
  readonly logDelivery: LogDelivery;
  readonly firehoseBufferMb: number;
  readonly firehoseBufferSeconds: number;
  /** The Glue database of DataStack's tables (Firehose's schema, Athena's queries). */
  readonly glueDatabaseName: string;
  readonly athenaWorkgroupName: string;
  readonly athenaBytesScannedCutoffMb: number;
  readonly monitorEngine: MonitorEngine;
  /** The console (issue 16), opt-in; its hosted-login domain prefix. @default - no console */
  readonly console?: { readonly domainPrefix?: string };
  /** Connected sources the monitor reads (S3 prefixes, Postgres secrets, VPC). @default none */
  readonly sourceAccess?: SourceAccessConfig;
}

/** Key prefixes of the bucket layout (DESIGN.md, "Layout"). */
const PREFIX = {
  predictions: 'predictions/',
  actuals: 'actuals/',
  baselines: 'baselines/',
  reports: 'reports/',
  state: 'state/',
  models: 'models/',
} as const;

export class ServiceStack extends Stack {
  readonly predict: VigilFunction;
  readonly log: VigilFunction;
  readonly feedback: VigilFunction;
  /** Present when logDelivery is firehose. */
  readonly delivery?: PredictionDelivery;
  readonly workgroup: QueryWorkgroup;
  readonly monitor: VigilFunction;
  readonly notifySlack?: VigilFunction;
  readonly endpoint: HttpEndpoint;
  readonly schedule: Rule;
  readonly console?: VigilConsole;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { architecture, projectRoot } = props;
    const imported = importDataExports(props.dataExports, props.slack);
    const bucket = Bucket.fromBucketName(this, 'LogBucket', imported.bucketName);
    const topic = Topic.fromTopicArn(this, 'AlertTopic', imported.topicArn);
    const common = { projectRoot, architecture };
    const layerBase = { projectRoot, architecture, runtime: VIGIL_RUNTIME };
    const modelEnv: Record<string, string> = {
      ...(props.modelName ? { VIGIL_MODEL_NAME: props.modelName } : {}),
      ...(props.modelVersion ? { VIGIL_MODEL_VERSION: props.modelVersion } : {}),
    };

    const firehose = props.logDelivery === 'firehose';
    if (firehose) {
      this.delivery = new PredictionDelivery(this, 'Delivery', {
        bucket,
        glueDatabaseName: props.glueDatabaseName,
        bufferSizeMb: props.firehoseBufferMb,
        bufferIntervalSeconds: props.firehoseBufferSeconds,
        alarmTopic: topic,
      });
    }
    const deliveryEnv: Record<string, string> = this.delivery
      ? { VIGIL_FIREHOSE_STREAM: this.delivery.streamName }
      : {};
    // The request path may only append to the log: PutRecordBatch on the stream, or PutObject under predictions/.
    const grantLogWrite = (fn: VigilFunction) => {
      if (this.delivery) this.delivery.grantPutRecords(fn.fn);
      else this.putOnly(fn, bucket, PREFIX.predictions);
    };

    const model = new ModelLayer(this, 'ModelLayer', { ...layerBase, modelDir: props.modelDir });
    const onnx = new NativeLayer(this, 'OnnxRuntime', {
      ...layerBase,
      packages: onnxRuntimePackages(architecture),
      description: `onnxruntime-node, linux-${architecture.name} binaries only`,
    });
    const duckdb = new NativeLayer(this, 'DuckDb', {
      ...layerBase,
      packages: duckDbPackages(architecture),
      description: `@duckdb/node-api, linux-${architecture.name} bindings only`,
    });

    this.predict = new VigilFunction(this, 'Predict', {
      ...common,
      entry: props.entries.predict,
      description: 'Vigil POST /predict and GET /health',
      memorySize: 2048,
      timeout: Duration.seconds(29),
      layers: [model.layer, onnx.layer],
      environment: {
        VIGIL_MODEL_DIR: MODEL_MOUNT_DIR,
        VIGIL_BUCKET: bucket.bucketName,
        VIGIL_STORE_TEXT: String(props.storeText),
        ...deliveryEnv,
        ...modelEnv,
      },
    });
    grantLogWrite(this.predict);

    this.log = new VigilFunction(this, 'Log', {
      ...common,
      entry: props.entries.log,
      description: 'Vigil POST /log and model versions (PUT/GET /models)',
      memorySize: 1024,
      timeout: Duration.seconds(29),
      // A declared Parquet source's mapping is checked with DuckDB when the declaration is made.
      layers: [duckdb.layer],
      environment: {
        VIGIL_BUCKET: bucket.bucketName,
        VIGIL_STORE_TEXT: String(props.storeText),
        ...deliveryEnv,
      },
    });
    grantLogWrite(this.log);
    this.grantModelVersions(this.log, bucket);

    this.feedback = new VigilFunction(this, 'Feedback', {
      ...common,
      entry: props.entries.feedback,
      description: 'Vigil POST /feedback (ground-truth labels)',
      memorySize: 512,
      timeout: Duration.seconds(29),
      // The bundle's config.json names the model and its labels, which feedback validates against.
      layers: [model.layer],
      environment: { VIGIL_MODEL_DIR: MODEL_MOUNT_DIR, VIGIL_BUCKET: bucket.bucketName, ...modelEnv },
    });
    this.putOnly(this.feedback, bucket, PREFIX.actuals);

    this.monitor = new VigilFunction(this, 'Monitor', {
      ...common,
      entry: props.entries.monitor,
      description: 'Vigil scheduled monitoring run, one per model version',
      memorySize: 3008,
      timeout: Duration.minutes(15),
      layers: [duckdb.layer],
      // The HTML report inlines ECharts, read from the package at run time (functions/adapters/report-assets.ts).
      nodeModuleFiles: ['echarts/package.json', 'echarts/dist/echarts.min.js'],
      // The projector's layout runs on a worker thread beside the checks (functions/lib/report/projector-thread.ts).
      extraEntries: { 'projector-worker.mjs': 'functions/lib/report/projector-worker.ts' },
      // A failed run is not retried: the next scheduled run covers the same window again.
      retryAttempts: 0,
      environment: {
        VIGIL_BUCKET: bucket.bucketName,
        VIGIL_TOPIC_ARN: topic.topicArn,
        VIGIL_REPORT_URL_TTL_SECONDS: String(props.reportUrlTtlSeconds),
        VIGIL_MONITOR_WINDOW_HOURS: String(props.monitorWindowHours),
        // Firehose delivers a record up to one buffer interval late: the window ends that long before now.
        VIGIL_WINDOW_LAG_SECONDS: String(firehose ? props.firehoseBufferSeconds : 0),
        // Firehose writes few large files; only direct per-request parts need compacting.
        VIGIL_COMPACTION: String(!firehose),
        VIGIL_MONITOR_ENGINE: props.monitorEngine,
        VIGIL_ATHENA_WORKGROUP: props.athenaWorkgroupName,
        VIGIL_GLUE_DATABASE: props.glueDatabaseName,
        VIGIL_METRICS_NAMESPACE: DRIFT_METRICS.namespace,
        // DuckDB keeps its extension and temp files under $HOME; /tmp is the only writable place.
        HOME: '/tmp',
        ...modelEnv,
      },
    });
    this.grantMonitorAccess(this.monitor, bucket, !firehose);
    if (props.sourceAccess)
      new SourceAccess(this, 'SourceAccess', { fn: this.monitor.fn, ...props.sourceAccess });
    this.workgroup = new QueryWorkgroup(this, 'Queries', {
      workgroupName: props.athenaWorkgroupName,
      bucket,
      glueDatabaseName: props.glueDatabaseName,
      bytesScannedCutoffPerQuery: props.athenaBytesScannedCutoffMb * 1024 * 1024,
    });
    this.workgroup.grantQuery(this.monitor.fn);
    topic.grantPublish(this.monitor.fn);
    // The topic is SSE-KMS: publishing needs a data key from its key.
    this.monitor.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: [imported.topicKeyArn],
      }),
    );

    this.schedule = new Rule(this, 'MonitorSchedule', {
      description: 'Runs the Vigil monitor',
      schedule: Schedule.expression(props.monitorSchedule),
      targets: [new LambdaFunction(this.monitor.fn, { retryAttempts: 0 })],
    });

    if (imported.slackWebhookSecretArn) {
      const secretArn = imported.slackWebhookSecretArn;
      const notify = new VigilFunction(this, 'NotifySlack', {
        ...common,
        entry: props.entries.notifySlack,
        description: 'Vigil alerts from SNS to a Slack incoming webhook',
        memorySize: 256,
        timeout: Duration.seconds(30),
        // Only the secret's ARN is in the environment; the URL is fetched at run time.
        environment: { VIGIL_SLACK_SECRET_ARN: secretArn },
      });
      notify.fn.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] }),
      );
      topic.addSubscription(new LambdaSubscription(notify.fn));
      this.notifySlack = notify;
    }

    this.endpoint = new HttpEndpoint(this, 'Endpoint', {
      predictFunction: this.predict.fn,
      logFunction: this.log.fn,
      feedbackFunction: this.feedback.fn,
      authorization: props.authorization,
      rateLimit: props.apiRateLimit,
      burstLimit: props.apiBurstLimit,
    });

    if (props.console) {
      this.console = new VigilConsole(this, 'Console', {
        api: this.endpoint.api,
        bucket,
        projectRoot,
        architecture,
        domainPrefix: props.console.domainPrefix,
      });
    }

    new OperationsDashboard(this, 'Operations', {
      dashboardName: props.dashboardName,
      api: this.endpoint.api,
      alarmTopic: topic,
      functions: {
        predict: this.predict.fn,
        log: this.log.fn,
        feedback: this.feedback.fn,
        monitor: this.monitor.fn,
        ...(this.notifySlack ? { notifySlack: this.notifySlack.fn } : {}),
      },
    });

    new CfnOutput(this, 'EndpointUrl', {
      value: this.endpoint.url,
      description: 'Base URL of the HTTPS API',
    });
    new CfnOutput(this, 'DashboardName', { value: props.dashboardName, description: 'CloudWatch dashboard' });
  }

  /** s3:PutObject under one prefix and nothing else: the request path can write its log, never read. */
  private putOnly(fn: VigilFunction, bucket: IBucket, prefix: string): void {
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
    );
  }

  /** The monitor reads the log, baselines and its own state, writes reports and alert state, and compacts the log. */
  private grantMonitorAccess(fn: VigilFunction, bucket: IBucket, compaction: boolean): void {
    const readable = [
      PREFIX.predictions,
      PREFIX.actuals,
      PREFIX.baselines,
      PREFIX.reports,
      PREFIX.state,
      PREFIX.models,
    ];
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': readable.map((p) => `${p}*`) } },
      }),
    );
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: readable.map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [PREFIX.reports, PREFIX.state].map((p) => bucket.arnForObjects(`${p}*`)),
      }),
    );
    // Hourly compaction (direct writes only): write the merged hour, then delete the parts it replaced.
    if (compaction) {
      fn.fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: [bucket.arnForObjects(`${PREFIX.predictions}*`)],
        }),
      );
    }
  }

  /** Model versions: read and write models/, list models/ and whether a version has data yet. */
  private grantModelVersions(fn: VigilFunction, bucket: IBucket): void {
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bucket.arnForObjects(`${PREFIX.models}*`)],
      }),
    );
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${PREFIX.models}*`, `${PREFIX.predictions}*`] } },
      }),
    );
  }
}
