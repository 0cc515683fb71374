/**
 * Pipeline faults through the real handlers (s3rver, the fake SQS endpoint, the real registries):
 * duplicate SQS deliveries (the same batch twice; one message to two validators at once), a
 * validator invocation that outlives its visibility timeout and then returns a wrong verdict, an
 * image that exceeds the per-image time limit, and concurrent aggregators. Each run ends with
 * exactly one report in which every line appears once with its expected verdict.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { JsonReport } from '../../lib/core/report.js';
import type { WorkItem } from '../../lib/core/settings.js';
import type { LineResult } from '../../lib/core/types.js';
import { CheckerPool } from '../../lib/serverless/checker-pool.js';
import { context, dropNotes, handlers, pump, sqsEvent } from '../../testbed/pipeline-harness.js';
import { onFunctionPut, reportVerdicts, startFaultPipeline, withImageLimit, type FaultPipeline } from './pipeline-kit.js';

let p: FaultPipeline;
const original = CheckerPool.prototype.validate;

beforeAll(async () => {
  p = await startFaultPipeline(inject('registries'), inject('scenarios'));
});
afterAll(async () => p?.stop());
afterEach(() => {
  vi.restoreAllMocks();
  p.src.setRules([]);
});

/** Asserts one report for list `name`, every line once with its expected verdict, one completion event. */
async function expectOneReport(name: string, runId: string, expected: ReadonlyMap<number, string> = p.expected): Promise<JsonReport> {
  expect(await p.reportsOf(name)).toEqual([`runs/${runId}/report.json`]);
  const report = await p.json<JsonReport>(`runs/${runId}/report.json`);
  expect(report.results.map((r) => r.line)).toEqual([...expected.keys()]);
  expect(reportVerdicts(report)).toEqual(expected);
  expect(p.fx.completions().filter((e) => e.runId === runId)).toHaveLength(1);
  expect(await p.json<JsonReport>(`results/${name}.txt/report.json`)).toEqual(report);
  return report;
}

async function resultBytes(runId: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const key of p.store.list(`runs/${runId}/results/`)) out.set(key, (await p.text(key))!);
  return out;
}

describe('duplicate SQS deliveries', () => {
  it('the same batch delivered twice validates nothing again and changes no result', async () => {
    const spy = vi.spyOn(CheckerPool.prototype, 'validate');
    const { runId } = await p.drop('twice-batch', p.listText);
    const work = p.fx.sqs.queue('work');
    const batch = await work.receive(10, 0);
    expect(batch).toHaveLength(p.images.length);
    expect(await handlers.validator(sqsEvent(batch), context)).toEqual({ batchItemFailures: [] });
    const calls = spy.mock.calls.length;
    const stored = await resultBytes(runId);
    expect(await handlers.validator(sqsEvent(batch), context)).toEqual({ batchItemFailures: [] });
    expect(spy.mock.calls.length).toBe(calls);
    expect(await resultBytes(runId)).toEqual(stored);
    for (const m of batch) await work.ack(m);
    await pump(p.fx);
    await expectOneReport('twice-batch', runId);
  });

  it('a message delivered to two validators at once gets one result, and both invocations succeed', async () => {
    // Both invocations validate every line before either records it (a barrier per line).
    const arrived = new Map<number, { n: number; go: () => void; gate: Promise<void> }>();
    vi.spyOn(CheckerPool.prototype, 'validate').mockImplementation(async function (this: CheckerPool, item: WorkItem) {
      const result = await original.call(this, item);
      let b = arrived.get(item.line);
      if (!b) {
        let go!: () => void;
        const gate = new Promise<void>((r) => (go = r));
        arrived.set(item.line, (b = { n: 0, go, gate }));
      }
      if (++b.n === 2) b.go();
      await b.gate;
      return result;
    });
    const { runId } = await p.drop('two-at-once', p.listText);
    const work = p.fx.sqs.queue('work');
    const first = await work.receive(10, 0);
    await p.fx.sqs.clock.advance(60_001); // visibility timeout: SQS hands the same messages out again
    const second = await work.receive(10, 0);
    expect(second.map((m) => m.id).sort()).toEqual(first.map((m) => m.id).sort());
    expect(second.every((m) => m.receiveCount === 2)).toBe(true);
    const outs = await Promise.all([handlers.validator(sqsEvent(first), context), handlers.validator(sqsEvent(second), context)]);
    expect(outs).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(arrived.size).toBe(p.images.length);
    expect([...arrived.values()].every((b) => b.n === 2)).toBe(true);
    for (const m of [...first, ...second]) await work.ack(m);
    expect(work.size()).toBe(0);
    await pump(p.fx);
    await expectOneReport('two-at-once', runId);
  });
});

