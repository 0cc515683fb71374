/**
 * End to end through the real Lambda handlers: a list dropped into s3rver starts the splitter
 * (s3rver's own event), SQS-shaped batches reach the validator, which checks the real local
 * registries (plain HTTP source, TLS + htpasswd destination with credentials from the mocked
 * secret), and the aggregator writes the failed file, the report and the summary back to the
 * bucket, copies them to `results/<list>/` and puts one completion event.
 */
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import type { WorkItem } from '../../lib/core/settings.js';
import type { JsonReport } from '../../lib/core/report.js';
import { CheckerPool } from '../../lib/serverless/checker-pool.js';
import { BUCKET, context, dropNotes, handlers, pump, sqsEvent, startPipeline, type PipelineFixture } from '../../testbed/pipeline-harness.js';

const registries = inject('registries');
const scenarios = inject('scenarios');
const chosen = scenarios.filter((s) => s.flags.length === 0 && s.source.registry === 'plain' && s.source.creds === 'none'
  && s.dest.registry === 'tls' && s.dest.creds === 'tester').slice(0, 10);
const INVALID = 'not a valid line !!';
const listText = ['# nightly mirror list', ...chosen.map((s) => s.listLine), INVALID, ''].join('\n');
const expectedFailed = (lines: readonly string[]) => `${[...new Set(lines)].sort().join('\n')}\n`;

let fx: PipelineFixture;
let store: S3ObjectStore;
const text = async (key: string) => {
  const b = await store.get(key);
  return b ? Buffer.from(b).toString('utf8') : null;
};
const json = async <T>(key: string) => JSON.parse((await text(key))!) as T;

async function drop(key: string, body: string, metadata: Record<string, string> = {}): Promise<{ runId: string; status: string }> {
  await store.put(key, body, { metadata });
  const event = fx.drops.shift();
  expect(event, 's3rver emitted an ObjectCreated event').toBeDefined();
  const [outcome] = (await handlers.splitter(event, context)) as { runId: string; status: string }[];
  return outcome!;
}

beforeAll(async () => {
  expect(chosen.some((s) => s.expected.status === 'FAILED') && chosen.some((s) => s.expected.status === 'PASS')).toBe(true);
  fx = await startPipeline(
    { ALLOWLIST: `${registries.plain.host},${registries.tls.host}`, TLS_VERIFY: 'false' },
    { DEST_USERNAME: registries.tls.username, DEST_PASSWORD: registries.tls.password },
  );
  store = new S3ObjectStore({ bucket: BUCKET, client: fx.s3.client() });
});
afterAll(async () => fx?.stop());

