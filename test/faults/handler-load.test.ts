/**
 * Load under faults through the real Lambda handlers: a 5,000-image list (the seeded mix of
 * load.test.ts) dropped into s3rver starts the splitter; SQS-shaped batches from the fake SQS
 * endpoint (MemoryQueues) reach the validator handler, 16 invocations at a time, while ~20 % of
 * registry requests meet a transient fault (seeded, through the fault proxies); then the progress
 * notes reach the aggregator. The run ends with one report in which every line appears once, with the
 * verdict the same handlers give its line without faults (reference: a fault-free run of the
 * list's distinct lines). Registry backoff is shortened through REGISTRY_RETRY_BASE_MS/MAX_MS.
 * Figures are printed for the README "Guarantees" section.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import type { JsonReport } from '../../lib/core/report.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { BUCKET, context, handlers, pump, startPipeline, type PipelineFixture } from '../../testbed/pipeline-harness.js';
import { buildLoadList, faultTally, standardScenarios, transientRules, via } from './fault-kit.js';

const regs = inject('registries');
const chosen = standardScenarios(inject('scenarios'));
const IMAGE_LINES = 5000;
const SEED = 40961;

let src: FaultProxy;
let dst: FaultProxy;
let fx: PipelineFixture;
let store: S3ObjectStore;

const json = async <T>(key: string): Promise<T> => JSON.parse(Buffer.from((await store.get(key))!).toString('utf8')) as T;

/** Drops `text` as `lists/<name>.txt`, runs the splitter on s3rver's event and pumps until the queues are empty. */
async function runThroughHandlers(name: string, text: string): Promise<{ runId: string; report: JsonReport; ms: number }> {
  const started = Date.now();
  await store.put(`lists/${name}.txt`, text);
  const event = fx.drops.shift();
  expect(event, 's3rver emitted an ObjectCreated event').toBeDefined();
  const [outcome] = (await handlers.splitter(event, context)) as { runId: string; status: string }[];
  expect(outcome).toMatchObject({ status: 'started' });
  // Progress notes wait until the work queue is empty (as with a long batching window): each
  // aggregator check lists every result, so checking after every round would dominate the run.
  await pump(fx, { concurrency: 16, aggregate: false });
  await pump(fx);
  const report = await json<JsonReport>(`runs/${outcome!.runId}/report.json`);
  return { runId: outcome!.runId, report, ms: Date.now() - started };
}

beforeAll(async () => {
  src = await startFaultProxy({ upstream: regs.plain.url, seed: SEED });
  dst = await startFaultProxy({ upstream: regs.tls.url, upstreamCa: regs.caPem, seed: SEED + 1 });
  fx = await startPipeline(
    { ALLOWLIST: `${src.host},${dst.host}`, TLS_VERIFY: 'false', REGISTRY_RETRY_BASE_MS: '2', REGISTRY_RETRY_MAX_MS: '20' },
    { DEST_USERNAME: regs.tls.username, DEST_PASSWORD: regs.tls.password },
  );
  store = new S3ObjectStore({ bucket: BUCKET, client: fx.s3.client() });
});
afterAll(async () => {
  await fx?.stop();
  await Promise.all([src?.close(), dst?.close()]);
});

describe('5,000 lines with ~20 % transient registry faults (handler-driven pipeline)', () => {
  it('ends with one report holding every line once, with the verdicts of the fault-free run', { timeout: 300_000 }, async () => {
    const list = buildLoadList(chosen, (line) => via(via(line, regs.plain.host, src.host), regs.tls.host, dst.host), IMAGE_LINES, SEED);
    const clean = await runThroughHandlers('reference', list.distinct);
    const reference = new Map(clean.report.results.map((r) => [r.input, `${r.status} ${r.code ?? '-'}`]));
    expect(reference.size).toBe(list.distinct.trim().split('\n').filter((l) => !l.startsWith('#')).length);
    src.setRules(transientRules());
    dst.setRules(transientRules());

    const faulty = await runThroughHandlers('load', list.text);
    const tally = faultTally([src, dst]);
    const lines = faulty.report.results.map((r) => r.line);
    expect(lines).toHaveLength(list.images + list.invalid);
    expect(new Set(lines).size).toBe(lines.length);
    expect(Math.max(...lines)).toBe(list.total);
    const differing = faulty.report.results.filter((r) => `${r.status} ${r.code ?? '-'}` !== reference.get(r.input));
    expect(differing.map((r) => `${r.line}: ${r.status} ${r.code} ${r.message}`)).toEqual([]);
    const summary = await json<{ total: number; passed: number; failed: number; invalid: number }>(`runs/${faulty.runId}/summary.json`);
    expect(summary).toMatchObject({ total: list.images + list.invalid, invalid: list.invalid });
    expect(summary.passed).toBeGreaterThan(list.images / 2);
    expect(summary.failed).toBeGreaterThan(0);
    // One report for the list, one completion event, and the published copy is that report.
    const reports: string[] = [];
    for await (const key of store.list('runs/')) if (key.endsWith('/report.json') && key.includes('-load.txt-')) reports.push(key);
    expect(reports).toEqual([`runs/${faulty.runId}/report.json`]);
    expect(fx.completions().filter((e) => e.runId === faulty.runId)).toHaveLength(1);
    expect(await json<JsonReport>('results/load.txt/report.json')).toEqual(faulty.report);
    expect(fx.sqs.queue('dlq').size()).toBe(0);
    // The faults really happened, and the validator retried through them.
    expect(tally.faults / tally.requests).toBeGreaterThan(0.1);
    expect(faulty.report.results.reduce((n, r) => n + (r.requests?.retries ?? 0), 0)).toBeGreaterThan(0);

    const statuses: Record<string, number> = {};
    for (const r of faulty.report.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    console.info(`[figures] handler load: ${list.total} lines (${list.images} images, ${list.invalid} invalid, ${list.comments} comments); `
      + `statuses ${JSON.stringify(statuses)}; fault-free reference ${reference.size} distinct lines in ${clean.ms} ms; `
      + `faulty ${faulty.ms} ms, ${tally.requests} requests, ${tally.faults} faults injected `
      + `(${(100 * tally.faults / tally.requests).toFixed(1)} %) ${JSON.stringify(tally.byKind)}`);
  });
});
