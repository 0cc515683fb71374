/**
 * Hostile and broken lists, run through the real CLI in a child process as a user would: a
 * fatal problem is one clear line and exit 2; a bad line is INVALID with its line number while
 * the other lines are validated as usual; never a stack trace, never a hang (spawn time limit),
 * and memory stays bounded on a 1,000,000-line list.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { scenario } from '../../testbed/scenarios.js';
import { hasStackTrace, spawnCli, tempDir, type Spawned } from './spawn-cli.js';

const regs = inject('registries');
const good = scenario(inject('scenarios'), 'single-identical');
const env = { DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: regs.tls.password! };

interface Report { summary: Record<string, number>; results: { line: number; status: string; code: string | null; message: string; input: string }[] }

async function runList(content: string | Buffer, extra: readonly string[] = []): Promise<Spawned & { dir: string; report: () => Promise<Report> }> {
  const dir = await tempDir();
  const file = path.join(dir, 'list.txt');
  await writeFile(file, content);
  const res = await spawnCli(['-f', file, '-o', path.join(dir, 'failed.txt'), '--report', path.join(dir, 'r.json'),
    '--no-cache', '--tls-verify=false', '-j', '4', ...extra], dir, env);
  return { ...res, dir, report: async () => JSON.parse(await readFile(path.join(dir, 'r.json'), 'utf8')) as Report };
}

function expectFatal(r: Spawned, pattern: RegExp): void {
  expect(r.signal).toBeNull();
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^mirror-validate: /);
  expect(lines[0]).toMatch(pattern);
  expect(hasStackTrace(r.stderr + r.stdout)).toBe(false);
}

describe.concurrent('fatal list problems: one line, exit 2', () => {
  it('an empty file', async () => expectFatal(await runList(''), /no images/));
  it('only comments and blank lines', async () => expectFatal(await runList('# a\n\n// b\n   \n'), /no images/));
  it('a missing path', async () => {
    const dir = await tempDir();
    expectFatal(await spawnCli(['-f', path.join(dir, 'nope.txt')], dir), /cannot read image list .*no such file/);
  });
  it('a directory', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'sub'));
    expectFatal(await spawnCli(['-f', path.join(dir, 'sub')], dir), /is a directory/);
  });
  it('NUL bytes', async () => expectFatal(await runList(Buffer.from(`${good.listLine}\n\0\0binary\n`)), /not a text file/));
  it('binary data (a PNG header and random bytes with NULs)', async () => {
    const bytes = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);
    expectFatal(await runList(bytes), /not a text file/);
  });
  it('no -f at all', async () => {
    const dir = await tempDir();
    expectFatal(await spawnCli([], dir), /-f/);
  });
});

describe.concurrent('bad lines: INVALID with the line number, the rest unaffected', () => {
  const long = `${'a'.repeat(100_000)} b 1`;
  const cases: [string, string, string, RegExp][] = [
    ['invalid UTF-8', 'caf\xe9 mirror/x 1', 'INVALID_ENCODING', /not valid UTF-8/],
    ['a 100,000-character line', long, 'LINE_TOO_LONG', /too long \(100004 /],
    ['bad characters in a reference', 'src/x!y mirror/x 1', 'INVALID_REFERENCE', /invalid repository name/],
    ['an uppercase repository', 'src/UPPER mirror/x 1', 'INVALID_REFERENCE', /must be lowercase/],
    ['a digest of the wrong length', `${regs.plain.host}/src/x ${regs.tls.host}/mirror/x sha256:${'a'.repeat(63)}`, 'INVALID_REFERENCE', /./],
    ['two fields', 'src/x mirror/x', 'INVALID_FORMAT', /expected/],
  ];
  it.each(cases)('%s', async (_name, bad, code, message) => {
    const content = Buffer.concat([
      Buffer.from(`# header\n${good.listLine}\n`),
      bad.includes('\xe9') ? Buffer.from(bad, 'latin1') : Buffer.from(bad),
      Buffer.from(`\n${good.listLine}\n`),
    ]);
    const r = await runList(content);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const report = await r.report();
    expect(report.results.map((x) => [x.line, x.status])).toEqual([[2, 'PASS'], [3, 'INVALID'], [4, 'PASS']]);
    const invalid = report.results[1]!;
    expect(invalid.code).toBe(code);
    expect(invalid.message).toMatch(/^line 3: /);
    expect(invalid.message).toMatch(message);
    // A huge line is never echoed whole, neither on stderr nor in the report.
    expect(r.stderr).not.toContain('a'.repeat(5000));
    expect(JSON.stringify(report)).not.toContain('a'.repeat(5000));
  });

  it.each([
    ['a 63-character sha256', `sha256:${'a'.repeat(63)}`],
    ['another algorithm (sha384)', `sha384:${'a'.repeat(96)}`],
    ['sha512 of the sha256 length', `sha512:${'a'.repeat(64)}`],
  ])('a one-reference line with a digest of %s (with -d)', async (_name, digest) => {
    const r = await runList(`library/nginx@${digest}\n${good.listLine}\n`, ['-d', regs.tls.host]);
    expect(r.code).toBe(1);
    const report = await r.report();
    expect(report.results[0]).toMatchObject({ line: 1, status: 'INVALID', code: 'INVALID_REFERENCE' });
    expect(report.results[0]!.message).toMatch(/expected sha256 with 64 or sha512 with 128 lowercase hex/);
    expect(report.results[1]).toMatchObject({ line: 2, status: 'PASS' });
  });
});

describe('10,000 lines with 4,000-character bad tags', () => {
  it('stay under 400 MiB peak RSS, with each bad text quoted at most 200 characters long and a report of a few MB', { timeout: 180_000 }, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'long-tags.txt');
    const LINES = 10_000;
    const bad = (i: number) => `src/x${i} mirror/x${i} ${`t${i}!`.padEnd(4000, 'T')}`;
    await writeFile(file, `${good.listLine}\n${Array.from({ length: LINES - 1 }, (_, i) => bad(i + 2)).join('\n')}\n`);
    const r = await spawnCli(['-f', file, '-o', path.join(dir, 'failed.txt'), '--report', path.join(dir, 'r.json'),
      '--no-cache', '--tls-verify=false', '-j', '4'], dir, env, 170_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const raw = await readFile(path.join(dir, 'r.json'), 'utf8');
    const report = JSON.parse(raw) as Report;
    expect(report.summary).toMatchObject({ total: LINES, passed: 1, invalid: LINES - 1 });
    for (const x of report.results.filter((y) => y.status === 'INVALID')) {
      expect(x.code).toBe('INVALID_REFERENCE');
      expect(x.input.length).toBeLessThanOrEqual(201);
      expect(x.message.length).toBeLessThanOrEqual(300);
    }
    expect(raw.length).toBeLessThan(8 * 1024 * 1024);
    expect(r.stderr.length).toBeLessThan(8 * 1024 * 1024);
    expect(r.stderr).not.toContain('T'.repeat(500));
    expect(r.maxRssMiB!).toBeLessThan(400);
    console.info(`[figures] 10,000 lines with 4,000-character bad tags: peak RSS ${r.maxRssMiB!.toFixed(0)} MiB, report.json ${(raw.length / 1024 / 1024).toFixed(1)} MiB, stderr ${(r.stderr.length / 1024 / 1024).toFixed(1)} MiB, ${r.ms} ms`);
  });
});

describe('a 1,000,000-line list', () => {
  it('finishes with bounded memory, every invalid line reported once, registries hit only for real lines', { timeout: 180_000 }, async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'huge.txt');
    const out = createWriteStream(file);
    const LINES = 1_000_000;
    let invalid = 0;
    for (let i = 1; i <= LINES; i++) {
      let line: string;
      if (i === 1 || i === LINES / 2 || i === LINES) line = good.listLine;
      else if (i % 100 === 0) { line = `bad!ref mirror/x ${i}`; invalid++; }
      else line = i % 2 === 0 ? `# comment ${i}` : '';
      if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const r = await spawnCli(['-f', file, '-o', path.join(dir, 'failed.txt'), '--report', path.join(dir, 'r.json'),
      '--no-cache', '--tls-verify=false', '-j', '4'], dir, env, 170_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const report = JSON.parse(await readFile(path.join(dir, 'r.json'), 'utf8')) as Report;
    expect(report.summary).toMatchObject({ passed: 3, invalid });
    expect(report.results).toHaveLength(3 + invalid);
    expect(new Set(report.results.map((x) => x.line)).size).toBe(3 + invalid);
    expect(report.results.filter((x) => x.status === 'PASS').map((x) => x.line)).toEqual([1, LINES / 2, LINES]);
    expect(r.maxRssMiB).toBeDefined();
    expect(r.maxRssMiB!).toBeLessThan(400);
    console.info(`[figures] 1,000,000-line list: ${invalid} invalid + 3 valid lines, peak RSS ${r.maxRssMiB!.toFixed(0)} MiB, ${r.ms} ms`);
  });
});
