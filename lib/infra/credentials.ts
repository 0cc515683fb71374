/**
 * Registry credentials for the validator: a Secrets Manager secret holding
 * `{ "<registry>": { "username": "...", "password": "..." } }` (created empty unless `secretName`
 * names an existing one), and ECR access through `GetAuthorizationToken` for ECR registries.
 */
import { Aws, SecretValue } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResource } from './nag.js';

export interface RegistryCredentialsProps {
  /** Existing secret to use instead of creating one. */
  readonly secretName?: string;
}

export class RegistryCredentials extends Construct {
  readonly secret: ISecret;

  constructor(scope: Construct, id: string, props: RegistryCredentialsProps) {
    super(scope, id);
    if (props.secretName !== undefined) {
      this.secret = Secret.fromSecretNameV2(this, 'Secret', props.secretName);
      return;
    }
    const secret = new Secret(this, 'Secret', {
      description: 'mirror-validate registry credentials: {"<registry>": {"username": "...", "password": "..."}}',
      // Not a secret: an empty JSON object that operators fill with `put-secret-value`.
      secretStringValue: SecretValue.unsafePlainText('{}'),
    });
    acknowledge(secret, 'AwsSolutions-SMG4',
      'Registry credentials are issued and rotated by the registry owners; there is no rotation API the stack could call. Operators update the secret value when the registry rotates them.');
    this.secret = secret;
  }

  /** Grants the role read access to the secret. */
  grantRead(role: IRole): void {
    this.secret.grantRead(role);
  }
}

/** `{ account, region }` of an ECR registry host. */
export function ecrLocation(host: string): { account: string; region: string } {
  const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (!m?.[1] || !m[2]) throw new Error(`not an ECR registry host: ${host}`);
  return { account: m[1], region: m[2] };
}

/**
 * Lets `role` read images from the ECR registries: `GetAuthorizationToken` (resource `*` only)
 * and the three read actions the registry API needs, on the repositories of each registry.
 */
export function grantEcrRead(role: IRole, ecrRegistries: readonly string[]): void {
  if (ecrRegistries.length === 0) return;
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
    'ecr:GetAuthorizationToken does not support resource-level permissions; image reads are limited to the configured registries separately.');
  for (const host of ecrRegistries) {
    const { account, region } = ecrLocation(host);
    const arn = `arn:${Aws.PARTITION}:ecr:${region}:${account}:repository/*`;
    role.addToPrincipalPolicy(new PolicyStatement({
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      resources: [arn],
    }));
    acknowledgeWildcardResource(role, arn,
      `The validator checks arbitrary repositories of the configured ECR registry ${host}; read-only actions.`);
  }
}
