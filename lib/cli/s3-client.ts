/**
 * The S3 client of the cloud subcommands. Credentials and region come from the standard AWS
 * SDK chain (environment, shared config and credentials files, SSO, instance/container roles);
 * `--endpoint` points it at an S3-compatible store, with path-style addressing and checksums
 * only where required (what such stores, and s3rver in the tests, understand).
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { BucketConfig } from './remote-options.js';

/** A client for `cfg`; `env` supplies static credentials when it has both AWS key variables. */
export function s3ClientFor(cfg: BucketConfig, env: NodeJS.ProcessEnv, debug?: (line: string) => void): S3Client {
  const region = cfg.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (cfg.endpoint ? 'us-east-1' : undefined);
  const config: S3ClientConfig = {
    ...(region ? { region } : {}),
    ...(cfg.endpoint ? {
      endpoint: cfg.endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    } : {}),
    ...(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? {
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      },
    } : {}),
  };
  const client = new S3Client(config);
  if (debug) {
    client.middlewareStack.add((next, context) => async (args) => {
      const input = args.input as { Key?: string; Prefix?: string };
      debug(`s3 ${context.commandName ?? 'request'} ${input.Key ?? input.Prefix ?? ''}`);
      return next(args);
    }, { step: 'initialize', name: 'mirrorValidateDebug' });
  }
  return client;
}
