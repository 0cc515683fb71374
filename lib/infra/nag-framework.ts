/**
 * Acknowledgements for resources that aws-cdk-lib creates on our behalf and that we cannot
 * configure: the singleton Lambda that installs S3 bucket notifications.
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { acknowledge } from './nag.js';

/** Acknowledges the findings of CDK's `BucketNotificationsHandler` singleton in `scope`'s stack. */
export function acknowledgeBucketNotificationsHandler(scope: IConstruct): void {
  const stack = Stack.of(scope);
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    acknowledge(child, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK-managed custom resource that installs the bucket notification at deploy time; its role is not configurable and only writes its own logs.');
  }
}
