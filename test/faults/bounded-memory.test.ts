/**
 * Aggregation in bounded memory, through the real CLI in a child process whose V8 heap is capped
 * at 64 MiB: a 60,000-line list with `--work-dir` (the split, record and aggregate code the
 * Lambdas run, a directory playing the bucket) ends with complete JSON, HTML and JUnit reports and
 * failed file. Aggregation that holds every result and builds the reports in memory needs more
 * than that heap for this list (the implementation before shards ran out of heap on it); the
 * streamed one does not, and its heap does not grow with the list. Timings and peak RSS at
 * 50,000 and 200,000 lines are measured in `npm run bench` (BENCHMARKS.md), not here.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
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

describe('a 60,000-line list with a 64 MiB heap', () => {
  it('--work-dir: every report and the failed file complete, shards in the work dir', { timeout: 600_000 }, async () => {
    const dir = await tempDir();
    const list = path.join(dir, 'list.txt');
    const text: string[] = [];
    for (let i = 1; i <= LINES; i++) {
      if (i === 1 || i === LINES) text.push(good.listLine);
      else if (i === LINES / 2) text.push(absent.listLine);
      else text.push(`bad!ref/number-${i} mirror.example.com/some/long/path/image-${i} v${i % 13}`);
    }
    await writeFile(list, `${text.join('\n')}\n`);
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
