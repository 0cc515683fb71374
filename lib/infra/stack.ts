/**
 * `MirrorValidateStack`: one serverless pipeline, configured from `cdk.json` context or props
 * (see `config.ts` for every key and default), with outputs for the operator.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { configFromContext, type PipelineConfig, type PipelineConfigInput } from './config.js';
import { MirrorValidatePipeline } from './pipeline-construct.js';

export interface MirrorValidateStackProps extends StackProps {
  /** Settings that win over context values. */
  readonly pipeline?: PipelineConfigInput;
  /** Repository root holding `lambdas/` (default: found from this module). */
  readonly repoRoot?: string;
}

export class MirrorValidateStack extends Stack {
  readonly config: PipelineConfig;
  readonly pipeline: MirrorValidatePipeline;

  constructor(scope: Construct, id: string, props: MirrorValidateStackProps = {}) {
    super(scope, id, props);
    // Server access logs are delivered under a bucket policy, not an ACL (works with BLOCK_ALL
    // and BucketOwnerEnforced); set here so the stack does not depend on cdk.json feature flags.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    this.config = configFromContext(this, props.pipeline);
    this.pipeline = new MirrorValidatePipeline(this, 'Pipeline', {
      config: this.config,
      ...(props.repoRoot ? { repoRoot: props.repoRoot } : {}),
    });
    const { bucket } = this.pipeline.storage;
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName, description: 'Bucket to drop lists into' });
    new CfnOutput(this, 'InputPrefix', { value: this.config.inputPrefix, description: 'Key prefix that starts a run' });
    new CfnOutput(this, 'QueueUrl', { value: this.pipeline.queues.work.queueUrl, description: 'Work queue' });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.pipeline.queues.dlq.queueUrl, description: 'Work DLQ' });
    new CfnOutput(this, 'SecretArn', {
      value: this.pipeline.credentials.secret.secretArn,
      description: 'Registry credentials secret',
    });
  }
}
