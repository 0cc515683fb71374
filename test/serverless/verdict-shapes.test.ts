/**
 * Every standard scenario whose destination is the TLS registry read as `tester` (the shapes of
 * issue 9 included: signature tags, artifacts, referrers indexes, arm variants, Windows one-entry
 * lists, duplicates, nested indexes) through the real Lambda handlers: one list per group of
 * flags, dropped into s3rver with the flags as S3 metadata, validated by the validator handler
 * against the real registries, aggregated into report.json. Each line gets the verdict and the
 * rule the CLI gives it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import type { JsonReport } from '../../lib/core/report.js';
import { EXPECTED_RULES } from '../../testbed/scenario-defs-verdicts.js';
import { groupScenarios, type Scenario } from '../../testbed/scenarios.js';
import { BUCKET, context, handlers, pump, startPipeline, type PipelineFixture } from '../../testbed/pipeline-harness.js';

const registries = inject('registries');
const scenarios = inject('scenarios').filter((s) => s.source.registry === 'plain' && s.source.creds === 'none'
  && s.dest.registry === 'tls' && s.dest.creds === 'tester');

let fx: PipelineFixture;
let store: S3ObjectStore;

/** The CLI flags of a scenario as S3 metadata (named like the flags). */
function metadata(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { arch: 'amd64,arm64', os: 'linux,windows' };
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (f === '--arch') out.arch = flags[++i]!;
    else if (f === '--deep') out.deep = 'true';
    else if (f === '--attestations') out.attestations = 'true';
    else if (f === '--signatures') out.signatures = 'true';
    else throw new Error(`no metadata for flag ${f}`);
  }
  return out;
}

beforeAll(async () => {
  fx = await startPipeline(
    { ALLOWLIST: `${registries.plain.host},${registries.tls.host}`, TLS_VERIFY: 'false' },
    { DEST_USERNAME: registries.tls.username, DEST_PASSWORD: registries.tls.password },
  );
  store = new S3ObjectStore({ bucket: BUCKET, client: fx.s3.client() });
});
afterAll(async () => fx?.stop());

describe('verdicts through the serverless handlers', () => {
  it('covers the shapes of issue 9', () => {
    const names = new Set(scenarios.map((s) => s.name));
    for (const n of ['cosign-sig-copied', 'cosign-sig-not-copied', 'helm-chart-copied', 'oci-artifact-copied', 'referrers-tag-copied',
      'referrers-tag-not-copied', 'arm-variants-written-out', 'arm-variants-dropped', 'windows-one-entry-list', 'duplicate-platform-identical',
      'nested-index-identical', 'nested-index-dest-absent', 'attestation-other-type-required']) expect(names).toContain(n);
  });

  const groups = groupScenarios(scenarios);
  it.each(groups.map((g, i) => [i, g.map((s) => s.name).join(', '), g] as [number, string, Scenario[]]))(
    'list %i gives every line its verdict: %s', { timeout: 120_000 }, async (i, _names, group) => {
      await store.put(`lists/shapes-${i}.txt`, `${group.map((s) => s.listLine).join('\n')}\n`, { metadata: metadata(group[0]!.flags) });
      const [outcome] = (await handlers.splitter(fx.drops.shift(), context)) as { runId: string; status: string }[];
      expect(outcome!.status).toBe('started');
      await pump(fx);
      const report = JSON.parse(Buffer.from((await store.get(`runs/${outcome!.runId}/report.json`))!).toString('utf8')) as JsonReport;
      const got = report.results.map((r) => ({ name: group[r.line - 1]!.name, status: r.status, code: r.code }));
      expect(got).toEqual(group.map((s) => ({ name: s.name, status: s.expected.status, code: s.expected.code })));
      for (const r of report.results) {
        const want = EXPECTED_RULES[group[r.line - 1]!.name];
        if (want) expect(r.rule).toBe(want);
        else if (r.status === 'PASS' || r.status === 'FAILED') expect(['index', 'artifact', 'single']).toContain(r.rule);
      }
    });
});
