/**
 * What the monitor function needs to read connected sources in place: read-only access to exactly the
 * configured S3 bucket/prefix pairs, GetSecretValue on exactly the configured Postgres secrets, and
 * (optionally) a place in the VPC's subnets with a security group so it reaches RDS in a private subnet.
 */
import { Aws, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface S3SourceLocation {
  readonly bucket: string;
  /** Key prefix, '' or ending in '/'. */
  readonly prefix: string;
}

export interface SourceAccessConfig {
  /** Parquet datasets on S3 the monitor may read. @default none */
  readonly s3?: readonly S3SourceLocation[];
  /** Secrets Manager secret ARNs holding Postgres credentials. @default none */
  readonly secretArns?: readonly string[];
  /** Customer-managed KMS keys the secrets are encrypted with. @default none (the AWS-managed key) */
  readonly secretKeyArns?: readonly string[];
  /** Runs the monitor in these subnets with these security groups (to reach a private database). @default no VPC */
  readonly vpc?: { readonly subnetIds: readonly string[]; readonly securityGroupIds: readonly string[] };
}

export interface SourceAccessProps extends SourceAccessConfig {
  /** The monitor function (a lambda.Function, so its VPC configuration can be set). */
  readonly fn: IFunction;
}

const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export class SourceAccess extends Construct {
  constructor(scope: Construct, id: string, props: SourceAccessProps) {
    super(scope, id);
    const { fn } = props;
    const acknowledgements: { id: string; reason: string }[] = [];

    for (const { bucket, prefix } of props.s3 ?? []) {
      if (!BUCKET.test(bucket)) throw new Error(`SourceAccess: "${bucket}" is not an S3 bucket name`);
      if (prefix !== '' && !prefix.endsWith('/'))
        throw new Error(`SourceAccess: prefix "${prefix}" must end with "/"`);
      const bucketArn = `arn:${Aws.PARTITION}:s3:::${bucket}`;
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
        }),
      );
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bucketArn}/${prefix}*`] }),
      );
      acknowledgements.push({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${bucket}/${prefix}*]`,
        reason: `Read-only: the monitor reads the Parquet dataset the user connected, exactly s3://${bucket}/${prefix}, whose object names it cannot know in advance.`,
      });
    }

    const secrets = props.secretArns ?? [];
    for (const arn of secrets)
      if (!SECRET_ARN.test(arn)) throw new Error(`SourceAccess: "${arn}" is not a secret ARN`);
    if (secrets.length > 0)
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [...secrets] }),
      );
    if ((props.secretKeyArns ?? []).length > 0)
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [...(props.secretKeyArns ?? [])],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
        }),
      );

    if (props.vpc) {
      const { subnetIds, securityGroupIds } = props.vpc;
      if (subnetIds.length === 0 || securityGroupIds.length === 0)
        throw new Error('SourceAccess: a VPC needs at least one subnet and one security group');
      for (const s of subnetIds)
        if (!SUBNET.test(s)) throw new Error(`SourceAccess: "${s}" is not a subnet id`);
      for (const g of securityGroupIds)
        if (!SECURITY_GROUP.test(g)) throw new Error(`SourceAccess: "${g}" is not a security group id`);
      const cfn = fn.node.defaultChild as CfnFunction | undefined;
      if (!cfn) throw new Error('SourceAccess: the function must be a lambda.Function to join a VPC');
      cfn.vpcConfig = { subnetIds: [...subnetIds], securityGroupIds: [...securityGroupIds] };
      // What AWSLambdaVPCAccessExecutionRole grants, inline: Lambda manages the function's network interfaces.
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [
            'ec2:CreateNetworkInterface',
            'ec2:DescribeNetworkInterfaces',
            'ec2:DeleteNetworkInterface',
            'ec2:AssignPrivateIpAddresses',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: ['*'],
        }),
      );
      acknowledgements.push({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Lambda creates and deletes the network interfaces of a function in a VPC; these EC2 actions support no resource-level scoping.',
      });
    }
    if (acknowledgements.length > 0) Validations.of(fn).acknowledge(...acknowledgements);
  }
}

/** `s3://bucket/prefix` → a location (prefix normalised to end in '/'). */
export function s3SourceLocation(uri: string): S3SourceLocation {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri.trim());
  if (!m) throw new Error(`"${uri}" is not an s3:// URI`);
  const prefix = m[2] && !m[2].endsWith('/') ? `${m[2]}/` : m[2];
  return { bucket: m[1], prefix };
}
