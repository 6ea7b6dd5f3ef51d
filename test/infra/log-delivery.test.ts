/**
 * Firehose log delivery, the Athena workgroup and the log function, as synthesized: asserted on
 * properties with Match, for the default (firehose) and the direct delivery.
 */
import { rmSync } from 'node:fs';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_PREFIX, PARTITION_QUERY } from '../../infra/constructs/prediction-delivery.ts';
import { readDeployConfig } from '../../infra/deploy-config.ts';
import { synthFixtureApp } from './synth-fixture.ts';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON.
type Json = any;

let firehose: { data: Template; service: Template };
let direct: { data: Template; service: Template };
const outdirs: string[] = [];

beforeAll(() => {
  const a = synthFixtureApp({ firehoseBufferSeconds: '120' }, { nag: false });
  const b = synthFixtureApp({ logDelivery: 'direct' }, { nag: false });
  outdirs.push(a.app.outdir, b.app.outdir);
  firehose = a;
  direct = b;
});
afterAll(() => {
  for (const d of outdirs) rmSync(d, { recursive: true, force: true });
});

function functionByDescription(t: Template, prefix: string): Json {
  const found = Object.values(t.findResources('AWS::Lambda::Function')).filter((f: Json) =>
    String(f.Properties.Description).startsWith(prefix),
  );
  expect(found).toHaveLength(1);
  return found[0];
}

function statementsOf(t: Template, descriptionPrefix: string): Json[] {
  const role = functionByDescription(t, descriptionPrefix).Properties.Role['Fn::GetAtt'][0];
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: Json) => p.Properties.Roles.some((r: Json) => r.Ref === role))
    .flatMap((p: Json) => p.Properties.PolicyDocument.Statement);
}

const actionsOf = (statements: Json[]) => statements.flatMap((s) => [s.Action].flat());

describe('deploy config', () => {
  const ctx = (values: Record<string, string>) => ({ tryGetContext: (k: string) => values[k] });

  it('defaults to Firehose with 128 MiB / 300 s buffers and the auto engine', () => {
    const c = readDeployConfig(ctx({}));
    expect(c).toMatchObject({
      logDelivery: 'firehose',
      firehoseBufferMb: 128,
      firehoseBufferSeconds: 300,
      monitorEngine: 'auto',
    });
  });

  it('refuses an unknown delivery and a buffer format conversion cannot use', () => {
    expect(() => readDeployConfig(ctx({ logDelivery: 'kinesis' }))).toThrow(
      /logDelivery.*direct or firehose/,
    );
    expect(() => readDeployConfig(ctx({ firehoseBufferMb: '32' }))).toThrow(/firehoseBufferMb/);
    expect(() => readDeployConfig(ctx({ monitorEngine: 'spark' }))).toThrow(/monitorEngine/);
  });
});

describe('Firehose delivery stream (default)', () => {
  it('converts JSON to Parquet with the Glue table schema', () => {
    firehose.service.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'UNCOMPRESSED',
        FileExtension: '.parquet',
        DataFormatConversionConfiguration: {
          Enabled: true,
          InputFormatConfiguration: { Deserializer: { HiveJsonSerDe: { TimestampFormats: ['millis'] } } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: Match.objectLike({
            DatabaseName: 'vigil_log',
            TableName: 'predictions',
            VersionId: 'LATEST',
          }),
        },
      }),
    });
  });

  it('partitions dynamically by model, version, date and hour into the Hive layout', () => {
    firehose.service.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix:
          'predictions/model=!{partitionKeyFromQuery:model}/version=!{partitionKeyFromQuery:version}/' +
          'date=!{partitionKeyFromQuery:date}/hour=!{partitionKeyFromQuery:hour}/',
        ErrorOutputPrefix: Match.stringLikeRegexp('^delivery-errors/!\\{firehose:error-output-type\\}/'),
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'MetadataExtraction',
              Parameters: Match.arrayWith([
                { ParameterName: 'MetadataExtractionQuery', ParameterValue: PARTITION_QUERY },
                { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
              ]),
            },
          ],
        },
      }),
    });
    for (const key of ['model', 'version', 'date', 'hour']) {
      expect(PARTITION_QUERY).toContain(`${key}:`);
      expect(DELIVERY_PREFIX).toContain(`${key}=!{partitionKeyFromQuery:${key}}/`);
    }
  });

  it('buffers by the context values and encrypts with a rotating customer key', () => {
    firehose.service.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: {
        KeyType: 'CUSTOMER_MANAGED_CMK',
        KeyARN: Match.anyValue(),
      },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 120 },
        CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
      }),
    });
    firehose.service.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('delivery stream'),
      EnableKeyRotation: true,
    });
  });

  it('alarms on delivery failures, conversion failures and data freshness, to the alert topic', () => {
    const alarm = (metricName: string, extra: Json = {}) =>
      firehose.service.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Firehose',
        MetricName: metricName,
        Dimensions: [{ Name: 'DeliveryStreamName', Value: Match.anyValue() }],
        AlarmActions: [{ 'Fn::ImportValue': 'Vigil-TopicArn' }],
        ...extra,
      });
    alarm('DeliveryToS3.Success', { ComparisonOperator: 'LessThanThreshold', Threshold: 1 });
    alarm('FailedConversion.Records', { ComparisonOperator: 'GreaterThanThreshold', Threshold: 0 });
    // Two buffer intervals of 120 s plus 5 minutes.
    alarm('DeliveryToS3.DataFreshness', { Statistic: 'Maximum', Threshold: 540 });
  });

  it('lets the delivery role read the Glue schema and write only under its two prefixes', () => {
    const policies = Object.values(firehose.service.findResources('AWS::IAM::Policy')).filter((p: Json) =>
      String(p.Properties.PolicyName).startsWith('DeliveryDeliveryRole'),
    );
    const statements = policies.flatMap((p: Json) => p.Properties.PolicyDocument.Statement);
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining(['glue:GetTable', 's3:PutObject', 'logs:PutLogEvents']),
    );
    const put = statements.find((s: Json) => [s.Action].flat().includes('s3:PutObject'));
    const resources = JSON.stringify(put.Resource);
    expect(resources).toContain('/predictions/*');
    expect(resources).toContain('/delivery-errors/*');
    expect(actionsOf(statements)).not.toContain('s3:DeleteObject');
  });

  it('gives predict and log PutRecordBatch on the stream instead of S3 writes', () => {
    for (const fn of ['Vigil POST /predict', 'Vigil POST /log']) {
      const statements = statementsOf(firehose.service, fn);
      expect(actionsOf(statements)).toContain('firehose:PutRecordBatch');
      expect(
        statements.some(
          (s: Json) =>
            [s.Action].flat().includes('s3:PutObject') &&
            JSON.stringify(s.Resource).includes('/predictions/*'),
        ),
      ).toBe(false);
      expect(functionByDescription(firehose.service, fn).Properties.Environment.Variables).toMatchObject({
        VIGIL_FIREHOSE_STREAM: { Ref: expect.stringMatching(/^DeliveryStream/) },
      });
    }
  });

  it('ends the monitor window one buffer interval before now and skips compaction', () => {
    const env = functionByDescription(firehose.service, 'Vigil scheduled').Properties.Environment.Variables;
    expect(env).toMatchObject({
      VIGIL_WINDOW_LAG_SECONDS: '120',
      VIGIL_COMPACTION: 'false',
      VIGIL_ATHENA_WORKGROUP: 'Vigil-monitor',
      VIGIL_GLUE_DATABASE: 'vigil_log',
      VIGIL_MONITOR_ENGINE: 'auto',
    });
    expect(actionsOf(statementsOf(firehose.service, 'Vigil scheduled'))).not.toContain('s3:DeleteObject');
  });
});

