import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { FULL_OVERRIDES, SYNTH_TIMEOUT_MS, synthStack } from './synth.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
const NAMES = ['splitter', 'validator', 'aggregator', 'sweeper'] as const;
type Name = (typeof NAMES)[number];

function fnByName(t: Template, name: Name): [string, Resource] {
  const found = Object.entries(t.findResources('AWS::Lambda::Function', { Properties: { Description: `mirror-validate ${name}` } }));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

function byLogicalId(t: Template, type: string, re: RegExp): Resource {
  const found = Object.entries(t.findResources(type)).filter(([id]) => re.test(id));
  expect(found, `${type} matching ${re}`).toHaveLength(1);
  return found[0]![1] as Resource;
}

function esmFor(t: Template, fnId: string): Resource {
  const found = Object.values(t.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: { Ref: fnId } } }));
  expect(found).toHaveLength(1);
  return found[0] as Resource;
}

function statements(t: Template): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as Resource).Properties.PolicyDocument as { Statement: never[] },
  ).flatMap((d) => d.Statement);
}

function policyOf(t: Template, fnName: Name): string {
  const [, fn] = fnByName(t, fnName);
  const roleId = ((fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'])[0];
  const policies = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }));
  return JSON.stringify(policies.map((p) => (p as Resource).Properties.PolicyDocument));
}

