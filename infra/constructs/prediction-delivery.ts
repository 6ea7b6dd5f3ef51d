/**
 * The prediction log's buffered delivery: a Firehose Direct PUT stream that turns JSON records into
 * Parquet with the Glue table's schema and writes them, partitioned by model, version, date and hour,
 * into the same Hive layout the direct writes use. Alarms on delivery failures and data freshness.
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, LogStream, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Where Firehose writes: the log's Hive layout, and records it could not convert or partition. */
export const DELIVERY_PREFIX =
  'predictions/model=!{partitionKeyFromQuery:model}/version=!{partitionKeyFromQuery:version}/' +
  'date=!{partitionKeyFromQuery:date}/hour=!{partitionKeyFromQuery:hour}/';
export const DELIVERY_ERROR_PREFIX = 'delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/';

/** JQ over each JSON record (functions/adapters/firehose-log.ts): timestamps are epoch milliseconds, UTC. */
export const PARTITION_QUERY =
  '{model: .model_name, version: .model_version, ' +
  'date: (.timestamp / 1000 | floor | strftime("%Y-%m-%d")), hour: (.timestamp / 1000 | floor | strftime("%H"))}';

export interface PredictionDeliveryProps {
  readonly bucket: IBucket;
  readonly glueDatabaseName: string;
  /** @default 'predictions' */
  readonly glueTableName?: string;
  /** 64-128; record format conversion needs at least 64 MiB. */
  readonly bufferSizeMb: number;
  /** 60-900 seconds. */
  readonly bufferIntervalSeconds: number;
  readonly alarmTopic: ITopic;
}

export class PredictionDelivery extends Construct {
  readonly stream: CfnDeliveryStream;
  readonly key: Key;
  readonly role: Role;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: PredictionDeliveryProps) {
    super(scope, id);
    const { bufferSizeMb, bufferIntervalSeconds } = props;
    if (bufferSizeMb < 64 || bufferSizeMb > 128) throw new Error('bufferSizeMb must be in [64, 128]');
    if (bufferIntervalSeconds < 60 || bufferIntervalSeconds > 900) {
      throw new Error('bufferIntervalSeconds must be in [60, 900]');
    }
    const table = props.glueTableName ?? 'predictions';
    const stack = Stack.of(this);

    this.key = new Key(this, 'StreamKey', {
      description: 'Encrypts prediction records buffered in the Vigil delivery stream',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logGroup = new LogGroup(this, 'DeliveryLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = new LogStream(this, 'S3Delivery', { logGroup, removalPolicy: RemovalPolicy.DESTROY });

    this.role = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Firehose: read the Glue schema, write Parquet under predictions/ and delivery-errors/',
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: [
          's3:AbortMultipartUpload',
          's3:GetBucketLocation',
          's3:ListBucket',
          's3:ListBucketMultipartUploads',
        ],
        resources: [props.bucket.bucketArn],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: [
          props.bucket.arnForObjects('predictions/*'),
          props.bucket.arnForObjects('delivery-errors/*'),
        ],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.glueDatabaseName }),
          stack.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${props.glueDatabaseName}/${table}`,
          }),
        ],
      }),
    );
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );

    this.stream = new CfnDeliveryStream(this, 'Stream', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: {
        keyType: 'CUSTOMER_MANAGED_CMK',
        keyArn: this.key.keyArn,
      },
      extendedS3DestinationConfiguration: {
        bucketArn: props.bucket.bucketArn,
        roleArn: this.role.roleArn,
        prefix: DELIVERY_PREFIX,
        errorOutputPrefix: DELIVERY_ERROR_PREFIX,
        // Readers list `*.parquet`; Firehose names objects without an extension unless told.
        fileExtension: '.parquet',
        bufferingHints: { sizeInMBs: bufferSizeMb, intervalInSeconds: bufferIntervalSeconds },
        // Parquet pages carry their own (Snappy) compression; format conversion requires UNCOMPRESSED here.
        compressionFormat: 'UNCOMPRESSED',
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { hiveJsonSerDe: { timestampFormats: ['millis'] } } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
          schemaConfiguration: {
            catalogId: Aws.ACCOUNT_ID,
            databaseName: props.glueDatabaseName,
            tableName: table,
            region: Aws.REGION,
            roleArn: this.role.roleArn,
            versionId: 'LATEST',
          },
        },
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: PARTITION_QUERY },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
          ],
        },
      },
    });
    // The role's policy must exist before Firehose first assumes it to validate the destination.
    this.stream.node.addDependency(this.role);
    this.key.grantEncryptDecrypt(this.role);

    const action = new SnsAction(props.alarmTopic);
    const metric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/Firehose',
        metricName,
        dimensionsMap: { DeliveryStreamName: this.stream.ref },
        statistic,
        period: Duration.minutes(5),
      });
    const alarm = (name: string, props2: ConstructorParameters<typeof Alarm>[2]) => {
      const a = new Alarm(this, name, props2);
      a.addAlarmAction(action);
      this.alarms.push(a);
    };
    alarm('DeliveryFailures', {
      alarmDescription: 'Firehose could not deliver records to S3 (DeliveryToS3.Success below 1)',
      metric: metric('DeliveryToS3.Success', 'Minimum'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('ConversionFailures', {
      alarmDescription: 'Records failed Parquet conversion and went to delivery-errors/',
      metric: metric('FailedConversion.Records', 'Sum'),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('DataFreshness', {
      alarmDescription: 'The oldest record in the stream is older than two buffer intervals plus 5 minutes',
      metric: metric('DeliveryToS3.DataFreshness', 'Maximum'),
      threshold: 2 * bufferIntervalSeconds + 300,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  get streamName(): string {
    return this.stream.ref;
  }

  get streamArn(): string {
    return this.stream.attrArn;
  }

  /** firehose:PutRecordBatch on this stream only. */
  grantPutRecords(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['firehose:PutRecordBatch'], resources: [this.streamArn] }),
    );
  }
}
