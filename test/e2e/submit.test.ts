/**
 * `mirror-validate submit`, `status` and `fetch` end to end against the emulated cloud: s3rver
 * as the bucket and the real Lambda handlers driven by the serverless pipeline harness
 * (testbed/pipeline-harness.ts), which validate against the real local registries.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { XMLValidator } from 'fast-xml-parser';
import { main } from '../../lib/cli/run.js';
import type { JsonReport } from '../../lib/core/report.js';
import { BUCKET, context, handlers, pump, startPipeline, type PipelineFixture } from '../../testbed/pipeline-harness.js';

const registries = inject('registries');
const scenarios = inject('scenarios');
const chosen = scenarios.filter((s) => s.flags.length === 0 && s.source.registry === 'plain' && s.source.creds === 'none'
  && s.dest.registry === 'tls' && s.dest.creds === 'tester').slice(0, 8);
const passing = chosen.filter((s) => s.expected.status === 'PASS');
const bad = chosen.filter((s) => s.expected.status === 'FAILED' || s.expected.status === 'ERROR');
const INVALID = 'not a valid line !!';

let fx: PipelineFixture;
let dir: string;
/** What the cloud does on its own: start the splitter for each upload and, when `pumping`, run the queues. */
let driver: { stop: boolean; pumping: boolean; busy: boolean; loop?: Promise<void> };
const tick = () => new Promise((r) => setTimeout(r, 10));

async function drive(): Promise<void> {
  while (!driver.stop) {
    const event = fx.drops.shift();
    driver.busy = true;
    if (event) await handlers.splitter(event, context);
    if (driver.pumping) await pump(fx);
    driver.busy = false;
    await tick();
  }
}

/** Waits until every upload so far has been split. */
async function splitDone(): Promise<void> {
  while (driver.busy || fx.drops.length > 0) await tick();
}

interface Run { code: number; stdout: string; stderr: string }

async function cli(args: readonly string[], tty = false): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--', ...args].slice(1), {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true), isTTY: tty, columns: 100 },
    env: { HOME: dir, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  });
  return { code, stdout, stderr };
}

const remote = () => ['--bucket', BUCKET, '--endpoint', fx.s3.endpoint, '--poll-interval', '0.02'];
const file = (name: string) => join(dir, name);
const text = (name: string) => readFile(file(name), 'utf8').catch(() => null);
const expectedFailed = () => `${[...new Set(bad.map((s) => s.listLine))].sort().join('\n')}\n`;

beforeAll(async () => {
  expect(passing.length > 0 && bad.length > 0).toBe(true);
  fx = await startPipeline(
    { ALLOWLIST: `${registries.plain.host},${registries.tls.host}`, TLS_VERIFY: 'false' },
    { DEST_USERNAME: registries.tls.username, DEST_PASSWORD: registries.tls.password },
  );
  dir = await mkdtemp(join(tmpdir(), 'mv-submit-'));
  await writeFile(file('nightly.txt'), ['# nightly', ...chosen.map((s) => s.listLine), INVALID, ''].join('\n'));
  await writeFile(file('clean.txt'), `${passing.map((s) => s.listLine).join('\n')}\n`);
}, 60_000);

beforeEach(() => {
  driver = { stop: false, pumping: true, busy: false };
  driver.loop = drive();
  return async () => {
    driver.stop = true;
    await driver.loop;
  };
});

afterAll(async () => fx?.stop());

