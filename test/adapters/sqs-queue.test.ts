import { describe, expect, it, beforeEach } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient,
} from '@aws-sdk/client-sqs';
import { SqsWorkQueue, fromSqsRecord, jsonOrText, packBatches, SQS_MAX_BATCH_BYTES, type SqsQueueOptions } from '../../lib/adapters/aws/sqs-queue.js';
import { AdapterError } from '../../lib/adapters/errors.js';

const sqs = mockClient(SQSClient);
const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/work';

function queue(extra: Partial<SqsQueueOptions<{ n: number; pad?: string }>> = {}) {
  return new SqsWorkQueue<{ n: number; pad?: string }>({ queueUrl: url, client: new SQSClient({ region: 'eu-west-1' }), retryDelayMs: 0, ...extra });
}

beforeEach(() => sqs.reset());

describe('packBatches', () => {
  it('puts at most 10 entries in a batch', () => {
    const batches = packBatches(Array.from({ length: 25 }, (_, i) => `m${i}`));
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((e) => e.Id)).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
  });

  it('keeps every batch within the 1 MiB payload limit', () => {
    const big = 'x'.repeat(300 * 1024);
    const batches = packBatches([big, big, big, big, big]);
    for (const b of batches) {
      expect(b.reduce((n, e) => n + Buffer.byteLength(e.MessageBody!), 0)).toBeLessThanOrEqual(SQS_MAX_BATCH_BYTES);
    }
    expect(batches.map((b) => b.length)).toEqual([3, 2]);
  });

  it('refuses a single message over the limit', () => {
    expect(() => packBatches(['y'.repeat(SQS_MAX_BATCH_BYTES + 1)])).toThrow(AdapterError);
  });
});

describe('SqsWorkQueue.send', () => {
  it('sends every body once, in batches of at most 10', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await queue().send(Array.from({ length: 23 }, (_, n) => ({ n })));
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length).sort()).toEqual([10, 10, 3].sort());
    const sent = calls.flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!).n));
    expect(sent.sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, n) => n));
    expect(calls.every((c) => c.args[0].input.QueueUrl === url)).toBe(true);
  });

  it('retries only the entries listed in Failed', async () => {
    sqs.on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '3', SenderFault: false, Code: 'InternalError' }, { Id: '7', SenderFault: false, Code: 'InternalError' }] })
      .resolves({ Failed: [] });
    await queue().send(Array.from({ length: 10 }, (_, n) => ({ n })));
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.Entries!.map((e) => e.Id)).toEqual(['3', '7']);
  });

  it('gives up with a clear error on a sender fault', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '0', SenderFault: true, Code: 'InvalidParameterValue' }] });
    await expect(queue().send([{ n: 1 }])).rejects.toThrow(/InvalidParameterValue/);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('gives up after maxSendAttempts when entries keep failing', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '0', SenderFault: false, Code: 'ServiceUnavailable' }] });
    await expect(queue({ maxSendAttempts: 3 }).send([{ n: 1 }])).rejects.toThrow(AdapterError);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });

  it('retries a whole call that throws', async () => {
    sqs.on(SendMessageBatchCommand).rejectsOnce(new Error('socket hang up')).resolves({ Failed: [] });
    await queue().send([{ n: 1 }, { n: 2 }]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });
});

describe('SqsWorkQueue receive/ack/release', () => {
  it('maps messages with their receive count, deletes and releases by receipt', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: '{"n":4}', Attributes: { ApproximateReceiveCount: '3' } }],
    });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const q = queue();
    const [m] = await q.receive(25, 2500);
    expect(m).toEqual({ id: 'm1', receipt: 'r1', body: { n: 4 }, receiveCount: 3 });
    const input = sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ MaxNumberOfMessages: 10, WaitTimeSeconds: 3, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
    await q.ack(m!);
    await q.release(m!, 1500);
    expect(sqs.commandCalls(DeleteMessageCommand)[0]!.args[0].input).toEqual({ QueueUrl: url, ReceiptHandle: 'r1' });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]!.args[0].input).toEqual({ QueueUrl: url, ReceiptHandle: 'r1', VisibilityTimeout: 2 });
  });

  it('fromSqsRecord rejects a body that is not JSON', () => {
    expect(() => fromSqsRecord({ messageId: 'x', receiptHandle: 'r', body: 'not json', attributes: {} })).toThrow(/not JSON/);
  });

  it('a queue read with jsonOrText hands over a body that is not JSON as its text (dead letters)', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: 'garbage' }, { MessageId: 'm2', ReceiptHandle: 'r2', Body: '{"n":1}' }],
    });
    await expect(queue().receive(10)).rejects.toMatchObject({ code: 'IO' });
    const dlq = new SqsWorkQueue<unknown>({ queueUrl: url, client: new SQSClient({ region: 'eu-west-1' }), decode: jsonOrText });
    expect((await dlq.receive(10)).map((m) => m.body)).toEqual(['garbage', { n: 1 }]);
  });
});
