/**
 * The synthesized Vigil app (default context + an alert email): every resource and grant of the AWS
 * shape, asserted on properties with Match, never on logical IDs.
 */
import { rmSync } from 'node:fs';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthFixtureApp } from './synth-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON.
type Json = any;

let data: Template;
let service: Template;
let outdir: string;

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

beforeAll(() => {
  // cdk-nag has its own test (nag.test.ts); skipping it here keeps this synth fast.
  const synthed = synthFixtureApp(
    // Direct delivery: the shape without Firehose (log-delivery.test.ts covers the default, firehose).
    { alertEmail: 'ops@example.com', modelName: 'sst2', modelVersion: 'v1', logDelivery: 'direct' },
    { nag: false },
  );
  ({ data, service } = synthed);
  outdir = synthed.app.outdir;
});

const objectArn = (prefix: string) => ({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::ImportValue': 'Vigil-BucketName' }, `/${prefix}*`],
  ],
});

/** A Fn::Join of literal strings and tokens, flattened with each token shown as <token>. */
function flattenJoin(value: Json): string {
  const parts: Json[] = value['Fn::Join'][1];
  return parts.map((p) => (typeof p === 'string' ? p : '<token>')).join('');
}

function functionByDescription(t: Template, description: string): { Properties: Record<string, Json> } {
  const found = Object.values(
    t.findResources('AWS::Lambda::Function', { Properties: { Description: description } }),
  );
  expect(found).toHaveLength(1);
  return found[0] as { Properties: Record<string, Json> };
}

/** The policy statements attached to the role of the function with this description. */
function statementsOf(t: Template, description: string): Json[] {
  const role = functionByDescription(t, description).Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p: Json) =>
    p.Properties.Roles.some((r: Json) => r.Ref === role),
  );
  return policies.flatMap((p: Json) => p.Properties.PolicyDocument.Statement);
}

describe('DataStack', () => {
  it('keeps the log in an encrypted, versioned, private, retained bucket', () => {
    data.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'log-bucket/' }),
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('expires old reports, replaced part-file versions and stale uploads', () => {
    data.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'reports/', ExpirationInDays: 90, Status: 'Enabled' }),
          Match.objectLike({
            NoncurrentVersionExpiration: { NoncurrentDays: 7 },
            ExpiredObjectDeleteMarker: true,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
        ]),
      },
    });
  });

  it('denies every request to the log bucket that is not over TLS', () => {
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    expect(Object.keys(data.findResources('AWS::S3::BucketPolicy'))).toHaveLength(2);
  });

  it('encrypts the alert topic with a rotating key CloudWatch may use, and subscribes the email', () => {
    data.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    data.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    data.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    data.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('creates the Slack webhook secret and exports what the service stack imports', () => {
    data.resourceCountIs('AWS::SecretsManager::Secret', 1);
    for (const name of [
      'Vigil-BucketName',
      'Vigil-TopicArn',
      'Vigil-TopicKeyArn',
      'Vigil-SlackWebhookSecretArn',
    ]) {
      data.hasOutput('*', { Export: { Name: name } });
    }
    data.hasOutput('GlueDatabase', { Value: 'vigil_log' });
  });

  it('projects the prediction log partitions for Athena (no crawler)', () => {
    data.resourceCountIs('AWS::Glue::Crawler', 0);
    data.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: 'vigil_log',
      TableInput: Match.objectLike({
        Name: 'predictions',
        PartitionKeys: [
          { Name: 'model', Type: 'string' },
          { Name: 'version', Type: 'string' },
          { Name: 'date', Type: 'string' },
          { Name: 'hour', Type: 'string' },
        ],
        Parameters: Match.objectLike({
          'projection.enabled': 'true',
          'projection.model.type': 'injected',
          'projection.version.type': 'injected',
          'projection.date.type': 'date',
          'projection.date.format': 'yyyy-MM-dd',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': Match.objectLike({
            'Fn::Join': [
              '',
              Match.arrayWith([
                Match.stringLikeRegexp(
                  'model=\\$\\{model\\}/version=\\$\\{version\\}/date=\\$\\{date\\}/hour=\\$\\{hour\\}/$',
                ),
              ]),
            ],
          }),
        }),
        StorageDescriptor: Match.objectLike({
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          Columns: Match.arrayWith([
            { Name: 'timestamp', Type: 'timestamp' },
            { Name: 'text_sha256', Type: 'string' },
            { Name: 'embedding', Type: 'array<float>' },
          ]),
        }),
      }),
    });
    data.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'actuals',
        Parameters: Match.objectLike({ 'projection.enabled': 'true' }),
      }),
    });
  });
});