describe('a validator that times out', () => {
  it('an invocation that outlives the visibility timeout: the message comes back, and its late wrong verdict is never recorded', async () => {
    const victim = p.images.find((m) => m.scenario.expected.status === 'FAILED')!;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let hung = false;
    let hanging!: () => void;
    const isHanging = new Promise<void>((r) => (hanging = r));
    vi.spyOn(CheckerPool.prototype, 'validate').mockImplementation(async function (this: CheckerPool, item: WorkItem): Promise<LineResult> {
      const result = await original.call(this, item);
      if (item.line !== victim.line || hung) return result;
      hung = true;
      hanging();
      await gate; // the invocation never returns before its visibility timeout...
      return { ...result, status: 'PASS', code: null, message: 'a stale invocation claims PASS' }; // ...then claims a wrong PASS
    });
    const { runId } = await p.drop('stale', p.listText);
    const work = p.fx.sqs.queue('work');
    const batch = await work.receive(10, 0);
    const zombie = handlers.validator(sqsEvent(batch), context);
    await isHanging;
    await p.fx.sqs.clock.advance(60_001);
    await pump(p.fx);
    const report = await expectOneReport('stale', runId);
    const stored = await resultBytes(runId);
    open();
    expect(await zombie).toEqual({ batchItemFailures: [] });
    for (const m of batch) await work.ack(m); // stale receipts: no effect
    await pump(p.fx);
    expect(await resultBytes(runId)).toEqual(stored);
    expect(await expectOneReport('stale', runId)).toEqual(report);
    expect(report.results.find((r) => r.line === victim.line)).toMatchObject({ status: 'FAILED', code: victim.scenario.expected.code });
  });

  // The limit must pass for the hung image while the nine others finish within it on a loaded machine.
  it('an image past the per-image time limit is ERROR TIMEOUT; the other lines keep their verdicts', { timeout: 120_000 }, async () => {
    const victim = p.images.find((m) => m.scenario.expected.status === 'PASS')!;
    p.src.setRules([{ path: new RegExp(`^/v2/${victim.scenario.source.repo}/`), fault: { kind: 'hang' } }]);
    const report = await withImageLimit(20, async () => {
      const { runId } = await p.drop('slow-image', p.listText);
      await pump(p.fx);
      const expected = new Map(p.expected);
      expected.set(victim.line, 'ERROR TIMEOUT');
      return expectOneReport('slow-image', runId, expected);
    });
    expect(report.results.find((r) => r.line === victim.line)!.message).toMatch(/^validation did not finish within 20 s$/);
  });
});

describe('two aggregators at once', () => {
  // test/serverless/pipeline.e2e.test.ts shows one result and one event; this adds: their writes are byte-identical.
  it('write byte-identical outputs, whichever finishes first', async () => {
    const { runId } = await p.drop('agg-race', p.listText);
    await pump(p.fx, { aggregate: false });
    await dropNotes(p.fx);
    const prefix = `runs/${runId}/`;
    const writes = new Map<string, Buffer[]>();
    let reportsWritten!: () => void;
    const bothWrote = new Promise<void>((r) => (reportsWritten = r));
    let oneReturned!: () => void;
    const returned = new Promise<void>((r) => (oneReturned = r));
    const remove = onFunctionPut(async (key, body) => {
      if (!key.startsWith(prefix) || key.includes('/results/')) return;
      writes.set(key, [...(writes.get(key) ?? []), body]);
      if (key.endsWith('/report.json') && writes.get(key)!.length === 2) reportsWritten();
      // Hold the `done` marker until both have written report.json: both then write every output.
      // (If the other aggregator returns first, something is wrong: let go, the assertions say what.)
      if (key.endsWith('/done')) await Promise.race([bothWrote, returned]);
    });
    try {
      const note = (id: string) => sqsEvent([{ id, receipt: id, body: JSON.stringify({ runId }), receiveCount: 1 }]);
      const outs = await Promise.all([handlers.aggregator(note('a'), context), handlers.aggregator(note('b'), context)]
        .map((agg) => agg.finally(oneReturned)));
      expect(outs).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    } finally {
      remove();
    }
    for (const name of ['report.json', 'report.html', 'report.xml', 'summary.json', 'mirror-validate-failed.txt']) {
      const bodies = writes.get(`${prefix}${name}`) ?? [];
      expect(bodies, name).toHaveLength(2);
      expect(bodies[1]!.equals(bodies[0]!), `${name} written twice with the same bytes`).toBe(true);
      expect(Buffer.from((await p.store.get(`${prefix}${name}`))!).equals(bodies[0]!)).toBe(true);
    }
    await expectOneReport('agg-race', runId);
  });
});
