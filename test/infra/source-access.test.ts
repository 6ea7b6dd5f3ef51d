/**
 * Connected sources on AWS: the monitor function reads exactly the configured S3 bucket/prefix and
 * Postgres secrets, joins the configured subnets with the security group, and cdk-nag stays clean.
 */
import { rmSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { SourceAccess } from '../../infra/constructs/source-access.ts';
import { DeployConfigError, readDeployConfig } from '../../infra/deploy-config.ts';
import { buildFixtureApp } from './synth-fixture.ts';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds/reviews-AbCdEf';
const CONTEXT = {
  sourceS3Uris: 's3://user-lake/exports/reviews',
  sourceSecretArns: SECRET,
  sourceSubnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
  sourceSecurityGroupIds: 'sg-0123456789abcdef0',
};

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: unknown;
}

/** Every statement of the monitor role's policies. */
function monitorStatements(service: Template): Statement[] {
  const policies = service.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes('Monitor'))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}

function monitorOf(service: Template): { id: string; props: Record<string, unknown> } {
  const fns = service.findResources('AWS::Lambda::Function', {
    Properties: { Description: 'Vigil scheduled monitoring run, one per model version' },
  });
  const [id] = Object.keys(fns);
  return { id, props: fns[id].Properties };
}

describe('SourceAccess in the Vigil app', () => {
  it('grants read of exactly the configured prefix and secret, puts the monitor in the VPC, and passes cdk-nag', () => {
    // Prepare + Act
    const { app, stacks } = buildFixtureApp(CONTEXT);
    const service = Template.fromStack(stacks.service);

    // Assess
    const monitor = monitorOf(service);
    expect(monitor.props.VpcConfig).toEqual({
      SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      SecurityGroupIds: ['sg-0123456789abcdef0'],
    });
    const statements = monitorStatements(service);
    const lakeArn = (suffix: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::user-lake${suffix}`]],
    });
    expect(statements).toContainEqual({
      Action: 's3:ListBucket',
      Condition: { StringLike: { 's3:prefix': ['exports/reviews/*'] } },
      Effect: 'Allow',
      Resource: lakeArn(''),
    });
    const getObject = statements.find(
      (st) =>
        [st.Action].flat().includes('s3:GetObject') && JSON.stringify(st.Resource).includes('user-lake'),
    );
    expect([getObject?.Action].flat()).toEqual(['s3:GetObject']);
    expect([getObject?.Resource].flat()).toContainEqual(lakeArn('/exports/reviews/*'));
    expect(statements).toContainEqual({
      Action: 'secretsmanager:GetSecretValue',
      Effect: 'Allow',
      Resource: SECRET,
    });
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['ec2:CreateNetworkInterface']),
        Resource: '*',
      }),
    );
    // Nothing else reads the user's data: no other function gets these grants.
    const policies = JSON.stringify(service.findResources('AWS::IAM::Policy'));
    expect(policies.match(/user-lake/g)).toHaveLength(2);
    expect(new AwsSolutionsChecks(app).validateScope(app).violations).toEqual([]);
    rmSync(app.outdir, { recursive: true, force: true });
  });

  it('adds nothing without source context', () => {
    const { app, stacks } = buildFixtureApp({});
    const service = Template.fromStack(stacks.service);
    expect(monitorOf(service).props.VpcConfig).toBeUndefined();
    expect(JSON.stringify(monitorStatements(service))).not.toMatch(
      /secretsmanager:GetSecretValue|ec2:CreateNetworkInterface/,
    );
    rmSync(app.outdir, { recursive: true, force: true });
  });

  it('refuses bad context values, naming the key', () => {
    const read = (context: Record<string, string>) => readDeployConfig(new App({ context }).node);
    expect(() => read({ sourceSubnetIds: 'subnet-0123456789abcdef0' })).toThrow(DeployConfigError);
    expect(() => read({ sourceSubnetIds: 'subnet-0123456789abcdef0' })).toThrow(
      'sourceSubnetIds and sourceSecurityGroupIds go together',
    );
    expect(() => read({ sourceSecretArns: 'my-secret' })).toThrow('context value "sourceSecretArns"');
    expect(() => read({ sourceS3Uris: 'https://x/y' })).toThrow('context value "sourceS3Uris"');
    expect(read(CONTEXT).sourceAccess).toEqual({
      s3: [{ bucket: 'user-lake', prefix: 'exports/reviews/' }],
      secretArns: [SECRET],
      secretKeyArns: [],
      vpc: {
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
        securityGroupIds: ['sg-0123456789abcdef0'],
      },
    });
  });

  it('refuses a function it cannot place in a VPC and malformed ids', () => {
    const stack = new Stack(new App(), 'Probe');
    const fn = new LambdaFunction(stack, 'Fn', {
      runtime: Runtime.NODEJS_22_X,
      handler: 'i.h',
      code: Code.fromInline('x'),
    });
    expect(
      () =>
        new SourceAccess(stack, 'A', {
          fn,
          vpc: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-0123456789abcdef0'] },
        }),
    ).toThrow('is not a subnet id');
    expect(() => new SourceAccess(stack, 'B', { fn, s3: [{ bucket: 'Bad_Bucket', prefix: '' }] })).toThrow(
      'not an S3 bucket name',
    );
  });
});
