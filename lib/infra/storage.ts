/**
 * The pipeline bucket and its access-log bucket.
 *
 * Layout of the data bucket: `<inputPrefix>` lists dropped by users (default `lists/`),
 * `runs/<runId>/` history of every run, `results/<list name>/` the newest result of each list,
 * `cache/` content-addressed manifest cache.
 *
 * Versioning is off on purpose: the pipeline rewrites objects idempotently (per-line results,
 * the stable `results/` copy), so versions would keep every rewrite of hundreds of thousands of
 * small objects per night and multiply storage and request costs; the lists themselves are
 * inputs whose source of truth lives with the teams that drop them.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { KEY_PREFIXES } from './config.js';

export interface PipelineStorageProps {
  /** Days after which `runs/` objects (and access logs) expire. */
  readonly runsRetentionDays: number;
  /** Days after which `cache/` objects expire (they are re-fetched on demand). Default 30. */
  readonly cacheRetentionDays?: number;
}

/** Encrypted, SSL-only, private bucket with lifecycle rules and server access logging. */
export class PipelineStorage extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: PipelineStorageProps) {
    super(scope, id);
    const secure = {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
    };
    this.logBucket = new Bucket(this, 'AccessLogs', {
      ...secure,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(props.runsRetentionDays) }],
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket of the pipeline bucket; logging it to itself would loop.',
    });
    this.bucket = new Bucket(this, 'Data', {
      ...secure,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'data/',
      lifecycleRules: [
        { id: 'expire-runs', prefix: KEY_PREFIXES.runs, expiration: Duration.days(props.runsRetentionDays) },
        { id: 'expire-cache', prefix: KEY_PREFIXES.cache, expiration: Duration.days(props.cacheRetentionDays ?? 30) },
        { id: 'abort-multipart', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });
  }
}
