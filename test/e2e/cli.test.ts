/**
 * The CLI as a user meets it: a mixed list across two registries (one TLS with auth), the
 * registry overrides, default-format lines, invalid lines, fatal input errors, TLS defaults
 * and secrets kept out of every output.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { copyImage } from '../../testbed/images.js';
import { scenario } from '../../testbed/scenarios.js';
import { runCli } from './cli-helpers.js';

const regs = inject('registries');
/** A CLI process (tsx compiles on start) is killed after this: never a hang, with room for a loaded machine. */
const SPAWN_LIMIT_MS = 60_000;
const scenarios = inject('scenarios');
const destEnv = { DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: regs.tls.password! };
const repoOf = (line: string, col: 0 | 1) => line.split(' ')[col]!.split('/').slice(1).join('/');

describe('mirror-validate CLI', () => {
  it('reports every line of a mixed list with the right status, code and exit code', async () => {
    // Prepare: passes, failures, a skip, invalid lines, comments, CRLF, a closed port.
    const pass = scenario(scenarios, 'docker-list-filtered').listLine;
    const fail = scenario(scenarios, 'upstream-updated').listLine;
    const skip = scenario(scenarios, 'no-matching-platform').listLine;
    const lines = [
      '\uFEFF# mirrored nightly', pass, '', `  ${fail.replace(/ /g, '\t')}  \r`, '// a comment', skip,
      'one two', 'Bad/Upper mirror/x 1.0', '127.0.0.1:1/src/gone mirror/gone 1.0', pass,
    ];
    // Act
    const run = await runCli(lines, ['--tls-verify=false', '-j', '4', '-d', regs.tls.host], destEnv);
    const report = await run.report();
    // Assess
    expect(run.code).toBe(1);
    expect(report.summary).toMatchObject({ total: 7, passed: 2, failed: 1, errors: 1, skipped: 1, invalid: 2 });
    const brief = report.results.map((r) => [r.line, r.status, r.code]);
    expect(brief).toEqual([
      [2, 'PASS', null], [4, 'FAILED', 'DIGEST_MISMATCH'], [6, 'SKIPPED', 'NO_MATCHING_PLATFORM'],
      [7, 'INVALID', 'INVALID_FORMAT'], [8, 'INVALID', 'INVALID_REFERENCE'], [9, 'ERROR', 'NETWORK'], [10, 'PASS', null],
    ]);
    const failedLine = report.results[1]!;
    expect(failedLine.input).toBe(fail.replace(/ /g, '\t'));
    expect(failedLine.srcSpec).toBeInstanceOf(Array);
    expect(failedLine.dstSpec).toBeInstanceOf(Array);
    expect(report.results[3]!.message).toMatch(/^line 7: /);
    for (const r of report.results) expect(typeof r.message).toBe('string');
    expect(report.results[0]).toMatchObject({ requests: expect.any(Object), durationMs: expect.any(Number) });
    // The failed file holds FAILED and ERROR lines only (INVALID lines are in the report), sorted.
    expect(await run.failed()).toBe([fail.replace(/ /g, '\t'), '127.0.0.1:1/src/gone mirror/gone 1.0'].sort().join('\n') + '\n');
    expect(run.stderr).toMatch(/validated 7 lines in [\d.]+ s: 2 passed, 1 failed, 1 errors, 1 skipped, 2 invalid/);
  });

  it('applies -s and -d to short names, with --default-project for registry/name destinations', async () => {
    // Prepare: a correct mirror at <tls>/library/<name>, addressed by the names alone.
    const src = scenario(scenarios, 'docker-list-filtered');
    const name = 'override-check';
    await copyImage(regs.tls, repoOf(src.listLine, 1), '1.0', regs.tls, `library/${name}`);
    // Act: `src/docker-list-filtered <name> 1.0` with -s plain -d tls
    const run = await runCli([`${repoOf(src.listLine, 0)} ${name} 1.0`],
      ['--tls-verify=false', '-s', regs.plain.host, '-d', regs.tls.host], destEnv);
    // Assess
    expect((await run.report()).results[0]).toMatchObject({
      status: 'PASS',
      source: `${regs.plain.host}/${repoOf(src.listLine, 0)}:1.0`,
      destination: `${regs.tls.host}/library/${name}:1.0`,
    });
    expect(run.code).toBe(0);
  });

  it('validates default-format lines against the same path on the destination registry', async () => {
    const src = scenario(scenarios, 'reordered');
    const repo = repoOf(src.listLine, 0);
    await copyImage(regs.plain, repo, '1.0', regs.tls, repo);
    const run = await runCli([`${regs.plain.host}/${repo}:1.0`, `${regs.plain.host}/${repo}`],
      ['--tls-verify=false', '-d', regs.tls.host], destEnv);
    const results = (await run.report()).results;
    expect(results.map((r) => [r.status, r.code, r.destination])).toEqual([
      ['PASS', null, `${regs.tls.host}/${repo}:1.0`],
      ['ERROR', 'SOURCE_ERROR', `${regs.tls.host}/${repo}:latest`], // no tag: latest, absent at the source too
    ]);
    expect(results[1]!.message).toMatch(/source manifest does not exist/);
  });

  it('verifies TLS by default: an untrusted certificate is ERROR TLS, never DEST_NOT_FOUND; --ca-file fixes it', async () => {
    const line = scenario(scenarios, 'token-public-source').listLine; // https token source -> https tls dest
    const untrusted = await runCli([line], [], destEnv);
    expect((await untrusted.report()).results[0]).toMatchObject({ status: 'ERROR', code: 'TLS' });
    expect(untrusted.code).toBe(1);
    const trusted = await runCli([line], ['--ca-file', regs.caFile], destEnv);
    expect((await trusted.report()).results[0]).toMatchObject({ status: 'PASS', code: null });
  });

  it('with --work-dir, a directory plays the bucket: the run is kept in the S3 layout', async () => {
    const line = scenario(scenarios, 'child-deleted').listLine;
    const work = join(regs.caFile, '..', `work-${Math.random().toString(36).slice(2)}`);
    const run = await runCli([line], ['--tls-verify=false', '--work-dir', work], destEnv);
    const [runId] = await readdir(join(work, 'runs'));
    expect(runId).toMatch(/^local-/);
    const files = await readdir(join(work, 'runs', runId!));
    expect(files).toEqual(expect.arrayContaining(['run.json', 'report.json', 'summary.json', 'mirror-validate-failed.txt', 'results']));
    expect(await readFile(join(work, 'runs', runId!, 'mirror-validate-failed.txt'), 'utf8')).toBe(await run.failed());
    const result = JSON.parse(await readFile(join(work, 'runs', runId!, 'results', '000000001.json'), 'utf8'));
    expect(result).toMatchObject({ line: 1, status: 'FAILED', code: 'CHILD_MISSING' });
  });

  it('removes a stale failed file when nothing failed', async () => {
    const line = scenario(scenarios, 'oci-index-identical').listLine;
    const first = await runCli([line], ['--tls-verify=false'], destEnv);
    await writeFile(first.failedFile, 'stale\n');
    const code = await runCli([line], ['--tls-verify=false', '-o', first.failedFile], destEnv).then((r) => r.code);
    expect(code).toBe(0);
    await expect(readFile(first.failedFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps passwords and tokens out of debug logs, reports and failed files', async () => {
    const lines = ['token-dest', 'tls-no-creds', 'child-deleted', 'token-dest-limited-denied'].map((n) => scenario(scenarios, n).listLine);
    const env = { DEST_USERNAME: regs.token.username!, DEST_PASSWORD: regs.token.password! };
    const run = await runCli(lines, ['--tls-verify=false', '--debug'], env);
    const outputs = [run.stderr, await readFile(run.reportFile, 'utf8'), (await run.failed()) ?? ''].join('\n');
    expect(run.stderr).toMatch(/\[DEBUG\] (GET|HEAD) https?:\/\//);
    for (const secret of [regs.token.password!, regs.tls.password!, Buffer.from(`tester:${regs.token.password}`).toString('base64')]) {
      expect(outputs).not.toContain(secret);
    }
    expect(outputs).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/); // no JWT
  });
});

describe('mirror-validate CLI: fatal input errors', () => {
  const cases: [string, (dir: string) => Promise<string>, RegExp][] = [
    ['a missing file', async (d) => join(d, 'nope.txt'), /cannot read image list ".*nope.txt": no such file/],
    ['a directory', async (d) => d, /cannot read image list ".*": is a directory/],
    ['an empty file', async (d) => { await writeFile(join(d, 'e.txt'), ''); return join(d, 'e.txt'); }, /no images in list/],
    ['only comments', async (d) => { await writeFile(join(d, 'c.txt'), '# a\n\n// b\n'); return join(d, 'c.txt'); }, /no images in list/],
    ['binary data', async (d) => { await writeFile(join(d, 'b.bin'), Buffer.from([0x89, 0x50, 0, 0, 1, 2])); return join(d, 'b.bin'); }, /"[^"]*b\.bin" is not a text file/],
  ];
  it.each(cases)('%s: exit 2 with one line and no stack trace', async (_name, make, message) => {
    const dir = join(regs.caFile, '..', `fatal-${Math.random().toString(36).slice(2)}`);
    await mkdir(dir, { recursive: true });
    const list = await make(dir);
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'bin/cli.ts', '-f', list, '-o', join(dir, 'f.txt')], {
      encoding: 'utf8', timeout: SPAWN_LIMIT_MS,
    });
    expect(res.status).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mirror-validate: /);
    expect(lines[0]).toMatch(message);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  }, SPAWN_LIMIT_MS + 30_000);

  it('a usage error exits 2 with one line', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'bin/cli.ts', '--jobs', '3'], { encoding: 'utf8', timeout: SPAWN_LIMIT_MS });
    expect(res.status).toBe(2);
    expect(res.stderr.trim()).toBe('mirror-validate: image list file name not specified (use -f FILE)');
  }, SPAWN_LIMIT_MS + 30_000);
});