describe('mirror-validate submit', () => {
  it('uploads the list with its settings, shows progress, fetches the results and exits 1 on failures', async () => {
    const run = await cli(['submit', '-f', file('nightly.txt'), ...remote(), '-a', 'amd64,arm64', '-o', file('failed.txt'),
      '--report', file('r.json'), '--report', file('r.html'), '--report', file('r.xml')]);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(1);
    // Uploaded under lists/ with only the settings given on the command line as metadata.
    const head = await fx.s3.client().send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'lists/nightly.txt' }));
    expect(head.Metadata).toEqual({ arch: 'amd64,arm64' });
    // Progress: plain lines (stderr is no TTY), one per non-passing line, then the summary.
    const runId = /run (\S+) started/.exec(run.stderr)?.[1];
    expect(runId).toMatch(/^\d{8}T\d{6}Z-nightly\.txt-[0-9a-f]{12}$/);
    for (const s of bad) expect(run.stderr).toContain(`${s.expected.status} line`);
    expect(run.stderr).toMatch(new RegExp(`validated ${chosen.length + 1} lines in [\\d.]+ s: ${passing.length} passed, .* 1 invalid`));
    // Results, as a local run writes them.
    expect(await text('failed.txt')).toBe(expectedFailed());
    const report = JSON.parse((await text('r.json'))!) as JsonReport;
    expect(report.runId).toBe(runId);
    expect(report.results.map((r) => [r.input, r.status])).toEqual([...chosen.map((s) => [s.listLine, s.expected.status]), [INVALID, 'INVALID']]);
    expect(await text('r.html')).toContain('<title>mirror-validate report: nightly.txt</title>');
    expect(XMLValidator.validate((await text('r.xml'))!)).toBe(true);
  });

  it('exits 0 for a clean list, removes a stale failed file, and draws a bar on a TTY', async () => {
    await writeFile(file('stale.txt'), 'old:1\n');
    const run = await cli(['submit', '-f', file('clean.txt'), ...remote(), '-o', file('stale.txt')], true);
    expect(run.code).toBe(0);
    expect(await text('stale.txt')).toBeNull();
    expect(run.stderr).toContain(`] ${passing.length}/${passing.length} lines, 0 not passing`);
  });

  it('--no-wait prints the run id; status and fetch read the results later', async () => {
    driver.pumping = false;
    const sub = await cli(['submit', '-f', file('nightly.txt'), ...remote(), '--no-wait']);
    expect(sub.code).toBe(0);
    const runId = sub.stdout.trim();
    expect(runId).toMatch(/^\d{8}T\d{6}Z-nightly\.txt-[0-9a-f]{12}$/);
    await splitDone();

    const running = await cli(['status', runId, ...remote()]);
    expect(running).toMatchObject({ code: 0, stdout: `${runId}: running, 1 of ${chosen.length + 1} lines have a result\n` });

    driver.pumping = true;
    const waited = await cli(['status', runId, '--wait', ...remote(), '-o', file('status-failed.txt')]);
    expect(waited.code).toBe(1);
    expect(await text('status-failed.txt')).toBe(expectedFailed());

    const finished = await cli(['status', runId, ...remote()]);
    expect(finished.code).toBe(1);
    expect(finished.stdout).toBe(`${runId}: finished\n`);

    const byList = await cli(['fetch', '--list', 'nightly.txt', ...remote(), '-o', file('fetched.txt'), '--report', file('fetched.html')]);
    expect(byList.code).toBe(1);
    expect(await text('fetched.txt')).toBe(expectedFailed());
    expect(await text('fetched.html')).toContain('DIGEST_MISMATCH');

    const byRun = await cli(['fetch', '--run', runId, ...remote(), '-o', file('fetched-run.txt')]);
    expect(byRun.code).toBe(1);
    expect(await text('fetched-run.txt')).toBe(expectedFailed());
  });

  it('exits 2 with the reason when the pipeline refuses the run settings', async () => {
    const run = await cli(['submit', '-f', file('clean.txt'), ...remote(), '--tls-verify=false']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/could not run: run setting "tls-verify=false" .* not allowed by this stack/);
  });

  it.each([
    [['submit', '-f', 'x.txt'], 'bucket not specified'],
    [['fetch', '--bucket', 'b'], 'name either --list NAME or --run RUN_ID'],
    [['status', '--bucket', 'b'], "missing required argument 'run-id'"],
    [['submit', '-f', 'x.txt', '--bucket', 'b', '--prefix', 'lists'], 'must end with "/"'],
  ])('%j is a usage error', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('fails clearly for an unknown run or list', async () => {
    expect(await cli(['status', '20200101T000000Z-none-000000000000', ...remote()])).toMatchObject({ code: 2, stderr: expect.stringContaining('not found') });
    expect(await cli(['fetch', '--list', 'none', ...remote()])).toMatchObject({ code: 2, stderr: expect.stringContaining('no finished run of list "none"') });
    // Lists keep their extension in results/: the name without it gets a hint.
    expect(await cli(['fetch', '--list', 'nightly', ...remote()])).toMatchObject({ code: 2, stderr: expect.stringContaining('(lists keep their extension: --list nightly.txt)') });
  });
});