describe.each([
  { label: 'defaults from cdk.json', overrides: {}, jobs: 10, batch: 5, timeout: 120, receives: 3, retention: 90 },
  { label: 'every option set', overrides: FULL_OVERRIDES, jobs: 50, batch: 10, timeout: 300, receives: 4, retention: 30 },
])('MirrorValidateStack: $label', ({ overrides, jobs, batch, timeout, receives, retention }) => {
  let t: Template;
  beforeAll(() => {
    t = synthStack(overrides).template;
  }, SYNTH_TIMEOUT_MS);

  it('runs every pipeline function on nodejs22.x arm64, bundled as ESM', () => {
    for (const name of NAMES) {
      const [, fn] = fnByName(t, name);
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    }
    expect(fnByName(t, 'validator')[1].Properties.Timeout).toBe(timeout);
  });

  it('gives the work queue a visibility timeout of at least 6x the validator timeout and a DLQ', () => {
    const work = byLogicalId(t, 'AWS::SQS::Queue', /^PipelineQueuesWork(?!Dlq)/);
    const validatorTimeout = fnByName(t, 'validator')[1].Properties.Timeout as number;
    expect(work.Properties.VisibilityTimeout as number).toBeGreaterThanOrEqual(6 * validatorTimeout);
    expect(work.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: receives });
    expect(work.Properties.SqsManagedSseEnabled).toBe(true);
    const dlq = byLogicalId(t, 'AWS::SQS::Queue', /^PipelineQueuesWorkDlq/);
    expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('maps the work queue to the validator with batchSize, maxConcurrency and partial batch failures', () => {
    const [id] = fnByName(t, 'validator');
    expect(esmFor(t, id).Properties).toMatchObject({
      BatchSize: batch,
      ScalingConfig: { MaximumConcurrency: jobs },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('sizes the aggregator and the sweeper to close a 1,000,000-line run: one vCPU, 15 minutes (BENCHMARKS.md)', () => {
    for (const name of ['aggregator', 'sweeper'] as const) {
      expect(fnByName(t, name)[1].Properties).toMatchObject({ MemorySize: 1769, Timeout: 900 });
    }
  });

  it('maps the progress queue to the aggregator in small-concurrency batches', () => {
    const [id] = fnByName(t, 'aggregator');
    expect(esmFor(t, id).Properties).toMatchObject({
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 10,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('encrypts the bucket, blocks public access, denies non-SSL and expires runs/', () => {
    const bucket = byLogicalId(t, 'AWS::S3::Bucket', /^PipelineStorageData/);
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { LogFilePrefix: 'data/' },
    });
    expect(bucket.Properties.LifecycleConfiguration).toMatchObject({
      Rules: expect.arrayContaining([expect.objectContaining({ Prefix: 'runs/', ExpirationInDays: retention, Status: 'Enabled' })]),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^PipelineStorageData') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]) },
    });
  });

  it('triggers the splitter on ObjectCreated under the input prefix only', () => {
    t.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [Match.objectLike({
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'lists/' }] } },
      })] },
    });
  });

  it('never grants s3:*, sqs:* or * actions, nor wildcard S3 actions', () => {
    const actions = statements(t).filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat());
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((a) => a === '*' || a === 's3:*' || a === 'sqs:*')).toEqual([]);
    expect(actions.filter((a) => a.startsWith('s3:') && a.includes('*'))).toEqual([]);
  });

  it('lets the validator read run records and write only line results and its cache', () => {
    const [, fn] = fnByName(t, 'validator');
    const roleId = ((fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'])[0];
    const s3 = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }))
      .flatMap((p) => ((p as Resource).Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:') && a !== 's3:ListBucket'))
      .map((s) => [[s.Action].flat().sort().join(','), JSON.stringify(s.Resource).replace(/.*"\/(.+)"\]\]\}"?$/, '$1')]);
    expect(s3.sort()).toEqual([
      ['s3:GetObject', 'runs/*/run.json'],
      ['s3:GetObject,s3:PutObject', 'cache/*'],
      ['s3:GetObject,s3:PutObject', 'runs/*/results/*'],
    ]);
  });

  it('scopes each function to its own prefixes', () => {
    expect(policyOf(t, 'splitter')).toContain('/lists/*');
    expect(policyOf(t, 'splitter')).not.toContain('/results/*');
    expect(policyOf(t, 'validator')).toContain('/cache/*');
    expect(policyOf(t, 'validator')).not.toContain('/lists/*');
    expect(policyOf(t, 'validator')).toContain('secretsmanager:GetSecretValue');
    expect(policyOf(t, 'splitter')).not.toContain('secretsmanager:');
    expect(policyOf(t, 'aggregator')).toContain('/results/*');
    expect(policyOf(t, 'aggregator')).toContain('events:PutEvents');
    expect(policyOf(t, 'sweeper')).toContain('events:PutEvents');
    expect(policyOf(t, 'sweeper')).toContain('sqs:ReceiveMessage');
  });

  it('sets the environment each handler reads', () => {
    const env = (name: Name) => (fnByName(t, name)[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const common = ['BUCKET', 'INPUT_PREFIX', 'ARCH', 'OS', 'DEFAULT_PROJECT', 'DEEP', 'ATTESTATIONS', 'SIGNATURES', 'MAX_RECEIVE_COUNT',
      'RUN_DEADLINE_MINUTES', 'EVENT_BUS_NAME', 'EVENT_SOURCE', 'POWERTOOLS_SERVICE_NAME'];
    for (const name of NAMES) expect(Object.keys(env(name))).toEqual(expect.arrayContaining(common));
    expect(Object.keys(env('splitter'))).toEqual(expect.arrayContaining(['QUEUE_URL', 'PROGRESS_QUEUE_URL']));
    expect(Object.keys(env('validator'))).toEqual(expect.arrayContaining(['ALLOWLIST', 'SECRET_ARN', 'PROGRESS_QUEUE_URL']));
    expect(Object.keys(env('sweeper'))).toEqual(expect.arrayContaining(['DLQ_URL', 'PROGRESS_QUEUE_URL']));
    expect(env('validator').ALLOWLIST).toContain('registry-1.docker.io');
    expect(env('validator').MAX_RECEIVE_COUNT).toBe(String(receives));
  });

  it('alarms on both dead-letter queues and on every function error', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold',
    });
    const errorAlarms = t.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Errors', Namespace: 'AWS/Lambda' } });
    expect(Object.keys(errorAlarms)).toHaveLength(4);
  });

  it('sweeps every 5 minutes through EventBridge Scheduler', () => {
    const [sweeperId] = fnByName(t, 'sweeper');
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] } }),
    });
  });
});