describe('direct delivery (-c logDelivery=direct)', () => {
  it('has no stream; predict and log PUT under predictions/, and the monitor compacts', () => {
    direct.service.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
    for (const fn of ['Vigil POST /predict', 'Vigil POST /log']) {
      expect(actionsOf(statementsOf(direct.service, fn))).not.toContain('firehose:PutRecordBatch');
      expect(functionByDescription(direct.service, fn).Properties.Environment.Variables).not.toHaveProperty(
        'VIGIL_FIREHOSE_STREAM',
      );
    }
    const env = functionByDescription(direct.service, 'Vigil scheduled').Properties.Environment.Variables;
    expect(env).toMatchObject({ VIGIL_WINDOW_LAG_SECONDS: '0', VIGIL_COMPACTION: 'true' });
    expect(actionsOf(statementsOf(direct.service, 'Vigil scheduled'))).toContain('s3:DeleteObject');
  });
});

describe('Athena workgroup', () => {
  it('encrypts results under athena-results/ and cuts off queries by bytes scanned', () => {
    firehose.service.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'Vigil-monitor',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * 1024 * 1024 * 1024,
        ResultConfiguration: {
          OutputLocation: {
            'Fn::Join': ['', ['s3://', { 'Fn::ImportValue': 'Vigil-BucketName' }, '/athena-results/']],
          },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      }),
    });
    firehose.data.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: 7 })]),
      },
    });
  });

  it('grants the monitor the workgroup, the Glue table and the results and log prefixes only', () => {
    const statements = statementsOf(firehose.service, 'Vigil scheduled');
    const athena = statements.find((s: Json) => [s.Action].flat().includes('athena:StartQueryExecution'));
    expect(JSON.stringify(athena.Resource)).toContain(':workgroup/Vigil-monitor');
    const glue = statements.find((s: Json) => [s.Action].flat().includes('glue:GetTable'));
    expect(JSON.stringify(glue.Resource)).toContain(':table/vigil_log/predictions');
    const results = statements.find(
      (s: Json) =>
        [s.Action].flat().includes('s3:PutObject') &&
        JSON.stringify(s.Resource).includes('/athena-results/*'),
    );
    expect(results).toBeDefined();
    expect(actionsOf(statements)).not.toContain('athena:*');
  });
});

describe('Glue table (record schema v2)', () => {
  it('has the fields and token_ids columns', () => {
    firehose.data.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'predictions',
        StorageDescriptor: Match.objectLike({
          Columns: Match.arrayWith([
            { Name: 'score', Type: 'double' },
            { Name: 'fields', Type: 'string' },
            { Name: 'token_ids', Type: 'array<int>' },
          ]),
        }),
      }),
    });
  });
});

describe('HTTP API routes', () => {
  it('routes /log and /models to the log function behind IAM authorization', () => {
    const routes = Object.values(firehose.service.findResources('AWS::ApiGatewayV2::Route')).map(
      (r: Json) => r.Properties,
    );
    const keys = routes.map((r: Json) => r.RouteKey).sort();
    expect(keys).toEqual(
      [
        'GET /health',
        'GET /models',
        'GET /models/{name}/versions/{version}',
        'POST /feedback',
        'POST /log',
        'POST /predict',
        'PUT /models/{name}/versions/{version}',
      ].sort(),
    );
    expect(new Set(routes.map((r: Json) => r.AuthorizationType))).toEqual(new Set(['AWS_IAM']));
  });
});
