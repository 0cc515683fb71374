/**
 * `--signatures` through the real CLI against the real registries: the referrers API (a front
 * that adds it to distribution 2.8, with `Link` pages) and its 404 fallback to the tag schema, the
 * messages, the per-run tag listing shared by the lines of a repository, and the setting off by
 * default. The standard signed scenarios (tag schema) also run in test/e2e/scenarios.test.ts.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scenario } from '../../testbed/scenarios.js';
import { startSignatureApiFixture, type SignatureApiFixture } from '../helpers/signed-api.js';
import { runCli } from './cli-helpers.js';

const regs = inject('registries');
const table = inject('scenarios');
const env = { DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: regs.tls.password! };
let fx: SignatureApiFixture;

beforeAll(async () => {
  fx = await startSignatureApiFixture(regs, table, 'e2e-sig');
});
afterAll(async () => fx?.close());

describe('CLI --signatures', () => {
  it('gives every line its verdict, through the referrers API and through its 404 fallback', async () => {
    const run = await runCli(fx.lines.map((l) => l.line), ['--tls-verify=false', '-j', '4', '--signatures'], env);
    const report = await run.report();
    expect(report.results.map((r) => [r.input, r.status, r.code])).toEqual(fx.lines.map((l) => [l.line, l.status, l.code]));
    report.results.forEach((r, i) => {
      for (const text of fx.lines[i]!.mentions ?? []) expect(r.message).toContain(text);
    });
    expect(run.code).toBe(1);
    expect(report.settings).toMatchObject({ signatures: true });
    // The API was asked, its Link pages followed; the fallback front answered 404 and the tag schema was used.
    expect(fx.api.requests.some((p) => p.includes('?last='))).toBe(true);
    expect(fx.noApi.requests.length).toBeGreaterThan(0);
  });

  it('lists the tags of a repository once per run, whatever the number of its lines', async () => {
    const apiLines = fx.lines.slice(0, 3).map((l) => l.line);
    const run = await runCli(apiLines, ['--tls-verify=false', '-j', '3', '--signatures'], env);
    const report = await run.report() as unknown as { results: { requests: Record<string, number> }[]; requests: Record<string, number> };
    // One source repository (3 lines) and, at the destinations, HEADs only: one listing in all.
    expect(report.requests.tagList).toBe(1);
    expect(report.results.map((r) => r.requests.tagList ?? 0).sort()).toEqual([0, 0, 1]); // counts name only the kinds used
  });

  it('is off by default: a mirror without its signatures passes', async () => {
    const s = scenario(table, 'signed-not-copied');
    const without = await runCli([s.listLine], ['--tls-verify=false'], env);
    const plain = (await without.report()).results[0]!;
    expect(plain).toMatchObject({ status: 'PASS' });
    // No listing or probe was made: the per-line counts name only the kinds used.
    expect(plain.requests).not.toHaveProperty('tagList');
    expect(plain.requests).not.toHaveProperty('referrers');
    const withFlag = await runCli([s.listLine], ['--tls-verify=false', '--signatures'], env);
    const r = (await withFlag.report()).results[0]!;
    expect(r).toMatchObject({ status: 'FAILED', code: 'SIGNATURE_MISSING' });
    expect(r.message).toMatch(/^destination signature tag sha256-[0-9a-f]{12}…\.(sig|sbom|att) does not exist; /);
    expect(await withFlag.failed()).toBe(`${s.listLine}\n`);
  });
});
