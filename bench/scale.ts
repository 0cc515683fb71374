/**
 * `npm run bench -- --scale-only`: aggregation at scale (issue 11), written to
 * `bench/results-scale.json` and rendered into BENCHMARKS.md's "Scale" section and paper model.
 *
 * 1. The CLI (`dist/bin/cli.js`, its own process) on 50,000- and 200,000-line lists, with
 *    `--work-dir` and in memory, writing JSON, HTML and JUnit reports: wall time and peak RSS,
 *    alternating sizes over `reps` rounds (medians).
 * 2. The real handlers over s3rver (scale-handlers.ts) on 10,000- and 50,000-line lists: S3
 *    requests by function and class, the aggregator's invocations, longest one and peak RSS.
 *
 * The lists: every `imageEvery`-th line is one of the generated, correctly mirrored images
 * (cycling; one in ten with a destination repository that does not exist, FAILED), validated
 * against the local registries; the other lines are invalid lines, whose
 * results the splitter records without registry traffic. Every line has a result object, a place
 * in a shard and in every report, which is what aggregation scales with.
 */
import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchArgs } from './args.js';
import type { BenchImage } from './generate.js';
import { machineInfo, type MachineInfo } from './machine.js';
import { median, runMeasured } from './measure.js';
import { measureHandlers, type HandlerScaleRun } from './scale-handlers.js';
import { setupBench, type BenchEnv } from './setup.js';

export const CLI_SIZES = [50_000, 200_000] as const;
export const HANDLER_SIZES = [10_000, 50_000] as const;

export interface CliScaleRun {
  readonly lines: number;
  readonly mode: 'work-dir' | 'memory';
  readonly wallSeconds: readonly number[];
  readonly peakRssMiB: readonly number[];
  readonly cpuSeconds: readonly number[];
}

export interface ScaleResults {
  readonly version: 1;
  readonly date: string;
  readonly machine: MachineInfo;
  readonly loadAtStart: readonly number[];
  readonly loadAtEnd: readonly number[];
  readonly cli: { readonly imageEvery: number; readonly jobs: number; readonly reps: number; readonly runs: readonly CliScaleRun[] };
  /** What this machine's file system charges for a small object file ({@link fileCost}): what a `--work-dir` run pays per line. */
  readonly fileCreate?: FileCost;
  readonly handlers: { readonly imageEvery: number; readonly runs: readonly HandlerScaleRun[] };
}

/** A list of `lines` lines, every `every`-th an image (cycling through `images`), the others invalid. */
export function scaleList(lines: number, images: readonly BenchImage[], srcHost: string, dstHost: string, every: number): { text: string; lines: number; images: number; invalid: number } {
  const out: string[] = [];
  let n = 0;
  for (let i = 1; i <= lines; i++) {
    if (i % every === 0) {
      const img = images[n % images.length]!;
      // Every 10th image line names a destination repository that does not exist: FAILED DEST_NOT_FOUND.
      out.push(`${srcHost}/${img.repo} ${dstHost}/${img.destRepo}${n % 10 === 9 ? '-absent' : ''} ${img.tag}`);
      n++;
    } else {
      out.push(`${srcHost}/Team/App-${i} ${dstHost}/mirror/app-${i} v${i % 13}`);
    }
  }
  return { text: `${out.join('\n')}\n`, lines, images: n, invalid: lines - n };
}

/** Creating, linking into place and unlinking small files in one directory, as the directory store does per object. */
export interface FileCost {
  readonly files: number;
  readonly wallSeconds: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
}

/**
 * Measures `files` small-file writes the way the directory store makes them (a temporary file
 * written, linked to its key, the temporary unlinked), with synchronous calls so that only the
 * file system is measured; the directory is removed afterwards.
 */
