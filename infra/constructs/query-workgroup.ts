/**
 * The Athena workgroup the monitor queries the prediction log in: results encrypted under one prefix of
 * the data bucket, a per-query cutoff of bytes scanned, settings enforced on every query. The grant gives a
 * function exactly what its queries need: the workgroup, the Glue table, the log's and the results' prefix.
 */
import { Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export const ATHENA_RESULTS_PREFIX = 'athena-results/';

export interface QueryWorkgroupProps {
  readonly workgroupName: string;
  readonly bucket: IBucket;
  readonly glueDatabaseName: string;
  /** @default 'predictions' */
  readonly glueTableName?: string;
  /** Queries scanning more are cancelled by Athena (at least 10 MiB). */
  readonly bytesScannedCutoffPerQuery: number;
  /** Key prefix the queries read. @default 'predictions/' */
  readonly logPrefix?: string;
}

export class QueryWorkgroup extends Construct {
  readonly workgroup: CfnWorkGroup;
  readonly workgroupName: string;
  private readonly props: QueryWorkgroupProps;

  constructor(scope: Construct, id: string, props: QueryWorkgroupProps) {
    super(scope, id);
    if (props.bytesScannedCutoffPerQuery < 10 * 1024 * 1024) {
      throw new Error('bytesScannedCutoffPerQuery must be at least 10 MiB (Athena minimum)');
    }
    this.props = props;
    this.workgroupName = props.workgroupName;
    this.workgroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: props.workgroupName,
      description: 'Vigil monitoring queries over the prediction log',
      // Deleting the stack removes the workgroup even with saved query history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }

  /** What a function running the monitoring queries needs, and nothing more. */
  grantQuery(grantee: IGrantable): void {
    const { bucket, glueDatabaseName } = this.props;
    const table = this.props.glueTableName ?? 'predictions';
    const logPrefix = this.props.logPrefix ?? 'predictions/';
    const stack = Stack.of(this);
    const add = (s: PolicyStatement) => grantee.grantPrincipal.addToPrincipalPolicy(s);
    add(
      new PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        resources: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workgroupName }),
        ],
      }),
    );
    add(
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: glueDatabaseName }),
          stack.formatArn({
            service: 'glue',
            resource: 'table',
            resourceName: `${glueDatabaseName}/${table}`,
          }),
        ],
      }),
    );
    // Athena reads and writes S3 with the caller's credentials.
    add(new PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [bucket.bucketArn] }));
    add(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${logPrefix}*`, `${ATHENA_RESULTS_PREFIX}*`] } },
      }),
    );
    add(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${logPrefix}*`)],
      }),
    );
    add(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [bucket.arnForObjects(`${ATHENA_RESULTS_PREFIX}*`)],
      }),
    );
  }
}
