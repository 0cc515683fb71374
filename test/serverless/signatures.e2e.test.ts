/**
 * `--signatures` through the real Lambda handlers (s3rver event, splitter, SQS-shaped batches,
 * validator, aggregator): S3 metadata `signatures: true` turns the check on for that run only.
 * Lines: the standard signed scenarios (tag schema, distribution 2.8) and the referrers-API
 * lines of test/helpers/signed-api.ts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import type { JsonReport } from '../../lib/core/report.js';
import { startSignatureApiFixture, type SignatureApiFixture } from '../helpers/signed-api.js';
import { BUCKET, context, handlers, pump, startPipeline, type PipelineFixture } from '../../testbed/pipeline-harness.js';

const regs = inject('registries');
const table = inject('scenarios');
const signed = table.filter((s) => s.flags.length === 1 && s.flags[0] === '--signatures');

let fx: PipelineFixture;
let api: SignatureApiFixture;
let store: S3ObjectStore;

beforeAll(async () => {
  api = await startSignatureApiFixture(regs, table, 'lambda-sig');
  fx = await startPipeline(
    { ALLOWLIST: [regs.plain.host, regs.tls.host, ...api.hosts].join(','), TLS_VERIFY: 'false' },
    { DEST_USERNAME: regs.tls.username, DEST_PASSWORD: regs.tls.password },
  );
  store = new S3ObjectStore({ bucket: BUCKET, client: fx.s3.client() });
});
afterAll(async () => {
  await fx?.stop();
  await api?.close();
});

async function validate(key: string, lines: readonly string[], metadata: Record<string, string>): Promise<JsonReport> {
  await store.put(key, `${lines.join('\n')}\n`, { metadata });
  const [outcome] = (await handlers.splitter(fx.drops.shift(), context)) as { runId: string; status: string }[];
  expect(outcome!.status).toBe('started');
  await pump(fx);
  return JSON.parse(Buffer.from((await store.get(`runs/${outcome!.runId}/report.json`))!).toString('utf8')) as JsonReport;
}

describe('serverless pipeline with signatures', () => {
  const lines = () => [...signed.map((s) => s.listLine), ...api.lines.map((l) => l.line)];
  const expected = () => [
    ...signed.map((s) => [s.listLine, s.expected.status, s.expected.code]),
    ...api.lines.map((l) => [l.line, l.status, l.code]),
  ];

  it('S3 metadata signatures=true: every signed shape gets its verdict', async () => {
    expect(signed.map((s) => s.expected.code)).toContain('SIGNATURE_MISSING');
    const report = await validate('lists/signed.txt', lines(), { signatures: 'true' });
    expect(report.settings).toMatchObject({ signatures: true });
    expect(report.results.map((r) => [r.input, r.status, r.code])).toEqual(expected());
    for (const [i, l] of api.lines.entries()) {
      for (const text of l.mentions ?? []) expect(report.results[signed.length + i]!.message).toContain(text);
    }
  });

  it('without the metadata (stack default false) the same mirrors pass', async () => {
    const report = await validate('lists/signed-off.txt', lines(), {});
    expect(report.results.every((r) => r.status === 'PASS')).toBe(true);
    expect(report.requests?.tagList ?? 0).toBe(0);
    expect(report.requests?.referrers ?? 0).toBe(0);
  });
});
