/**
 * The handlers against s3rver with real-shaped events; SQS and EventBridge through
 * aws-sdk-client-mock: batching of the splitter's sends, fatal runs (invalid metadata, no
 * images, not text) that still finish with one clear line, the validator's handling of a
 * message that is not a work item, and the sweeper's dead letters and overdue runs.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import { resetRuntime, runtime, useAwsClients } from '../../lib/serverless/runtime.js';
import { sweep } from '../../lib/serverless/sweep.js';
import { logger } from '../../lib/serverless/logger.js';
import { startS3, type S3Fixture } from '../../testbed/s3.js';
import { context, handlers, sqsEvent } from '../../testbed/pipeline-harness.js';
import { parseListLine, type ImageLine } from '../../lib/core/list.js';
import { formatReference } from '../../lib/core/ref.js';
import type { RunRecord } from '../../lib/pipeline/run-record.js';

const sqs = mockClient(SQSClient);
const eb = mockClient(EventBridgeClient);
let s3: S3Fixture;
let store: S3ObjectStore;
const drops: { Records: unknown[] }[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  s3 = await startS3(['handlers']);
  s3.onEvent((e) => {
    const key = (e.Records[0] as { s3: { object: { key: string } } }).s3.object.key;
    if (key.startsWith('lists/')) drops.push(e);
  });
  store = new S3ObjectStore({ bucket: 'handlers', client: s3.client() });
  Object.assign(process.env, {
    BUCKET: 'handlers', INPUT_PREFIX: 'lists/', QUEUE_URL: 'https://sqs/work', PROGRESS_QUEUE_URL: 'https://sqs/progress',
    DLQ_URL: 'https://sqs/dlq', ALLOWLIST: 'registry.example.com', SECRET_ARN: 'arn:s', MAX_RECEIVE_COUNT: '3',
    EVENT_BUS_NAME: 'default', EVENT_SOURCE: 'mirror-validate', LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true',
  });
});
afterAll(async () => {
  process.env = saved;
  resetRuntime();
  sqs.restore();
  eb.restore();
  await s3.stop();
});
beforeEach(() => {
  sqs.reset();
  eb.reset();
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  useAwsClients({ s3: s3.client(), sqs: new SQSClient({ region: 'us-east-1' }), events: new EventBridgeClient({ region: 'us-east-1' }) });
});

async function drop(key: string, body: string | Uint8Array, metadata: Record<string, string> = {}): Promise<{ runId: string; status: string; fatal?: { code: string; message: string } }> {
  await store.put(key, body, { metadata });
  const [outcome] = (await handlers.splitter(drops.shift(), context)) as { runId: string; status: string }[];
  return outcome!;
}
const sent = (url: string) => sqs.commandCalls(SendMessageBatchCommand).filter((c) => c.args[0].input.QueueUrl === url);
const json = async (key: string) => JSON.parse(Buffer.from((await store.get(key))!).toString('utf8')) as Record<string, unknown>;

describe('splitter handler', () => {
  it('sends one work message per image line in batches of at most 10, retrying Failed entries, then one progress note', async () => {
    sqs.on(SendMessageBatchCommand)
      .resolvesOnce({ Failed: [{ Id: '2', SenderFault: false, Code: 'InternalError' }] })
      .resolves({ Failed: [] });
    const lines = Array.from({ length: 25 }, (_, i) => `registry.example.com/app/img${i}:1.0`);
    const { runId, status } = await drop('lists/big.txt', `${lines.join('\n')}\nbad line here !\n`, { destination: 'mirror.example.com' });
    expect(status).toBe('started');
    const work = sent('https://sqs/work');
    expect(work.every((c) => c.args[0].input.Entries!.length <= 10)).toBe(true);
    const bodies = work.flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!) as { line: number; input: string }));
    expect(new Set(bodies.map((b) => b.line)).size).toBe(25);
    expect(bodies.length).toBe(26); // one entry retried
    expect(sent('https://sqs/progress').map((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)))).toEqual([[{ runId }]]);
    expect(await json(`runs/${runId}/results/000000026.json`)).toMatchObject({ status: 'INVALID', input: 'bad line here !' });
    expect(await json(`runs/${runId}/run.json`)).toMatchObject({
      totalLines: 26, images: 25, invalid: 1, list: { name: 'big.txt', key: 'lists/big.txt' }, settings: { destRegistry: 'mirror.example.com' },
    });
    expect(bodies[0]).toMatchObject({ runId, destination: { registry: 'mirror.example.com' } });
  });

  it.each([
    ['invalid metadata', 'lists/meta.txt', 'nginx\n', { defaultproject: 'x' }, 'RUN_SETTINGS', /unknown run setting "defaultproject" in the S3 metadata of lists\/meta.txt/],
    ['tls-verify=false on a strict stack', 'lists/tls.txt', 'nginx\n', { 'tls-verify': 'false' }, 'RUN_SETTINGS', /not allowed by this stack/],
    ['a list without images', 'lists/empty.txt', '# nothing\n\n', {}, 'NO_IMAGES', /^no images in list lists\/empty.txt$/],
    ['a binary file', 'lists/bin.txt', new Uint8Array([0x6e, 0x67, 0x0a, 0x00, 0x01]), {}, 'NOT_TEXT', /^lists\/bin.txt: .*NUL/],
  ])('finishes a run with %s as fatal, with one clear line, and publishes it', async (_what, key, body, metadata, code, message) => {
    const outcome = await drop(key, body, metadata);
    expect(outcome).toMatchObject({ status: 'fatal', fatal: { code, message: expect.stringMatching(message) } });
    expect(sent('https://sqs/work')).toHaveLength(0);
    const summary = await json(`runs/${outcome.runId}/summary.json`);
    expect(summary).toMatchObject({ total: 0, fatal: { code } });
    expect(await store.head(`runs/${outcome.runId}/done`)).not.toBeNull();
    await handlers.aggregator(sqsEvent([{ id: 'n', receipt: 'n', body: JSON.stringify({ runId: outcome.runId }), receiveCount: 1 }]), context);
    const name = key.slice('lists/'.length);
    expect(await json(`results/${name}/summary.json`)).toMatchObject({ runId: outcome.runId, fatal: { code } });
    const detail = JSON.parse(eb.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!) as Record<string, unknown>;
    expect(detail).toMatchObject({ runId: outcome.runId, outcome: 'fatal', newlyFailing: 0, recovered: 0, regressed: false });
  });

  it.each([
    ['a ".." segment', 'lists/a/../b.txt', /cannot name results after "lists\/a\/..\/b.txt"/],
    ['a control character', 'lists/x%01y.txt', /cannot name results after "lists\/x\\u0001y.txt"/],
    ['broken URL encoding', 'lists/%E0%A4%A.txt', /S3 key "lists\/%E0%A4%A.txt" is not URL-encoded/],
  ])('a key with %s ends as a fatal run with its reason and one completion event', async (_what, rawKey, message) => {
    const event = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString(),
      s3: { bucket: { name: 'handlers' }, object: { key: rawKey, eTag: 'e1', sequencer: '01' } } }] };
    const [outcome] = (await handlers.splitter(event, context)) as { runId: string; status: string; fatal?: { code: string; message: string } }[];
    expect(outcome).toMatchObject({ status: 'fatal', fatal: { code: 'LIST_KEY', message: expect.stringMatching(message) } });
    expect(sent('https://sqs/work')).toHaveLength(0);
    expect(await json(`runs/${outcome!.runId}/summary.json`)).toMatchObject({ total: 0, fatal: { code: 'LIST_KEY' } });
    // The same event again (S3 redelivers) is a duplicate of the finished run.
    expect(await handlers.splitter(event, context)).toMatchObject([{ runId: outcome!.runId, status: 'duplicate' }]);
    const note = () => sqsEvent([{ id: 'n', receipt: 'n', body: JSON.stringify({ runId: outcome!.runId }), receiveCount: 1 }]);
    await handlers.aggregator(note(), context);
    await handlers.aggregator(note(), context);
    const events = eb.commandCalls(PutEventsCommand).map((c) => JSON.parse(c.args[0].input.Entries![0]!.Detail!) as Record<string, unknown>);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ runId: outcome!.runId, outcome: 'fatal', summary: { fatal: { code: 'LIST_KEY' } } });
    expect(events[0]!.resultsPrefix).toBeUndefined();
    const published: string[] = [];
    for await (const key of store.list('results/')) if (key.includes(outcome!.runId)) published.push(key);
    expect(published).toEqual([]);
  });

  it('a schedule input naming a key outside the input prefix ends as a fatal run too', async () => {
    const [outcome] = (await handlers.splitter({ bucket: 'handlers', key: 'elsewhere/x.txt', source: 'schedule', name: 'nightly',
      scheduledTime: '2026-01-02T02:00:00Z' }, context)) as { runId: string; status: string; fatal?: { code: string; message: string } }[];
    expect(outcome).toMatchObject({ runId: '20260102T020000Z-nightly-schedule', status: 'fatal', fatal: { code: 'LIST_KEY', message: expect.stringContaining('is not a list under the input prefix') } });
  });

  it('finishes the run of an upload that was replaced before the splitter copied it as fatal LIST, and keeps no copy', async () => {
    await store.put('lists/replaced.txt', 'registry.example.com/a/b:1\n');
    const first = drops.shift();
    await store.put('lists/replaced.txt', 'registry.example.com/a/c:2\n');
    drops.shift();
    const [outcome] = (await handlers.splitter(first, context)) as { runId: string; status: string; fatal?: { code: string; message: string } }[];
    expect(outcome).toMatchObject({ status: 'fatal', fatal: { code: 'LIST', message: 'lists/replaced.txt was replaced before this run started; the newer upload starts its own run' } });
    expect(await store.head(`runs/${outcome!.runId}/list.txt`)).toBeNull();
    expect(sent('https://sqs/work')).toHaveLength(0);
  });

  it('copies the list the run validates next to its outputs, with the key it came from', async () => {
    const { runId } = await drop('lists/kept.txt', 'registry.example.com/a/b:1\n');
    expect(Buffer.from((await store.get(`runs/${runId}/list.txt`))!).toString()).toBe('registry.example.com/a/b:1\n');
    expect((await store.head(`runs/${runId}/list.txt`))!.metadata).toEqual({ 'list-key': 'lists%2Fkept.txt' });
  });

  it('ignores records outside the input prefix', async () => {
    const event = { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString(), s3: { bucket: { name: 'handlers' }, object: { key: 'runs/x/results/1.json' } } }] };
    expect(await handlers.splitter(event, context)).toEqual([]);
  });
});

describe('validator handler', () => {
  it('returns a message that is not a work item as a batch item failure', async () => {
    const out = await handlers.validator(sqsEvent([
      { id: 'garbage', receipt: 'r', body: 'not json', receiveCount: 1 },
      { id: 'shape', receipt: 'r2', body: '{"runId":"x"}', receiveCount: 1 },
    ]), context);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'garbage' }, { itemIdentifier: 'shape' }] });
  });
});

describe('aggregator handler', () => {
  const note = (runId: string) => sqsEvent([{ id: `n-${runId}`, receipt: 'n', body: JSON.stringify({ runId }), receiveCount: 1 }]);
  const TWO = 'registry.example.com/a/b mirror.example.com/a/b 1\nregistry.example.com/a/c mirror.example.com/a/c 2\n';
  const record = async (runId: string, line: number, status: string) => store.put(`runs/${runId}/results/${String(line).padStart(9, '0')}.json`,
    JSON.stringify({ line, input: `in${line}`, status, code: status === 'PASS' ? null : 'DIGEST_MISMATCH', message: status.toLowerCase() }));
  const shards = async (runId: string) => {
    const out: string[] = [];
    for await (const key of store.list(`runs/${runId}/shards/`)) out.push(key.slice(key.lastIndexOf('/') + 1));
    return out;
  };

  it('a check out of time compacts nothing and sends its run a follow-up note; the next check closes it', async () => {
    const { runId } = await drop('lists/late-check.txt', TWO);
    await record(runId, 1, 'PASS');
    await record(runId, 2, 'FAILED');
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    // No time left for compaction: the handler reads the time left as it starts (middy reads it
    // next, for its own early timeout, which must not fire here).
    let reads = 0;
    await handlers.aggregator(note(runId), { ...context, getRemainingTimeInMillis: () => (reads++ === 0 ? 0 : 120_000) });
    expect(reads).toBe(2);
    expect(await shards(runId)).toEqual([]);
    expect(sent('https://sqs/progress').map((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.MessageBody!)))).toEqual([[{ runId }]]);
    await handlers.aggregator(note(runId), context);
    expect(await shards(runId)).toEqual(['000000.failed.txt', '000000.keys.txt', '000000.ndjson']);
    expect(await json(`runs/${runId}/summary.json`)).toMatchObject({ total: 2, passed: 1, failed: 1, forced: false });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('closes a run past its deadline by force, as the sweeper would, with the inputs of its missing lines', async () => {
    const { runId } = await drop('lists/overdue-agg.txt', TWO);
    await record(runId, 1, 'PASS');
    await handlers.aggregator(note(runId), context);
    expect(await store.head(`runs/${runId}/summary.json`)).toBeNull();
    const run = await json(`runs/${runId}/run.json`);
    await store.put(`runs/${runId}/run.json`, JSON.stringify({ ...run, deadline: '2000-01-01T00:00:00.000Z' }));
    await handlers.aggregator(note(runId), context);
    expect(await json(`runs/${runId}/summary.json`)).toMatchObject({ total: 2, passed: 1, errors: 1, forced: true, missing: 1 });
    expect(Buffer.from((await store.get(`runs/${runId}/mirror-validate-failed.txt`))!).toString()).toBe('registry.example.com/a/c mirror.example.com/a/c 2\n');
  });

  it('a line closed as NO_RESULT keeps its pair, so the next run of the list compares it by pair', async () => {
    const lines = TWO.trim().split('\n');
    // As the validator records them: with the line's resolved pair.
    const verdict = async (runId: string, line: number, status: string) => {
      const { settings } = await json(`runs/${runId}/run.json`) as unknown as RunRecord;
      const parsed = parseListLine(lines[line - 1]!, line, settings) as ImageLine;
      await store.put(`runs/${runId}/results/${String(line).padStart(9, '0')}.json`, JSON.stringify({
        line, input: parsed.input, status, code: status === 'PASS' ? null : 'DEST_NOT_FOUND', message: status.toLowerCase(),
        source: formatReference(parsed.source), destination: formatReference(parsed.destination),
      }));
    };
    const first = (await drop('lists/lost-pair.txt', TWO)).runId;
    await verdict(first, 1, 'PASS');
    const run = await json(`runs/${first}/run.json`);
    await store.put(`runs/${first}/run.json`, JSON.stringify({ ...run, deadline: '2000-01-01T00:00:00.000Z' }));
    await handlers.aggregator(note(first), context);
    expect(await json(`runs/${first}/results/000000002.json`)).toMatchObject({
      code: 'NO_RESULT', source: 'registry.example.com/a/c:2', destination: 'mirror.example.com/a/c:2',
    });
    const second = (await drop('lists/lost-pair.txt', TWO)).runId;
    await verdict(second, 1, 'PASS');
    await verdict(second, 2, 'FAILED');
    await handlers.aggregator(note(second), context);
    expect(await json(`runs/${second}/summary.json`)).toMatchObject({ previous: { runId: first }, newlyFailing: 0, recovered: 0, regressed: false });
    expect((await json(`runs/${second}/report.json`)).changes).toMatchObject({ stillFailing: 1, added: 0, removed: 0 });
  });
});

describe('sweeper', () => {
  it('deletes a dead letter that is not a work item and closes an overdue run with NO_RESULT lines that keep their input', async () => {
    const { runId } = await drop('lists/overdue.txt', 'registry.example.com/a/b mirror.example.com/a/b 1\nregistry.example.com/a/c mirror.example.com/a/c 2\n');
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [{ MessageId: 'm', ReceiptHandle: 'rh', Body: 'garbage' }] }).resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    const rt = runtime('sweeper');
    const report = await sweep({
      store: rt.store, deadLetters: rt.deadLetters, progress: rt.progress,
      maxReceiveCount: 3, log: logger, lookbackMs: 48 * 3_600_000, now: () => new Date(Date.now() + 7 * 3_600_000),
    });
    expect(report.deadLetters).toBe(1);
    expect(sqs.commandCalls(DeleteMessageCommand)[0]!.args[0].input.ReceiptHandle).toBe('rh');
    expect(report.closed).toContain(runId);
    expect(report.noted).toContain(runId);
    const summary = await json(`runs/${runId}/summary.json`);
    expect(summary).toMatchObject({ forced: true, missing: 2, errors: 2 });
    expect(await json(`runs/${runId}/results/000000002.json`)).toMatchObject({ status: 'ERROR', code: 'NO_RESULT', input: 'registry.example.com/a/c mirror.example.com/a/c 2' });
  });

  it('leaves an overdue run it had no time to close to the aggregator, with a note', async () => {
    const { runId } = await drop('lists/overdue-budget.txt', 'registry.example.com/a/b mirror.example.com/a/b 1\n');
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    const rt = runtime('sweeper');
    const report = await sweep({
      store: rt.store, deadLetters: rt.deadLetters, progress: rt.progress, forceBudgetMs: -1,
      maxReceiveCount: 3, log: logger, lookbackMs: 48 * 3_600_000, now: () => new Date(Date.now() + 7 * 3_600_000),
    });
    expect(report.closed).not.toContain(runId);
    expect(report.noted).toContain(runId);
    expect(await store.head(`runs/${runId}/summary.json`)).toBeNull();
  });
});