describe('serverless pipeline end to end', () => {
  it('validates a dropped list and writes the expected failed file, report and summary', async () => {
    const { runId, status } = await drop('lists/nightly.txt', listText, { arch: 'amd64,arm64', os: 'linux,windows' });
    expect(status).toBe('started');
    await pump(fx);
    const report = await json<JsonReport>(`runs/${runId}/report.json`);
    const got = report.results.map((r) => [r.input, r.status, r.code]);
    expect(got).toEqual([...chosen.map((s) => [s.listLine, s.expected.status, s.expected.code]), [INVALID, 'INVALID', expect.any(String)]]);
    const bad = chosen.filter((s) => s.expected.status === 'FAILED' || s.expected.status === 'ERROR').map((s) => s.listLine);
    expect(await text(`runs/${runId}/mirror-validate-failed.txt`)).toBe(expectedFailed(bad));
    expect(await text('results/nightly.txt/mirror-validate-failed.txt')).toBe(expectedFailed(bad));
    expect(await json<{ runId: string }>('results/nightly.txt/latest.json')).toMatchObject({ runId });
    const [event] = fx.completions().filter((e) => e.runId === runId);
    expect(event).toMatchObject({ outcome: 'failed', list: 'nightly.txt', resultsPrefix: 'results/nightly.txt/', summary: { total: chosen.length + 1, invalid: 1 } });
  });

  it('publishes lists that differ only in their extension to distinct results prefixes', async () => {
    const pass = chosen.find((s) => s.expected.status === 'PASS')!.listLine;
    const runs = new Map<string, string>();
    for (const [key, body] of [['lists/same.txt', `${pass}\n`], ['lists/same.csv', `${INVALID}\n`], ['lists/same', `${pass}\n${INVALID}\n`]] as const) {
      runs.set(key.slice('lists/'.length), (await drop(key, body)).runId);
    }
    await pump(fx);
    for (const [name, runId] of runs) {
      expect(await json<{ runId: string }>(`results/${name}/latest.json`)).toMatchObject({ runId });
      expect(await json<{ list: { key: string } }>(`results/${name}/summary.json`)).toMatchObject({ list: { key: `lists/${name}` } });
    }
    expect(new Set(runs.values()).size).toBe(3);
  });

  it('turns a duplicate S3 event into a no-op', async () => {
    await store.put('lists/dup.txt', `${chosen[0]!.listLine}\n`);
    const event = fx.drops.shift();
    const first = (await handlers.splitter(event, context)) as { runId: string; status: string }[];
    const again = (await handlers.splitter(event, context)) as { runId: string; status: string }[];
    expect(again[0]!.runId).toBe(first[0]!.runId);
    expect(again[0]!.status).toBe('duplicate');
    expect(fx.sqs.queue('work').size()).toBe(1);
    await pump(fx);
    const again2 = (await handlers.splitter(event, context)) as { status: string }[];
    expect(again2[0]!.status).toBe('duplicate');
    expect(fx.sqs.queue('work').size()).toBe(0);
    expect(fx.completions().filter((e) => e.runId === first[0]!.runId)).toHaveLength(1);
  });

  it('accounts for every line once under crashes, a poison message and a dead-lettered message', async () => {
    const [crashA, crashB, poison, lost] = chosen.slice(0, 4);
    const original = CheckerPool.prototype.validate;
    const crashed = new Set<number>();
    const lines = new Map(chosen.map((s, i) => [s.listLine, i + 2])); // line 1 is a comment
    const spy = vi.spyOn(CheckerPool.prototype, 'validate').mockImplementation(async function (this: CheckerPool, item: WorkItem) {
      if (item.input === poison!.listLine) throw new Error('injected poison');
      if ((item.input === crashA!.listLine || item.input === crashB!.listLine) && !crashed.has(item.line)) {
        crashed.add(item.line);
        throw new Error('injected crash');
      }
      return original.call(this, item);
    });
    try {
      const { runId } = await drop('lists/crashy.txt', listText);
      await pump(fx, { lost: (body) => (JSON.parse(body) as WorkItem).input === lost!.listLine });
      expect(fx.sqs.queue('dlq').size()).toBe(1);
      expect(await store.head(`runs/${runId}/report.json`)).toBeNull();
      await handlers.sweeper({ source: 'sweep' }, context);
      await pump(fx);
      const report = await json<JsonReport>(`runs/${runId}/report.json`);
      expect(report.results.map((r) => r.line)).toEqual([...lines.values(), chosen.length + 2]);
      expect(report.summary.total).toBe(chosen.length + 1);
      const byInput = new Map(report.results.map((r) => [r.input, r]));
      expect(byInput.get(poison!.listLine)).toMatchObject({ status: 'ERROR', message: expect.stringContaining('gave up after 3 attempts: injected poison') });
      expect(byInput.get(lost!.listLine)).toMatchObject({ status: 'ERROR', message: expect.stringContaining('dead-letter queue') });
      for (const s of [crashA!, crashB!]) expect(byInput.get(s.listLine)).toMatchObject({ status: s.expected.status, code: s.expected.code });
      expect(crashed.size).toBe(2);
      const bad = chosen.filter((s) => s === poison || s === lost || s.expected.status === 'FAILED' || s.expected.status === 'ERROR');
      expect(await text('results/crashy.txt/mirror-validate-failed.txt')).toBe(expectedFailed(bad.map((s) => s.listLine)));
      const runDirs = new Set<string>();
      for await (const key of store.list('runs/')) if (key.endsWith('/report.json') && key.includes('-crashy.txt-')) runDirs.add(key);
      expect([...runDirs]).toEqual([`runs/${runId}/report.json`]);
      expect(fx.completions().filter((e) => e.runId === runId)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('two aggregators at once produce one result and one completion event', async () => {
    const { runId } = await drop('lists/twice.txt', `${chosen[0]!.listLine}\n${chosen[1]!.listLine}\n`);
    await pump(fx, { aggregate: false });
    await dropNotes(fx);
    const note = (id: string) => sqsEvent([{ id, receipt: id, body: JSON.stringify({ runId }), receiveCount: 1 }]);
    const outs = await Promise.all([handlers.aggregator(note('a'), context), handlers.aggregator(note('b'), context)]);
    expect(outs).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    const report = await json<JsonReport>(`runs/${runId}/report.json`);
    expect(report.results).toHaveLength(2);
    expect(await json<JsonReport>('results/twice.txt/report.json')).toEqual(report);
    expect(fx.completions().filter((e) => e.runId === runId)).toHaveLength(1);
  });

  it('never lets an older run that finishes late overwrite a newer one at results/<list>/', async () => {
    const failing = chosen.find((s) => s.expected.status === 'FAILED')!;
    const passing = chosen.find((s) => s.expected.status === 'PASS')!;
    const older = await drop('lists/race.txt', `${failing.listLine}\n`);
    await new Promise((r) => setTimeout(r, 5));
    const newer = await drop('lists/race.txt', `${passing.listLine}\n`);
    expect(newer.runId).not.toBe(older.runId);
    await pump(fx, { aggregate: false });
    await dropNotes(fx);
    const note = (runId: string) => sqsEvent([{ id: runId, receipt: runId, body: JSON.stringify({ runId }), receiveCount: 1 }]);
    await handlers.aggregator(note(newer.runId), context);
    await handlers.aggregator(note(older.runId), context);
    expect(await text(`runs/${older.runId}/mirror-validate-failed.txt`)).toBe(`${failing.listLine}\n`);
    expect(await text('results/race.txt/mirror-validate-failed.txt')).toBeNull();
    expect(await json<{ runId: string }>('results/race.txt/summary.json')).toMatchObject({ runId: newer.runId, passed: 1 });
    expect(await json<{ runId: string }>('results/race.txt/latest.json')).toMatchObject({ runId: newer.runId });
  });
});
