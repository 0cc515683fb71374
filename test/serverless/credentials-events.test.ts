import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { createSecretCredentials, parseCredentialsSecret } from '../../lib/serverless/credentials.js';
import { putCompletionEvent, RUN_COMPLETED_DETAIL_TYPE, type CompletionDetail } from '../../lib/serverless/events.js';
import { RUN_COMPLETED } from '../../lib/infra/notifications.js';

const sm = mockClient(SecretsManagerClient);
const ecr = mockClient(ECRClient);
const eb = mockClient(EventBridgeClient);
beforeEach(() => {
  sm.reset();
  ecr.reset();
  eb.reset();
});

const ECR_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

function creds(secret: unknown, now = () => 0) {
  sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(secret) });
  return createSecretCredentials({
    secretId: 'arn:secret', secrets: new SecretsManagerClient({ region: 'us-east-1' }), ecr: (region) => new ECRClient({ region }), now,
  });
}

describe('secret and ECR credentials', () => {
  it('maps the side pairs, then registry entries (with docker.io aliases), then anonymous', async () => {
    const c = creds({ DEST_USERNAME: 'd', DEST_PASSWORD: 'dp', 'index.docker.io': { username: 'hub', password: 'hp' } });
    expect(await c.destination('quay.io')).toEqual({ username: 'd', password: 'dp' });
    expect(await c.source('docker.io')).toEqual({ username: 'hub', password: 'hp' });
    expect(await c.source('quay.io')).toBeUndefined();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('re-reads the secret after its time to live', async () => {
    let t = 0;
    const c = creds({}, () => t);
    await c.source('a.io');
    t = 16 * 60_000;
    await c.source('a.io');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('uses an ECR token for ECR hosts, cached until shortly before it expires', async () => {
    let t = 0;
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [{ authorizationToken: Buffer.from('AWS:tok').toString('base64'), expiresAt: new Date(12 * 3_600_000) }],
    });
    const c = creds({}, () => t);
    expect(await c.destination(ECR_HOST)).toEqual({ username: 'AWS', password: 'tok' });
    await c.destination(ECR_HOST);
    expect(ecr.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(1);
    t = 11 * 3_600_000;
    await c.destination(ECR_HOST);
    expect(ecr.commandCalls(GetAuthorizationTokenCommand)).toHaveLength(2);
  });

  it.each([
    ['not json', /not valid JSON/],
    ['[]', /must be a JSON object/],
    ['{"SOURCE_USERNAME":"u"}', /both SOURCE_USERNAME and SOURCE_PASSWORD/],
    ['{"r.io":{"username":"u"}}', /entry "r.io" must be/],
  ])('rejects the secret %s without echoing values', (text, message) => {
    expect(() => parseCredentialsSecret(text)).toThrow(message);
  });

  it('never puts a secret value into the error of an unreadable secret', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('denied hunter2'), { name: 'AccessDeniedException' }));
    const c = createSecretCredentials({ secretId: 's', secrets: new SecretsManagerClient({ region: 'us-east-1' }) });
    const err = await c.source('a.io').catch((e: Error) => e);
    expect((err as Error).message).toBe('cannot read the credentials secret: AccessDeniedException');
  });
});

describe('completion event', () => {
  const detail = { runId: 'r1', list: 'nightly.txt', outcome: 'failed', bucket: 'b', runPrefix: 'runs/r1/', resultsPrefix: 'results/nightly.txt/' } as unknown as CompletionDetail;
  const target = { client: new EventBridgeClient({ region: 'us-east-1' }), busName: 'bus', source: 'mirror-validate' };

  it('uses the detail-type the stack rule matches', async () => {
    expect(RUN_COMPLETED_DETAIL_TYPE).toBe(RUN_COMPLETED);
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    await putCompletionEvent(target, detail);
    const entry = eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({ EventBusName: 'bus', Source: 'mirror-validate', DetailType: 'Run Completed' });
    expect(JSON.parse(entry.Detail!)).toEqual(detail);
  });

  it('fails when EventBridge rejects the entry', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    await expect(putCompletionEvent(target, detail)).rejects.toMatchObject({ code: 'EVENT', message: expect.stringContaining('InternalFailure') });
  });
});