describe('ServiceStack', () => {
  it('runs every function on NODEJS_22_X and one architecture (x86_64)', () => {
    const fns = Object.values(service.findResources('AWS::Lambda::Function')) as Json[];
    expect(fns).toHaveLength(5);
    for (const fn of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['x86_64']);
    }
    const layers = Object.values(service.findResources('AWS::Lambda::LayerVersion')) as Json[];
    expect(layers).toHaveLength(3);
    for (const layer of layers) {
      expect(layer.Properties.CompatibleArchitectures).toEqual(['x86_64']);
      expect(layer.Properties.CompatibleRuntimes).toEqual(['nodejs22.x']);
    }
  });

  it('gives predict the model and onnxruntime layers and its environment', () => {
    const predict = functionByDescription(service, 'Vigil POST /predict and GET /health').Properties;
    expect(predict.Layers).toHaveLength(2);
    expect(predict.Environment.Variables).toMatchObject({
      VIGIL_MODEL_DIR: '/opt/model',
      VIGIL_BUCKET: { 'Fn::ImportValue': 'Vigil-BucketName' },
      VIGIL_STORE_TEXT: 'true',
      VIGIL_MODEL_NAME: 'sst2',
      VIGIL_MODEL_VERSION: 'v1',
    });
    const monitor = functionByDescription(
      service,
      'Vigil scheduled monitoring run, one per model version',
    ).Properties;
    expect(monitor.Layers).toHaveLength(1);
    expect(monitor.Timeout).toBe(900);
    expect(monitor.Environment.Variables).toMatchObject({
      VIGIL_TOPIC_ARN: { 'Fn::ImportValue': 'Vigil-TopicArn' },
      VIGIL_REPORT_URL_TTL_SECONDS: '43200',
      VIGIL_MONITOR_WINDOW_HOURS: '24',
      VIGIL_METRICS_NAMESPACE: 'Vigil',
      VIGIL_MODEL_NAME: 'sst2',
    });
  });

  it('lets predict and feedback only PutObject under their own prefix', () => {
    expect(statementsOf(service, 'Vigil POST /predict and GET /health')).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: objectArn('predictions/') },
    ]);
    expect(statementsOf(service, 'Vigil POST /feedback (ground-truth labels)')).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: objectArn('actuals/') },
    ]);
  });

  it('lets the monitor read the log, write reports/ and state/, compact predictions/, and publish', () => {
    const statements = statementsOf(service, 'Vigil scheduled monitoring run, one per model version');
    const puts = statements.filter((s) => s.Action === 's3:PutObject');
    expect(puts).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: [objectArn('reports/'), objectArn('state/')] },
    ]);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['s3:DeleteObject', 's3:PutObject'],
      Resource: objectArn('predictions/'),
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 's3:ListBucket',
        Condition: { StringLike: { 's3:prefix': expect.arrayContaining(['predictions/*', 'actuals/*']) } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'sns:Publish', Resource: { 'Fn::ImportValue': 'Vigil-TopicArn' } }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: { 'Fn::ImportValue': 'Vigil-TopicKeyArn' },
      }),
    );
    const deletes = statements.filter((s) => [s.Action].flat().includes('s3:DeleteObject'));
    expect(deletes.map((s) => s.Resource)).toEqual([objectArn('predictions/')]);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.some((a) => a.endsWith('*') && a.startsWith('s3:'))).toBe(false);
  });

  it('reads the Slack webhook from Secrets Manager, with only its ARN in the environment', () => {
    const notify = functionByDescription(
      service,
      'Vigil alerts from SNS to a Slack incoming webhook',
    ).Properties;
    expect(notify.Environment.Variables.VIGIL_SLACK_SECRET_ARN).toEqual({
      'Fn::ImportValue': 'Vigil-SlackWebhookSecretArn',
    });
    const values = JSON.stringify(notify.Environment.Variables);
    expect(values).not.toMatch(/hooks\.slack\.com|SecretString|resolve:secretsmanager/);
    expect(statementsOf(service, 'Vigil alerts from SNS to a Slack incoming webhook')).toEqual([
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: { 'Fn::ImportValue': 'Vigil-SlackWebhookSecretArn' },
      },
    ]);
    service.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { 'Fn::ImportValue': 'Vigil-TopicArn' },
    });
  });

  it('serves the routes through an HTTP API with IAM authorization on every route', () => {
    service.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const routes = Object.values(service.findResources('AWS::ApiGatewayV2::Route')) as Json[];
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([
      'GET /health',
      'GET /models',
      'GET /models/{name}/versions/{version}',
      'POST /feedback',
      'POST /log',
      'POST /predict',
      'PUT /models/{name}/versions/{version}',
    ]);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
  });

  it('throttles the stage and writes access logs', () => {
    service.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue(), Format: Match.anyValue() }),
    });
  });

  it('runs the monitor on the hourly schedule without retries', () => {
    service.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  it('alarms on errors and throttles of every function and on API 5xx, to the topic', () => {
    const alarms = Object.values(service.findResources('AWS::CloudWatch::Alarm')) as Json[];
    const byMetric = (name: string) => alarms.filter((a) => a.Properties.MetricName === name);
    expect(byMetric('Errors')).toHaveLength(5);
    expect(byMetric('Throttles')).toHaveLength(5);
    expect(byMetric('5xx')).toHaveLength(1);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ 'Fn::ImportValue': 'Vigil-TopicArn' }]);
      expect(alarm.Properties.Threshold).toBe(1);
    }
  });

  it('has a dashboard with traffic, latency, errors and the drift EMF metrics', () => {
    const dashboards = Object.values(service.findResources('AWS::CloudWatch::Dashboard')) as Json[];
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0].Properties.DashboardName).toBe('Vigil-operations');
    const body = JSON.parse(flattenJoin(dashboards[0].Properties.DashboardBody));
    const metrics = body.widgets.flatMap((w: Json) => w.properties.metrics ?? []);
    const names = metrics
      .filter((m: Json[]) => typeof m[0] === 'string')
      .map((m: Json[]) => `${m[0]} ${m[1]}`);
    for (const name of [
      'AWS/ApiGateway Count',
      'AWS/ApiGateway Latency',
      'AWS/ApiGateway 5xx',
      'AWS/Lambda Errors',
    ]) {
      expect(names).toContain(name);
    }
    expect(names).toContain('AWS/Lambda Throttles');
    const searches = metrics.filter((m: Json[]) => m[0]?.expression).map((m: Json[]) => m[0].expression);
    expect(searches).toEqual([
      `SEARCH('{Vigil,model,version,check} MetricName="p_value"', 'Average', 3600)`,
      `SEARCH('{Vigil,model,version,check} MetricName="score"', 'Average', 3600)`,
    ]);
  });

  it('outputs the endpoint URL and dashboard name', () => {
    service.hasOutput('EndpointUrl', { Value: Match.anyValue() });
    service.hasOutput('DashboardName', { Value: 'Vigil-operations' });
  });
});
