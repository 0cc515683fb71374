/**
 * Pipeline faults of the bucket and of the list, through the real handlers: PutObject failures
 * (S3 client middleware on the functions' client) on result objects and on the run's outputs,
 * which the handlers must retry into exactly one complete report; and lists the splitter must
 * refuse (over MAX_LIST_BYTES, or not text), which end as fatal runs with one clear line in
 * summary.json, no stack trace in any log line, and a completion event with outcome `fatal`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { JsonReport } from '../../lib/core/report.js';
import type { WorkItem } from '../../lib/core/settings.js';
import { resetRuntime } from '../../lib/serverless/runtime.js';
import { CheckerPool } from '../../lib/serverless/checker-pool.js';
import { pump } from '../../testbed/pipeline-harness.js';
import { failPuts, reportVerdicts, startFaultPipeline, type FaultPipeline } from './pipeline-kit.js';

let p: FaultPipeline;
const LIST_CAP = 1024;

beforeAll(async () => {
  p = await startFaultPipeline(inject('registries'), inject('scenarios'), { MAX_LIST_BYTES: String(LIST_CAP) });
});
afterAll(async () => p?.stop());
afterEach(() => vi.restoreAllMocks());

async function expectOneReport(name: string, runId: string): Promise<JsonReport> {
  expect(await p.reportsOf(name)).toEqual([`runs/${runId}/report.json`]);
  const report = await p.json<JsonReport>(`runs/${runId}/report.json`);
  expect(report.results.map((r) => r.line)).toEqual([...p.expected.keys()]);
  expect(reportVerdicts(report)).toEqual(p.expected);
  expect(p.fx.completions().filter((e) => e.runId === runId)).toHaveLength(1);
  expect(await p.json<JsonReport>(`results/${name}.txt/report.json`)).toEqual(report);
  expect(p.fx.sqs.queue('dlq').size()).toBe(0);
  return report;
}

describe('a failed S3 write', () => {
  it('of a line result: the message is retried and the line recorded once', async () => {
    const spy = vi.spyOn(CheckerPool.prototype, 'validate');
    const { runId } = await p.drop('put-result', p.listText);
    const injected = failPuts(/^runs\/[^/]+\/results\/\d+\.json$/, [2, 5]);
    try {
      await pump(p.fx);
    } finally {
      injected.remove();
    }
    expect(injected.failed).toHaveLength(2);
    await expectOneReport('put-result', runId);
    const validated = spy.mock.calls.map(([item]) => (item as WorkItem).line);
    const again = [...new Set(validated.filter((line, i) => validated.indexOf(line) !== i))].sort();
    expect(again).toEqual(injected.failed.map((k) => Number(k.slice(-14, -5))).sort());
    expect(validated).toHaveLength(p.images.length + 2);
  });

  it('of the report and then of the summary: the progress note is retried and the run ends with one report', async () => {
    const { runId } = await p.drop('put-report', p.listText);
    const report = failPuts(new RegExp(`^runs/${runId}/report\\.json$`), [1]);
    const summary = failPuts(new RegExp(`^runs/${runId}/summary\\.json$`), [1]);
    try {
      await pump(p.fx);
    } finally {
      report.remove();
      summary.remove();
    }
    expect([...report.failed, ...summary.failed]).toEqual([`runs/${runId}/report.json`, `runs/${runId}/summary.json`]);
    const final = await expectOneReport('put-report', runId);
    expect(await p.json<{ runId: string; total: number }>(`runs/${runId}/summary.json`)).toMatchObject({ runId, total: final.results.length });
    expect(await p.store.head(`runs/${runId}/done`)).not.toBeNull();
  });
});

describe('a list the splitter refuses', () => {
  const padded = (bytes: number): string => {
    const body = `${p.images[0]!.text}\n#`;
    return `${body}${'x'.repeat(bytes - body.length - 1)}\n`;
  };

  it('a list of exactly MAX_LIST_BYTES is accepted', async () => {
    const list = padded(LIST_CAP);
    expect(Buffer.byteLength(list)).toBe(LIST_CAP);
    const outcome = await p.drop('at-cap', list);
    expect(outcome.status).toBe('started');
    await pump(p.fx);
    expect((await p.json<JsonReport>(`runs/${outcome.runId}/report.json`)).results).toHaveLength(1);
  });

  it.each([
    ['one byte over MAX_LIST_BYTES', 'over-cap', () => padded(LIST_CAP + 1), 'LIST', /^lists\/over-cap\.txt is 1025 bytes, over the 1024-byte limit: split it into several lists$/],
    ['with NUL bytes', 'nul-bytes', () => new Uint8Array([...Buffer.from(`${p.images[0]!.text}\n`), 0, 0, 0x0a]), 'NOT_TEXT', /^lists\/nul-bytes\.txt: .*NUL/],
  ])('a list %s ends fatal with one clear line, no stack trace, and a fatal completion event', async (_what, name, body, code, message) => {
    const logged: string[] = [];
    vi.stubEnv('LOG_LEVEL', 'INFO'); // the harness quiets the logs; this test reads the fatal line
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    });
    const outcome = await p.drop(name, body());
    expect(outcome).toMatchObject({ status: 'fatal', fatal: { code } });
    await pump(p.fx);
    expect(p.fx.sqs.queue('work').size()).toBe(0);
    const summary = await p.json<{ total: number; fatal: { code: string; message: string } }>(`runs/${outcome.runId}/summary.json`);
    expect(summary).toMatchObject({ total: 0, fatal: { code } });
    expect(summary.fatal.message).toMatch(message);
    expect(summary.fatal.message).not.toMatch(/\n|\bat .*\(|Error:/);
    expect(await p.reportsOf(name)).toEqual([`runs/${outcome.runId}/report.json`]);
    expect((await p.json<JsonReport>(`runs/${outcome.runId}/report.json`)).results).toEqual([]);
    expect(await p.json<{ runId: string }>(`results/${name}.txt/summary.json`)).toMatchObject({ runId: outcome.runId, fatal: { code } });
    const events = p.fx.completions().filter((e) => e.runId === outcome.runId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'fatal', summary: { fatal: { code, message: summary.fatal.message } } });
    expect(logged.join('')).toContain(`"fatal":{"code":"${code}"`);
    expect(logged.join('')).not.toMatch(/\n\s+at /);
  });

  it('MAX_LIST_BYTES unset keeps the 512 MiB default', async () => {
    const saved = process.env.MAX_LIST_BYTES;
    delete process.env.MAX_LIST_BYTES;
    resetRuntime();
    try {
      const outcome = await p.drop('default-cap', padded(LIST_CAP + 1));
      expect(outcome.status).toBe('started');
      await pump(p.fx);
    } finally {
      process.env.MAX_LIST_BYTES = saved;
      resetRuntime();
    }
  });
});
