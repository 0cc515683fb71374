/**
 * Changes since the last run, locally: the real CLI against the harness registries runs a list,
 * the destination changes (a tag deleted, another re-pushed with a new digest, a missing one
 * added), and the list runs again, reordered, with a line more and a line less, `--compare-to`
 * the first report. The second report's `changes`, the summary line, `--fail-on new` and the
 * HTML report's "Changes since …" section (headless Chromium) say what changed.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { deleteManifest, pushImage } from '../../testbed/images.js';
import { artifactsDir, launchChromium, openPage } from '../helpers/browser.js';
import { runCli, type CliRun } from './cli-helpers.js';

const regs = inject('registries');
const destEnv = { DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: regs.tls.password! };
const id = randomBytes(3).toString('hex');
const platform = { architecture: 'amd64', os: 'linux' };
const repo = (name: string) => `chg-${id}/${name}`;
/** `src dst tag` of image `name`, mirrored to the same repository name. */
const line = (name: string) => `${regs.plain.host}/${repo(name)} ${regs.tls.host}/${repo(name)} 1.0`;
const key = (name: string) => `${regs.plain.host}/${repo(name)}:1.0 ${regs.tls.host}/${repo(name)}:1.0`;
const INVALID = 'not a list line !!';

interface Change { line: number; input: string; status: string; code: string | null; previousStatus: string | null; source?: string; destination?: string }
interface Report { changes?: { previous: { runId: string; finishedAt: string } | null; newlyFailing: Change[]; recovered: Change[]; stillFailing: number; added: number; removed: number }; finishedAt: string; runId: string }

let first: CliRun;
let second: CliRun;
const args = ['--tls-verify=false'];

beforeAll(async () => {
  const digests: Record<string, string> = {};
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
    const img = await pushImage(regs.plain, repo(name), { platform, format: 'docker', seed: `${id}-${name}`, tag: '1.0' });
    if (name !== 'c' && name !== 'e') await pushImage(regs.tls, repo(name), { platform, format: 'docker', seed: `${id}-${name}`, tag: '1.0' });
    digests[name] = img.digest;
  }
  first = await runCli([line('a'), line('b'), line('c'), line('d'), line('f'), INVALID], args, destEnv);
  // The destination changes: a's tag is deleted, b is re-pushed with other content, c is mirrored at last.
  await deleteManifest(regs.tls, repo('a'), digests.a!);
  await pushImage(regs.tls, repo('b'), { platform, format: 'docker', seed: `${id}-b-new`, tag: '1.0' });
  await pushImage(regs.tls, repo('c'), { platform, format: 'docker', seed: `${id}-c`, tag: '1.0' });
  // Reordered, e added, f removed.
  second = await runCli([INVALID, line('e'), line('d'), line('c'), line('b'), line('a')], [...args, '--compare-to', first.reportFile], destEnv, ['report.html']);
}, 180_000);

describe('--compare-to', () => {
  it('the first run stands alone: no changes in its report', async () => {
    expect(first.code).toBe(1);
    expect((await first.report() as unknown as Report).changes).toBeUndefined();
  });

  it('adds `changes` to the report, by (source, destination) pair, not by line number', async () => {
    const before = await first.report() as unknown as Report;
    const r = await second.report() as unknown as Report;
    expect(r.changes!.previous).toEqual({ runId: before.runId, finishedAt: before.finishedAt });
    const summary = (c: Change) => [c.source && c.destination ? `${c.source} ${c.destination}` : c.input, c.status, c.code, c.previousStatus, c.line];
    expect(r.changes!.newlyFailing.map(summary).sort()).toEqual([
      [key('a'), 'FAILED', 'DEST_NOT_FOUND', 'PASS', 6],
      [key('b'), 'FAILED', 'DIGEST_MISMATCH', 'PASS', 5],
      [key('e'), 'FAILED', 'DEST_NOT_FOUND', null, 2],
    ].sort());
    expect(r.changes!.recovered.map(summary)).toEqual([[key('c'), 'PASS', null, 'FAILED', 4]]);
    expect(r.changes).toMatchObject({ stillFailing: 1, added: 1, removed: 1 });
  });

  it('says it on the summary line, and exits 1 (any line needs attention)', () => {
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/validated 6 lines in [\d.]+ s: 2 passed, 3 failed, 0 errors, 0 skipped, 1 invalid; since \d{4}-\d\d-\d\dT[\d:.]+Z: 3 newly failing, 1 recovered\n/);
  });

  it('--fail-on new: exit 0 when nothing is newly failing, 1 when something is', async () => {
    const third = await runCli([INVALID, line('e'), line('d'), line('c'), line('b'), line('a')],
      [...args, '--compare-to', second.reportFile, '--fail-on', 'new'], destEnv);
    expect(third.stderr).toMatch(/: 0 newly failing, 0 recovered\n/);
    expect(third.code).toBe(0);
    const regressedRun = await runCli([line('a'), line('d')], [...args, '--compare-to', first.reportFile, '--fail-on', 'new'], destEnv);
    expect(regressedRun.stderr).toMatch(/: 1 newly failing, 0 recovered\n/);
    expect(regressedRun.code).toBe(1);
  }, 120_000);

  it('refuses a --compare-to file that is not a report, before validating anything', async () => {
    const bad = await runCli([line('d')], [...args, '--compare-to', join(first.dir, 'list.txt')], destEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^mirror-validate: --compare-to ".*list\.txt" is not a mirror-validate JSON report: .*\n$/);
  });
});

describe('"Changes since …" in the HTML report (Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launchChromium(); }, 60_000);
  afterAll(async () => { await browser?.close(); });

  it('comes first, with the counts and the newly failing and recovered lines', async () => {
    const { page, url, requests, errors } = await openPage(browser, join(second.dir, 'report.html'));
    try {
      const section = page.locator('main > section').first();
      expect(await section.getAttribute('id')).toBe('mv-changes');
      expect(await section.locator('h2').textContent()).toMatch(/^Changes since \d{4}-\d\d-\d\dT[\d:.]+Z \(run /);
      const cards = await section.locator('.card').allTextContents();
      expect(cards).toEqual(['3Newly failing', '1Recovered', '1Still failing', '1Added', '1Removed']);
      const tables = section.locator('table.changes');
      expect(await tables.nth(0).locator('tbody tr').count()).toBe(3);
      expect(await tables.nth(1).locator('tbody tr').allTextContents()).toEqual([expect.stringContaining(`${repo('c')} `)]);
      expect(await tables.nth(0).locator('tbody tr').first().locator('td').nth(3).textContent()).toMatch(/^(PASS|absent)$/);
      await page.screenshot({ path: join(await artifactsDir(), 'html-report-changes.png') });
      expect(requests).toEqual([url]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
