/**
 * The package a user installs. `npm pack` (its prepack cleans and builds dist/) makes the
 * tarball; it is installed into an empty folder as a user installs it (`npm install <tarball>`,
 * production dependencies only, from the npm cache when it holds them, else the npm registry),
 * and the installed `mirror-validate` bin runs against the real test registries (a local run)
 * and s3rver (`fetch` of that run from a bucket).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FsObjectStore } from '../../lib/adapters/local/fs-store.js';
import { S3ObjectStore } from '../../lib/adapters/aws/s3-store.js';
import { scenario } from '../../testbed/scenarios.js';
import { startS3, type S3Fixture } from '../../testbed/s3.js';
import { satisfies } from '../../scripts/check-node.mjs';

const regs = inject('registries');
const scenarios = inject('scenarios');
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Ran { code: number | null; stdout: string; stderr: string }

/** The environment without the parent npm's `npm_*` variables (they would point a child npm at this repo). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  return { ...env, ...extra };
}

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let tmp: string;
let files: string[];
let app: string;
let bin: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'mv-package-'));
  const packed = await run('npm', ['pack', '--json', '--pack-destination', tmp], root);
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
  files = info!.files.map((f) => f.path);
  app = join(tmp, 'app');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'installs-mirror-validate', private: true }));
  const installed = await run('npm', ['install', '--prefix', app, '--prefer-offline', '--omit=dev', '--no-audit', '--no-fund',
    join(tmp, info!.filename)], app);
  expect(installed.code, installed.stderr).toBe(0);
  bin = join(app, 'node_modules', '.bin', 'mirror-validate');
}, 600_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the CLI, its library and the README: no tests, test bed, fixtures, benchmarks, infra, handlers or source maps', () => {
    expect(files).toContain('dist/bin/cli.js');
    expect(files).toContain('dist/lib/cli/run.js');
    expect(files).toContain('README.md');
    const unwanted = files.filter((f) => /^(test|testbed|bench|scripts|fixtures|lambdas|lib|bin)\//.test(f)
      || /^dist\/(lib\/infra|lambdas|bin\/app)/.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    expect(unwanted).toEqual([]);
  });

  it('installs with only its declared dependencies, and the bin validates a list against real registries', async () => {
    const pass = scenario(scenarios, 'docker-list-filtered').listLine;
    const fail = scenario(scenarios, 'upstream-updated').listLine;
    await writeFile(join(tmp, 'list.txt'), `${pass}\n${fail}\nnot a line !\n`);
    const out = await run(bin, [
      '-f', 'list.txt', '-d', regs.tls.host, '--tls-verify=false', '--no-cache', '-j', '20',
      '-o', 'failed.txt', '--report', 'report.json', '--report', 'report.html', '--work-dir', 'work',
    ], tmp, cleanEnv({ HOME: tmp, DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: regs.tls.password! }));
    expect(out.code, out.stderr).toBe(1);
    expect(out.stderr).not.toMatch(/Warning/); // e.g. Node's MaxListenersExceededWarning
    expect(out.stderr).toMatch(/validated 3 lines in [\d.]+ s: 1 passed, 1 failed, 0 errors, 0 skipped, 1 invalid/);
    const report = JSON.parse(await readFile(join(tmp, 'report.json'), 'utf8')) as { results: { status: string; code: string | null }[] };
    expect(report.results.map((r) => [r.status, r.code])).toEqual([['PASS', null], ['FAILED', 'DIGEST_MISMATCH'], ['INVALID', 'INVALID_FORMAT']]);
    expect(await readFile(join(tmp, 'failed.txt'), 'utf8')).toBe(`${fail}\n`);
    expect(await readFile(join(tmp, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  });

  describe('with a bucket', () => {
    let s3: S3Fixture;
    beforeAll(async () => {
      s3 = await startS3(['installed']);
    });
    afterAll(async () => s3?.stop());

    it('the bin fetches a finished run from S3 and exits as the run did', async () => {
      // The local run's --work-dir is laid out as the bucket: put it there as the pipeline would have.
      const work = new FsObjectStore(join(tmp, 'work'));
      const bucket = new S3ObjectStore({ bucket: 'installed', client: s3.client() });
      const runs: string[] = [];
      for await (const folder of work.listFolders('runs/')) runs.push(folder.slice('runs/'.length, -1));
      expect(runs).toHaveLength(1);
      for await (const key of work.list('runs/')) await bucket.put(key, (await work.get(key))!);
      const out = await run(bin, [
        'fetch', '--run', runs[0]!, '--bucket', 'installed', '--endpoint', s3.endpoint, '-o', 'fetched-failed.txt', '--report', 'fetched.xml',
      ], tmp, cleanEnv({ HOME: tmp, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }));
      expect(out.code, out.stderr).toBe(1);
      expect(await readFile(join(tmp, 'fetched-failed.txt'), 'utf8')).toBe(await readFile(join(tmp, 'failed.txt'), 'utf8'));
      expect(await readFile(join(tmp, 'fetched.xml'), 'utf8')).toMatch(/<testsuites[^>]* tests="3" failures="1"/);
    });
  });
});

/** `engines.node` of every package in `dir` (a node_modules folder), nested ones included. */
function enginesIn(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() && !e.isSymbolicLink()) continue;
    const path = join(dir, e.name);
    if (e.name.startsWith('@')) {
      enginesIn(path, out);
      continue;
    }
    try {
      const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { name?: string; version?: string; engines?: { node?: string } };
      if (pkg.engines?.node) out.set(`${pkg.name}@${pkg.version}`, pkg.engines.node);
    } catch { /* not a package */ }
    try {
      enginesIn(join(path, 'node_modules'), out);
    } catch { /* no nested node_modules */ }
  }
  return out;
}

describe('engines', () => {
  const range = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const lowest = /^>=\s*(\d+)\.(\d+)$/.exec(range);
  const engines = enginesIn(join(root, 'node_modules'));

  it('the lowest Node that engines allows runs every dependency (dev ones too: npm ci installs them)', () => {
    expect(lowest, `engines.node ${range}: expected >=MAJOR.MINOR`).not.toBeNull();
    expect(engines.size).toBeGreaterThan(100);
    const refused = [...engines].filter(([, r]) => !satisfies(`${lowest![1]}.${lowest![2]}.0`, r));
    expect(refused).toEqual([]);
  });

  it('is no stricter than the dependencies: the release before it is refused by one of them', () => {
    const before = `${lowest![1]}.${Number(lowest![2]) - 1}.99`;
    expect([...engines].filter(([, r]) => !satisfies(before, r)).map(([name]) => name).length).toBeGreaterThan(0);
  });
});
