/**
 * cdk-nag AwsSolutions findings Vigil accepts, each on the narrowest construct and with its reason.
 * Anything not listed here fails the synth and test/infra/nag.test.ts.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { DataExportNames } from './data-exports.ts';
import type { ServiceStack } from './stacks/service-stack.ts';

const BASIC_EXECUTION_ROLE =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

function objectsUnder(names: DataExportNames, prefix: string): string {
  return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${names.bucketName}/${prefix}*]`;
}

function acknowledgeFunction(fn: IConstruct): void {
  Validations.of(fn).acknowledge(
    {
      id: BASIC_EXECUTION_ROLE,
      reason: 'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs.',
    },
    {
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime Vigil is built and tested on; the layers are built for it.',
    },
  );
}

export function acknowledgeServiceFindings(service: ServiceStack, names: DataExportNames): void {
  const prefixReason = (what: string) =>
    `Object ARNs under one key prefix need a trailing wildcard; ${what} is scoped to that prefix only.`;
  for (const fn of [service.predict, service.log, service.feedback, service.monitor, service.notifySlack]) {
    if (fn) acknowledgeFunction(fn);
  }
  Validations.of(service.predict).acknowledge({
    id: objectsUnder(names, 'predictions/'),
    reason: prefixReason('PutObject of prediction records'),
  });
  Validations.of(service.log).acknowledge(
    { id: objectsUnder(names, 'predictions/'), reason: prefixReason('PutObject of logged records (direct)') },
    { id: objectsUnder(names, 'models/'), reason: prefixReason('reading and writing model versions') },
  );
  if (service.delivery) {
    Validations.of(service.delivery.role).acknowledge(
      ...['predictions/', 'delivery-errors/'].map((prefix) => ({
        id: objectsUnder(names, prefix),
        reason: prefixReason('Firehose delivery of Parquet objects (and of records it could not convert)'),
      })),
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'Encrypting the stream buffer needs GenerateDataKey variants, on the stream key only.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: 'Granted by Key.grantEncryptDecrypt for the stream key only; no other key is reachable.',
      },
    );
  }
  Validations.of(service.feedback).acknowledge({
    id: objectsUnder(names, 'actuals/'),
    reason: prefixReason('PutObject of ground-truth labels'),
  });
  Validations.of(service.monitor).acknowledge(
    ...['predictions/', 'actuals/', 'baselines/', 'reports/', 'state/', 'models/'].map((prefix) => ({
      id: objectsUnder(names, prefix),
      reason: prefixReason(`the monitor's read (and, for reports/ and state/, write) access`),
    })),
    {
      id: objectsUnder(names, 'athena-results/'),
      reason: prefixReason("Athena's query results, written and read with the monitor's credentials"),
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'Publishing to the SSE-KMS topic needs GenerateDataKey variants, on the topic key only.',
    },
  );
}
