/**
 * Least-privilege grants of the pipeline functions: explicit S3 actions on the key prefixes
 * each function owns (never `s3:*`), with the IAM5 prefix wildcards acknowledged per finding.
 */
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { acknowledgeWildcardResource } from './nag.js';

/** Object-level S3 actions a function may hold on a prefix. */
export type ObjectAction = 's3:GetObject' | 's3:PutObject' | 's3:DeleteObject' | 's3:AbortMultipartUpload';

/**
 * Grants `actions` on the objects under `prefix` and acknowledges the resulting
 * `<bucket>/<prefix>*` wildcard finding on the role.
 */
export function allowObjects(role: IRole, bucket: IBucket, prefix: string, actions: readonly ObjectAction[]): void {
  allowKeys(role, bucket, `${prefix}*`, actions);
}

/**
 * Grants `actions` on the objects whose keys match `pattern` (with `*` wildcards, e.g. the line
 * results of every run) and acknowledges that wildcard finding on the role.
 */
export function allowKeys(role: IRole, bucket: IBucket, pattern: string, actions: readonly ObjectAction[]): void {
  const arn = bucket.arnForObjects(pattern);
  role.addToPrincipalPolicy(new PolicyStatement({ actions: [...actions], resources: [arn] }));
  acknowledgeWildcardResource(role, arn,
    `Object access is limited to keys matching "${pattern}", which this function reads or writes; the wildcards stand for list and run names created at run time, so the keys cannot be enumerated.`);
}

/**
 * Grants `s3:ListBucket` on the bucket itself (no wildcard). Also needed so that reading a missing
 * key answers 404 rather than 403, which the object-store adapters rely on.
 */
export function allowList(role: IRole, bucket: IBucket): void {
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
}
