/**
 * Aggregation in bounded memory, through the real CLI in a child process whose V8 heap is capped
 * at 64 MiB: a 60,000-line list with `--work-dir` (the split, record and aggregate code the
 * Lambdas run, a directory playing the bucket) ends with complete JSON, HTML and JUnit reports and
 * failed file. Aggregation that holds every result and builds the reports in memory needs more
 * than that heap for this list (the implementation before shards ran out of heap on it); the
 * streamed one does not, and its heap does not grow with the list. Timings and peak RSS at
 * 50,000 and 200,000 lines are measured in `npm run bench` (BENCHMARKS.md), not here.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { scenario } from '../../testbed/scenarios.js';
import { hasStackTrace, spawnCli, tempDir } from './spawn-cli.js';

const regs = inject('registries');
const good = scenario(inject('scenarios'), 'single-identical');
const absent = scenario(inject('scenarios'), 'dst-tag-absent');
const env = { DEST_USERNAME: regs.tls.username!, DEST_PASSWORD: regs.tls.password! };
const LINES = 60_000;

interface Report { summary: Record<string, number>; results: { line: number; status: string; input: string }[] }

/** The list of the tests: `LINES` lines, the first and last a good image, the middle one absent, the rest invalid. */
function listLines(): string[] {
  const text: string[] = [];
  for (let i = 1; i <= LINES; i++) {
    if (i === 1 || i === LINES) text.push(good.listLine);
    else if (i === LINES / 2) text.push(absent.listLine);
    else text.push(`bad!ref/number-${i} mirror.example.com/some/long/path/image-${i} v${i % 13}`);
  }
  return text;
}

describe('a 60,000-line list with a 64 MiB heap', () => {
  it('--work-dir: every report and the failed file complete, shards in the work dir', { timeout: 600_000 }, async () => {
    const dir = await tempDir();
    const list = path.join(dir, 'list.txt');
    await writeFile(list, `${listLines().join('\n')}\n`);
    const out = (name: string) => path.join(dir, name);
    const r = await spawnCli(['-f', list, '--work-dir', out('work'), '-o', out('failed.txt'), '--report', out('r.json'), '--report', out('r.html'),
      '--report', out('r.xml'), '--no-cache', '--tls-verify=false', '-j', '4'], dir, { ...env, NODE_OPTIONS: '--max-old-space-size=64' }, 590_000);
    expect(r.signal).toBeNull();
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.code).toBe(1);

    const report = JSON.parse(await readFile(out('r.json'), 'utf8')) as Report;
    expect(report.summary).toMatchObject({ total: LINES, passed: 2, failed: 1, invalid: LINES - 3 });
    expect(report.results.map((x) => x.line)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
    expect(await readFile(out('failed.txt'), 'utf8')).toBe(`${absent.listLine.trim()}\n`);
    const html = await readFile(out('r.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="mv-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as { rows: unknown[] };
    expect(data.rows).toHaveLength(LINES);
    const xml = await readFile(out('r.xml'), 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(LINES);

    const runs = await readdir(path.join(out('work'), 'runs'));
    expect(runs).toHaveLength(1);
    const runDir = path.join(out('work'), 'runs', runs[0]!);
    expect((await readdir(path.join(runDir, 'shards'))).filter((n) => n.endsWith('.ndjson'))).toHaveLength(LINES / 1000 + 1);
    expect(JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8'))).toEqual(report);
    console.info(`[figures] ${LINES}-line list, --work-dir, heap capped at 64 MiB: peak RSS ${r.maxRssMiB!.toFixed(0)} MiB, ${r.ms} ms`);
  });
});

describe('--compare-to in memory (no --work-dir)', () => {
  it('the comparison keeps its sorted key files on disk, not beside the results in memory, and removes them', { timeout: 600_000 }, async () => {
    const dir = await tempDir();
    const tmp = path.join(dir, 'tmp');
    await mkdir(tmp);
    const out = (name: string) => path.join(dir, name);
    const lines = listLines();
    await writeFile(out('first.txt'), `${lines.join('\n')}\n`);
    await writeFile(out('second.txt'), `${[...lines].reverse().join('\n')}\n`);
    const env2 = { ...env, TMPDIR: tmp };
    const common = ['--no-cache', '--tls-verify=false', '-j', '4'];
    const first = await spawnCli(['-f', out('first.txt'), '-o', out('f1.txt'), '--report', out('first.json'), ...common], dir, env2, 590_000);
    expect(first.code).toBe(1);
    const second = await spawnCli(['-f', out('second.txt'), '-o', out('f2.txt'), '--report', out('second.json'), '--compare-to', out('first.json'), ...common],
      dir, env2, 590_000);
    expect(second.signal).toBeNull();
    expect(hasStackTrace(second.stderr)).toBe(false);
    expect(second.code).toBe(1);
    const { changes } = JSON.parse(await readFile(out('second.json'), 'utf8')) as { changes: Record<string, unknown> };
    // Reordered, nothing else changed: every line that failed still fails (the two good lines are one pair).
    expect(changes).toMatchObject({ newlyFailing: [], recovered: [], stillFailing: LINES - 2, added: 0, removed: 0 });
    // Every line's key entry is held several times over by the sorted key files of a comparison: kept
    // in memory they added about 200 MiB to this list's run; on disk they add next to nothing.
    expect(second.maxRssMiB! - first.maxRssMiB!).toBeLessThan(64);
    expect((await readdir(tmp)).filter((n) => n.startsWith('mirror-validate-'))).toEqual([]); // (tsx keeps its cache there too)
    console.info(`[figures] ${LINES}-line list compared in memory: peak RSS ${second.maxRssMiB!.toFixed(0)} MiB (first run ${first.maxRssMiB!.toFixed(0)} MiB), ${second.ms} ms`);
  });
});