export async function fileCost(dir: string, files = 20_000): Promise<FileCost> {
  const root = await mkdtemp(path.join(dir, 'file-cost-'));
  try {
    mkdirSync(path.join(root, 'tmp'));
    mkdirSync(path.join(root, 'objects'));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < files; i++) {
      const tmp = path.join(root, 'tmp', String(i));
      writeFileSync(tmp, '{"line":1,"status":"PASS"}', { flag: 'wx' });
      linkSync(tmp, path.join(root, 'objects', `${String(i).padStart(9, '0')}.json`));
      unlinkSync(tmp);
    }
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { files, wallSeconds, userSeconds: cpu.user / 1e6, systemSeconds: cpu.system / 1e6 };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function cliRun(env: BenchEnv, list: string, mode: CliScaleRun['mode'], jobs: number): Promise<{ wall: number; rss: number; cpu: number }> {
  const dir = await mkdtemp(path.join(env.dir, 'scale-'));
  try {
    const out = (n: string) => path.join(dir, n);
    const args = [path.join(env.root, 'dist', 'bin', 'cli.js'), '-f', list, '-j', String(jobs), '--tls-verify=false', '--no-cache',
      '-o', out('failed.txt'), '--report', out('r.json'), '--report', out('r.html'), '--report', out('r.xml'),
      ...(mode === 'work-dir' ? ['--work-dir', out('work')] : [])];
    const r = await runMeasured(process.execPath, args, {
      env: { ...process.env, DEST_USERNAME: env.harness.tls.username!, DEST_PASSWORD: env.harness.tls.password! }, cwd: dir,
    });
    if (r.code !== 1) throw new Error(`CLI exited ${r.code} (expected 1: the list has invalid lines): ${r.stderr.slice(-2000)}`);
    return { wall: r.wallMs / 1000, rss: r.maxRssMb ?? Number.NaN, cpu: r.cpuSeconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Measures both parts; see the module doc. */
export async function measureScale(args: BenchArgs, log: (s: string) => void): Promise<ScaleResults> {
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const env = await setupBench({ n: Math.min(args.n, 200), subsetN: 1, build: !args.noBuild, log });
  try {
    const { harness, images } = env;
    const reps = args.reps;
    const imageEvery = 50;
    const runs: CliScaleRun[] = [];
    const lists = new Map<number, string>();
    for (const lines of CLI_SIZES) {
      const file = path.join(env.dir, `scale-${lines}.txt`);
      await writeFile(file, scaleList(lines, images, harness.plain.host, harness.tls.host, imageEvery).text);
      lists.set(lines, file);
    }
    const fileCreate = await fileCost(env.dir);
    log(`file system: ${fileCreate.files} small files written, linked and unlinked in ${fileCreate.wallSeconds.toFixed(1)} s (${fileCreate.systemSeconds.toFixed(1)} s kernel CPU)`);
    const raw = new Map<string, { wall: number[]; rss: number[]; cpu: number[] }>();
    for (let rep = 0; rep < reps; rep++) {
      for (const mode of ['work-dir', 'memory'] as const) {
        for (const lines of CLI_SIZES) {
          const r = await cliRun(env, lists.get(lines)!, mode, args.jobs);
          log(`cli ${mode} ${lines} lines, rep ${rep + 1}/${reps}: ${r.wall.toFixed(1)} s, peak RSS ${r.rss.toFixed(0)} MiB`);
          const k = `${mode} ${lines}`;
          const acc = raw.get(k) ?? { wall: [], rss: [], cpu: [] };
          acc.wall.push(r.wall);
          acc.rss.push(r.rss);
          acc.cpu.push(r.cpu);
          raw.set(k, acc);
        }
      }
    }
    for (const [k, v] of raw) {
      const [mode, lines] = k.split(' ') as [CliScaleRun['mode'], string];
      runs.push({ lines: Number(lines), mode, wallSeconds: v.wall, peakRssMiB: v.rss, cpuSeconds: v.cpu });
    }
    const handlerEvery = 5;
    const handlerRuns: HandlerScaleRun[] = [];
    for (const lines of HANDLER_SIZES) {
      log(`handlers: ${lines} lines (every ${handlerEvery}th an image)`);
      const list = scaleList(lines, images, harness.plain.host, harness.tls.host, handlerEvery);
      const run = await measureHandlers({
        root: env.root, dir: env.dir, list, name: `scale-${lines}`,
        env: { ALLOWLIST: `${harness.plain.host},${harness.tls.host}`, TLS_VERIFY: 'false' },
        secret: { DEST_USERNAME: harness.tls.username, DEST_PASSWORD: harness.tls.password },
      });
      log(`handlers ${lines}: ${run.wallSeconds.toFixed(1)} s; aggregator ${run.aggregator.invocations} invocations, longest ${(run.aggregator.longestMs / 1000).toFixed(2)} s, peak RSS ${run.aggregator.peakRssMiB.toFixed(0)} MiB`);
      handlerRuns.push(run);
    }
    return {
      version: 1, date: new Date().toISOString(), machine: await machineInfo(), loadAtStart,
      loadAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
      cli: { imageEvery, jobs: args.jobs, reps, runs }, fileCreate, handlers: { imageEvery: handlerEvery, runs: handlerRuns },
    };
  } finally {
    await env.close();
  }
}

/**
 * A figure of the CLI runs of `mode` at `lines`: the best (lowest) wall time, the least disturbed
 * by whatever else the machine ran; the median CPU seconds; the highest peak RSS.
 */
export function cliFigure(r: ScaleResults, mode: CliScaleRun['mode'], lines: number, what: 'wallSeconds' | 'cpuSeconds' | 'peakRssMiB'): number {
  const run = r.cli.runs.find((x) => x.mode === mode && x.lines === lines);
  if (!run) return Number.NaN;
  return what === 'peakRssMiB' ? Math.max(...run.peakRssMiB) : what === 'cpuSeconds' ? median(run.cpuSeconds) : Math.min(...run.wallSeconds);
}
