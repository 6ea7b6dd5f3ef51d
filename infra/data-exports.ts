/**
 * Named CloudFormation exports of DataStack that ServiceStack imports. Named (not generated) exports keep
 * the stacks decoupled and make cdk-nag finding ids readable and stable.
 */
import { Fn } from 'aws-cdk-lib';

export interface DataExportNames {
  readonly bucketName: string;
  readonly topicArn: string;
  readonly topicKeyArn: string;
  readonly slackWebhookSecretArn: string;
}

export function dataExportNames(stackPrefix: string): DataExportNames {
  return {
    bucketName: `${stackPrefix}-BucketName`,
    topicArn: `${stackPrefix}-TopicArn`,
    topicKeyArn: `${stackPrefix}-TopicKeyArn`,
    slackWebhookSecretArn: `${stackPrefix}-SlackWebhookSecretArn`,
  };
}

/** The imported values, as tokens of the consuming stack. */
export function importDataExports(names: DataExportNames, slack: boolean) {
  return {
    bucketName: Fn.importValue(names.bucketName),
    topicArn: Fn.importValue(names.topicArn),
    topicKeyArn: Fn.importValue(names.topicKeyArn),
    slackWebhookSecretArn: slack ? Fn.importValue(names.slackWebhookSecretArn) : undefined,
  };
}
