/**
 * The stateful half: the prediction-log bucket, the alert topic and its key, the Slack webhook secret and
 * the Glue tables. Kept apart from the compute so redeploying or deleting functions never touches data.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { PredictionLogTables } from '../constructs/prediction-log-tables.ts';
import type { DataExportNames } from '../data-exports.ts';

export interface DataStackProps extends StackProps {
  /** Days before reports/ objects expire. */
  readonly reportRetentionDays: number;
  /** Days a replaced or deleted object version (e.g. a compacted part file) is kept. */
  readonly noncurrentVersionDays: number;
  /** @default - no email subscription */
  readonly alertEmail?: string;
  /** Use an existing secret (by name) for the Slack webhook URL. @default - a new secret */
  readonly slackWebhookSecretName?: string;
  /** False: no Slack secret at all. */
  readonly slack: boolean;
  readonly glueDatabaseName: string;
  readonly exportNames: DataExportNames;
}

export class DataStack extends Stack {
  readonly bucket: Bucket;
  readonly topic: Topic;
  readonly slackWebhookSecret?: ISecret;
  readonly tables: PredictionLogTables;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);

    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log target bucket; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'LogBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versions protect the log from an overwrite or delete by mistake; old ones expire below.
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'log-bucket/',
      lifecycleRules: [
        { id: 'expire-reports', prefix: 'reports/', expiration: Duration.days(props.reportRetentionDays) },
        // Athena's result files are read once by the run that asked for them.
        { id: 'expire-athena-results', prefix: 'athena-results/', expiration: Duration.days(7) },
        {
          id: 'expire-replaced-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // The prediction log outlives every stack: deleting the stack orphans, never empties, the bucket.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the Vigil alert topic',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms publish to the encrypted topic only if the key lets them.
    topicKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.topic = new Topic(this, 'Alerts', {
      displayName: 'Vigil alerts',
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (props.alertEmail) this.topic.addSubscription(new EmailSubscription(props.alertEmail));

    if (props.slack) {
      this.slackWebhookSecret = props.slackWebhookSecretName
        ? Secret.fromSecretNameV2(this, 'SlackWebhook', props.slackWebhookSecretName)
        : new Secret(this, 'SlackWebhook', {
            description: 'Slack incoming-webhook URL for Vigil alerts; put the real URL here after deploy',
          });
      if (this.slackWebhookSecret instanceof Secret) {
        Validations.of(this.slackWebhookSecret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason:
            'A Slack webhook URL is issued by Slack and cannot be rotated by a Lambda; replace it in Slack.',
        });
      }
    }

    this.tables = new PredictionLogTables(this, 'Tables', {
      bucket: this.bucket,
      databaseName: props.glueDatabaseName,
    });

    const names = props.exportNames;
    new CfnOutput(this, 'BucketName', {
      value: this.bucket.bucketName,
      exportName: names.bucketName,
      description: 'Prediction log bucket',
    });
    new CfnOutput(this, 'TopicArn', {
      value: this.topic.topicArn,
      exportName: names.topicArn,
      description: 'Alert topic',
    });
    new CfnOutput(this, 'TopicKeyArn', { value: topicKey.keyArn, exportName: names.topicKeyArn });
    new CfnOutput(this, 'GlueDatabase', { value: props.glueDatabaseName, description: 'Athena database' });
    if (this.slackWebhookSecret) {
      new CfnOutput(this, 'SlackWebhookSecretArn', {
        value: this.slackWebhookSecret.secretArn,
        exportName: names.slackWebhookSecretArn,
        description: 'Put the Slack incoming-webhook URL into this secret',
      });
    }
  }
}