describe('MirrorValidateStack: optional parts', () => {
  let plain: Template;
  let full: Template;
  beforeAll(() => {
    plain = synthStack().template;
    full = synthStack(FULL_OVERRIDES).template;
  }, SYNTH_TIMEOUT_MS);

  it('creates schedules from context with their cron expression, time zone and input', () => {
    plain.resourceCountIs('AWS::Scheduler::Schedule', 1);
    full.resourceCountIs('AWS::Scheduler::Schedule', 3);
    const [splitterId] = fnByName(full, 'splitter');
    const nightly = Object.values(full.findResources('AWS::Scheduler::Schedule', {
      Properties: { ScheduleExpression: 'cron(0 2 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin' },
    })) as Resource[];
    expect(nightly).toHaveLength(1);
    const target = nightly[0]!.Properties.Target as { Arn: unknown; Input: unknown };
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [splitterId, 'Arn'] });
    // The input embeds the bucket name (a Ref), so CloudFormation joins it: check the parts.
    const input = JSON.stringify(target.Input);
    for (const part of ['\\"key\\":\\"lists/nightly.txt\\"', '\\"source\\":\\"schedule\\"', '\\"name\\":\\"nightly\\"', '{"Ref":"PipelineStorageData']) {
      expect(input).toContain(part);
    }
    full.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)' });
  });

  it('creates the credentials secret unless an existing one is named', () => {
    plain.resourceCountIs('AWS::SecretsManager::Secret', 1);
    full.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(policyOf(full, 'validator')).toContain(':secret:mirror-validate/creds');
  });

  it('grants ECR token and image reads only when ECR registries are configured', () => {
    expect(policyOf(plain, 'validator')).not.toContain('ecr:');
    expect(policyOf(full, 'validator')).toContain('ecr:GetAuthorizationToken');
    expect(policyOf(full, 'validator')).toContain(':ecr:eu-west-1:123456789012:repository/*');
  });

  it('adds an SSL-only topic with e-mail subscription, alarm actions and a completion rule', () => {
    plain.resourceCountIs('AWS::SNS::Topic', 0);
    full.resourceCountIs('AWS::SNS::Topic', 1);
    full.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    full.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    for (const alarm of Object.values(full.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as Resource).Properties.AlarmActions).toHaveLength(1);
    }
    full.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: 'mirror-events',
      EventPattern: { source: ['mirror-validate'], 'detail-type': ['Run Completed'] },
    });
  });

  it('passes run-setting defaults and the expanded allowlist', () => {
    const env = (fnByName(full, 'validator')[1].Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(env).toMatchObject({ SOURCE_REGISTRY: 'docker.io', DEST_REGISTRY: 'harbor.example.com', ARCH: 'amd64', DEEP: 'true' });
    expect(env.ALLOWLIST!.split(',')).toEqual(expect.arrayContaining(['harbor.example.com', '123456789012.dkr.ecr.eu-west-1.amazonaws.com']));
    const plainEnv = (fnByName(plain, 'validator')[1].Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(plainEnv.SOURCE_REGISTRY).toBeUndefined();
    expect(plainEnv.ARCH).toBe('amd64,arm64');
  });

  it('places only the validator in the VPC named by vpcId, with the given subnets and security groups', () => {
    const vpcConfig = (t: Template, name: Name) => fnByName(t, name)[1].Properties.VpcConfig;
    expect(vpcConfig(full, 'validator')).toEqual({
      SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'], SecurityGroupIds: ['sg-0ccccccccccccccc3'],
    });
    for (const name of ['splitter', 'aggregator', 'sweeper'] as const) expect(vpcConfig(full, name)).toBeUndefined();
    for (const name of NAMES) expect(vpcConfig(plain, name)).toBeUndefined();
    // Lambda manages the validator's network interfaces (its role is ours, so the grant is explicit).
    expect(policyOf(full, 'validator')).toContain('ec2:CreateNetworkInterface');
    expect(policyOf(plain, 'validator')).not.toContain('ec2:');
    expect(policyOf(full, 'splitter')).not.toContain('ec2:');
  });

  it('lets runs turn TLS verification off only when allowInsecureTls is set, and never allows loopback registries', () => {
    const env = (t: Template, name: Name) => (fnByName(t, name)[1].Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(env(full, 'splitter').ALLOW_INSECURE_TLS).toBe('true');
    expect(env(full, 'validator').ALLOW_INSECURE_TLS).toBe('true');
    expect(env(plain, 'splitter').ALLOW_INSECURE_TLS).toBeUndefined();
    expect(env(plain, 'validator').ALLOW_INSECURE_TLS).toBeUndefined();
    for (const t of [plain, full]) for (const name of NAMES) expect(env(t, name).ALLOW_LOOPBACK_REGISTRIES).toBeUndefined();
  });

  it('turns on X-Ray tracing only when asked', () => {
    expect(fnByName(full, 'validator')[1].Properties.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fnByName(plain, 'validator')[1].Properties.TracingConfig).toBeUndefined();
  });
});
