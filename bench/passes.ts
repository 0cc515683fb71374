/**
 * One pass of each client over a list: the CLI (`node dist/bin/cli.js -j N`, as invoked by
 * default or with `--no-cache`), the floor client (bundled, its own process) and the skopeo
 * baseline, each measured (wall, CPU, peak RSS) with the machine's load when it started.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchImage } from './generate.js';
import { runMeasured } from './measure.js';
import type { FloorJob } from './floor-client.js';
import { runSkopeoBaseline } from './skopeo-baseline.js';

export const ARCH = ['amd64', 'arm64'] as const;

/** The timed clients: the CLI as invoked by default (manifest cache on), the CLI with `--no-cache`, skopeo, the floor. */
export type ClientName = 'cli' | 'cliNoCache' | 'skopeo' | 'floor';

/** A measured pass. */
export interface PassResult {
  readonly client: ClientName;
  readonly images: number;
  readonly passed: number;
  readonly wallMs: number;
  readonly cpuSeconds: number;
  readonly maxRssMb?: number;
  /** skopeo: processes started; driver CPU. */
  readonly processes?: number;
  readonly driverCpuSeconds?: number;
  /** CLI with --report: the client's own request counts summed over lines. */
  readonly clientCounts?: Record<string, number>;
  /** 1-minute load average when the pass started (other processes on the machine). */
  readonly load1?: number;
}

/** How a CLI pass uses the manifest cache. */
export type CacheMode =
  | 'none'
  /** No cache flag at all (the default invocation): the cache is `$XDG_CACHE_HOME/mirror-validate`. */
  | { readonly xdgCacheHome: string }
  | { readonly dir: string };

const load1 = (): number => Math.round(os.loadavg()[0]! * 100) / 100;

export interface Destination {
  readonly host: string;
  readonly username: string;
  readonly password: string;
}

/** Runs the CLI over `list` (default: `--no-cache`); `flags`: more CLI flags (`--signatures`). */
export async function cliPass(o: {
  root: string; dir: string; list: string; images: number; jobs: number; dest: Destination; cache?: CacheMode; report?: boolean;
  flags?: readonly string[];
}): Promise<PassResult> {
  const report = path.join(o.dir, 'report.json');
  const cache = o.cache ?? 'none';
  const cacheArgs = cache === 'none' ? ['--no-cache'] : 'dir' in cache ? ['--cache-dir', cache.dir] : [];
  const args = [path.join(o.root, 'dist', 'bin', 'cli.js'), '-f', o.list, '-j', String(o.jobs), '--tls-verify=false',
    '-o', path.join(o.dir, 'failed.txt'), ...cacheArgs, ...(o.report ? ['--report', report] : []), ...(o.flags ?? [])];
  const env = {
    ...process.env, DEST_USERNAME: o.dest.username, DEST_PASSWORD: o.dest.password,
    ...(cache !== 'none' && 'xdgCacheHome' in cache ? { XDG_CACHE_HOME: cache.xdgCacheHome } : {}),
  };
  const load = load1();
  const r = await runMeasured(process.execPath, args, { env, cwd: o.dir });
  const m = /(\d+) passed/.exec(r.stderr);
  const passed = m ? Number(m[1]) : 0;
  if (r.code !== 0) throw new Error(`CLI exited ${r.code}: ${r.stderr.slice(-2000)}`);
  let clientCounts: Record<string, number> | undefined;
  if (o.report) {
    const json = JSON.parse(await readFile(report, 'utf8')) as { results: { requests?: Record<string, number> }[] };
    clientCounts = {};
    for (const line of json.results) {
      for (const [k, v] of Object.entries(line.requests ?? {})) clientCounts[k] = (clientCounts[k] ?? 0) + v;
    }
  }
  return {
    client: cache === 'none' ? 'cliNoCache' : 'cli', images: o.images, passed, wallMs: r.wallMs, cpuSeconds: r.cpuSeconds, load1: load,
    ...(r.maxRssMb !== undefined ? { maxRssMb: r.maxRssMb } : {}), ...(clientCounts ? { clientCounts } : {}),
  };
}

/** Runs the floor client over `images`. */
export async function floorPass(o: {
  dir: string; script: string; images: readonly BenchImage[]; jobs: number; srcOrigin: string; dstOrigin: string; dest: Destination;
}): Promise<PassResult> {
  const job: FloorJob = {
    srcOrigin: o.srcOrigin, dstOrigin: o.dstOrigin, concurrency: o.jobs, arch: [...ARCH],
    items: o.images.map((i) => [i.repo, i.destRepo, i.tag] as const),
  };
  const jobFile = path.join(o.dir, 'floor-job.json');
  await writeFile(jobFile, JSON.stringify(job));
  const env = { ...process.env, BENCH_DEST_USER: o.dest.username, BENCH_DEST_PASSWORD: o.dest.password };
  const load = load1();
  const r = await runMeasured(process.execPath, [o.script, jobFile], { env });
  if (r.code !== 0) throw new Error(`floor client exited ${r.code}: ${r.stderr.slice(-2000)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { passed?: number };
  return {
    client: 'floor', images: o.images.length, passed: out.passed ?? 0, wallMs: r.wallMs, cpuSeconds: r.cpuSeconds, load1: load,
    ...(r.maxRssMb !== undefined ? { maxRssMb: r.maxRssMb } : {}),
  };
}

/** Runs the skopeo baseline over `images`. */
export async function skopeoPass(o: {
  images: readonly BenchImage[]; jobs: number; srcHost: string; dstHost: string; authFile: string;
}): Promise<PassResult> {
  const load = load1();
  const r = await runSkopeoBaseline({ images: o.images, srcHost: o.srcHost, dstHost: o.dstHost, authFile: o.authFile, workers: o.jobs, arch: [...ARCH] });
  if (r.failed.length > 0) process.stderr.write(`skopeo baseline failures: ${r.failed.join('; ')}\n`);
  return {
    client: 'skopeo', images: o.images.length, passed: r.passed, wallMs: r.wallMs, cpuSeconds: r.cpuSeconds, load1: load,
    processes: r.processes, driverCpuSeconds: r.driverCpuSeconds,
  };
}

/** Peak RSS of one `skopeo inspect --raw` process (max over a few samples), MiB. */
export async function skopeoRss(ref: string, authFile: string, samples = 5): Promise<number> {
  let max = 0;
  for (let i = 0; i < samples; i++) {
    const r = await runMeasured('skopeo', ['--insecure-policy', 'inspect', '--raw', '--tls-verify=false', '--authfile', authFile, `docker://${ref}`]);
    max = Math.max(max, r.maxRssMb ?? 0);
  }
  return max;
}
