/**
 * Changes since the last run, serverless: the real handlers over s3rver (testbed/pipeline-harness)
 * run a list dropped as `lists/nightly.txt`; the destination changes (a tag deleted, another
 * re-pushed with a new digest, a missing one added); the list is dropped again, reordered, with a
 * line more and a line less. Each run compares itself with the run published under
 * `results/nightly.txt/`: report.json's `changes`, summary.json's counts, the completion events'
 * `newlyFailing`, `recovered` and `regressed`, the HTML section (headless Chromium), and what
 * `fetch` prints.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import { main } from '../../lib/cli/run.js';
import { deleteManifest, pushImage } from '../../testbed/images.js';
import { BUCKET, context, handlers, pump, startPipeline, type PipelineFixture } from '../../testbed/pipeline-harness.js';
import { launchChromium, openPage } from '../helpers/browser.js';

const regs = inject('registries');
const id = randomBytes(3).toString('hex');
const platform = { architecture: 'amd64', os: 'linux' };
const repo = (name: string) => `chg-s-${id}/${name}`;
const line = (name: string) => `${regs.plain.host}/${repo(name)} ${regs.tls.host}/${repo(name)} 1.0`;
const INVALID = 'not a list line !!';

interface Change { status: string; code: string | null; previousStatus: string | null; source?: string; line: number }
interface Changes { previous: { runId: string; finishedAt: string } | null; newlyFailing: Change[]; recovered: Change[]; stillFailing: number; added: number; removed: number }

let fx: PipelineFixture;
let store: S3ObjectStore;
const runs: string[] = [];
const json = async <T>(key: string): Promise<T> => JSON.parse(Buffer.from((await store.get(key))!).toString('utf8')) as T;
const event = (runId: string) => fx.completions().find((e) => e.runId === runId) as Record<string, unknown>;

async function drop(lines: readonly string[]): Promise<string> {
  await store.put('lists/nightly.txt', `${lines.join('\n')}\n`);
  const [outcome] = (await handlers.splitter(fx.drops.shift(), context)) as { runId: string; status: string }[];
  expect(outcome!.status).toBe('started');
  await pump(fx);
  runs.push(outcome!.runId);
  return outcome!.runId;
}

beforeAll(async () => {
  fx = await startPipeline(
    { ALLOWLIST: `${regs.plain.host},${regs.tls.host}`, TLS_VERIFY: 'false' },
    { DEST_USERNAME: regs.tls.username, DEST_PASSWORD: regs.tls.password },
  );
  store = new S3ObjectStore({ bucket: BUCKET, client: fx.s3.client() });
  const digests: Record<string, string> = {};
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
    digests[name] = (await pushImage(regs.plain, repo(name), { platform, format: 'docker', seed: `${id}-${name}`, tag: '1.0' })).digest;
    if (name !== 'c' && name !== 'e') await pushImage(regs.tls, repo(name), { platform, format: 'docker', seed: `${id}-${name}`, tag: '1.0' });
  }
  await drop([line('a'), line('b'), line('c'), line('d'), line('f'), INVALID]);
  await deleteManifest(regs.tls, repo('a'), digests.a!);
  await pushImage(regs.tls, repo('b'), { platform, format: 'docker', seed: `${id}-b-new`, tag: '1.0' });
  await pushImage(regs.tls, repo('c'), { platform, format: 'docker', seed: `${id}-c`, tag: '1.0' });
  await drop([INVALID, line('e'), line('d'), line('c'), line('b'), line('a')]);
  await drop([line('a'), line('b'), line('c'), line('d'), line('e'), INVALID]);
}, 240_000);
afterAll(async () => fx?.stop());

describe('each run compared with the run published for its list', () => {
  it('the first run has no previous run: every line that needs attention is new', async () => {
    const summary = await json<Record<string, unknown>>(`runs/${runs[0]}/summary.json`);
    expect(summary).toMatchObject({ previous: null, newlyFailing: 2, recovered: 0, regressed: true });
    expect(event(runs[0]!)).toMatchObject({ newlyFailing: 2, recovered: 0, regressed: true });
  });

  it('the second: report.json `changes` by pair, summary.json counts, and a regressed completion event', async () => {
    const first = await json<{ finishedAt: string }>(`runs/${runs[0]}/summary.json`);
    const { changes } = await json<{ changes: Changes }>(`runs/${runs[1]}/report.json`);
    expect(changes.previous).toEqual({ runId: runs[0], finishedAt: first.finishedAt });
    const view = (c: Change) => [c.source, c.status, c.code, c.previousStatus, c.line];
    expect(changes.newlyFailing.map(view)).toEqual([
      [`${regs.plain.host}/${repo('a')}:1.0`, 'FAILED', 'DEST_NOT_FOUND', 'PASS', 6],
      [`${regs.plain.host}/${repo('b')}:1.0`, 'FAILED', 'DIGEST_MISMATCH', 'PASS', 5],
      [`${regs.plain.host}/${repo('e')}:1.0`, 'FAILED', 'DEST_NOT_FOUND', null, 2],
    ]);
    expect(changes.recovered.map(view)).toEqual([[`${regs.plain.host}/${repo('c')}:1.0`, 'PASS', null, 'FAILED', 4]]);
    expect(changes).toMatchObject({ stillFailing: 1, added: 1, removed: 1 });
    expect(await json(`runs/${runs[1]}/summary.json`)).toMatchObject({ previous: changes.previous, newlyFailing: 3, recovered: 1, regressed: true });
    expect(event(runs[1]!)).toMatchObject({ outcome: 'failed', newlyFailing: 3, recovered: 1, regressed: true, summary: { newlyFailing: 3, regressed: true } });
  });

  it('the third, with nothing changed: a completion event that does not regress, though lines still fail', async () => {
    expect(event(runs[2]!)).toMatchObject({ outcome: 'failed', newlyFailing: 0, recovered: 0, regressed: false });
    expect(await json<{ changes: Changes }>('results/nightly.txt/report.json')).toMatchObject({ changes: { stillFailing: 4, added: 0, removed: 0 } });
  });

  it('fetch prints the same changes and --fail-on new exits by them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mv-changes-'));
    const cli = async (args: string[]) => {
      let stderr = '';
      const code = await main(args, {
        stdout: { write: () => true }, stderr: { write: (s: string) => ((stderr += s), true), isTTY: false },
        env: { HOME: dir, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
      });
      return { code, stderr };
    };
    const remote = ['--bucket', BUCKET, '--endpoint', fx.s3.endpoint, '-o', join(dir, 'failed.txt')];
    const second = await cli(['fetch', '--run', runs[1]!, ...remote, '--report', join(dir, 'second.html')]);
    const first = await json<{ finishedAt: string }>(`runs/${runs[0]}/summary.json`);
    expect(second.stderr).toContain(`1 invalid; since ${first.finishedAt}: 3 newly failing, 1 recovered\n`);
    expect(second.code).toBe(1);
    const latest = await cli(['fetch', '--list', 'nightly.txt', ...remote, '--fail-on', 'new']);
    expect(latest.stderr).toMatch(/: 0 newly failing, 0 recovered\n/);
    expect(latest.code).toBe(0);

    const browser = await launchChromium();
    try {
      const html = join(dir, 'bucket.html');
      await writeFile(html, (await store.get(`runs/${runs[1]}/report.html`))!);
      for (const file of [html, join(dir, 'second.html')]) {
        const { page, errors } = await openPage(browser, file);
        expect(await page.locator('main > section').first().getAttribute('id')).toBe('mv-changes');
        expect(await page.locator('#mv-changes h2').textContent()).toContain(`Changes since ${first.finishedAt} (run ${runs[0]})`);
        expect(await page.locator('#mv-changes table.changes').nth(0).locator('tbody tr').count()).toBe(3);
        expect(errors).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
