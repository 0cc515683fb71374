/**
 * The skopeo baseline: hangar 2023's validator reads every manifest with its own
 * `skopeo --insecure-policy inspect --raw` process (source tag, destination tag, the source
 * config of a single image with `--config`, then each matching destination child), one image at
 * a time per worker, 20 workers. Its CPU is the sum over every skopeo process (reaped children
 * of this process, see measure.ts); this driver's own CPU is reported apart.
 *
 * Note: hangar 2023 checks destination children only for Docker-list sources (an OCI index
 * source passes without them, a bug); the baseline reads them for every list, so both clients
 * do the same work.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchImage } from './generate.js';
import { childCpuSeconds } from './measure.js';

const run = promisify(execFile);

export interface SkopeoOptions {
  readonly images: readonly BenchImage[];
  readonly srcHost: string;
  readonly dstHost: string;
  /** containers auth.json with the destination's credentials. */
  readonly authFile: string;
  readonly workers: number;
  readonly arch: readonly string[];
  readonly bin?: string;
}

export interface SkopeoResult {
  readonly wallMs: number;
  /** CPU seconds of all skopeo processes. */
  readonly cpuSeconds: number;
  /** CPU seconds of this driver (spawning, parsing) during the run. */
  readonly driverCpuSeconds: number;
  readonly processes: number;
  readonly passed: number;
  readonly failed: readonly string[];
}

interface Parsed { mediaType?: string; manifests?: { digest: string; platform?: { architecture?: string } }[] }

/** Runs the baseline over `images`. */
export async function runSkopeoBaseline(o: SkopeoOptions): Promise<SkopeoResult> {
  const bin = o.bin ?? 'skopeo';
  let processes = 0;
  const inspect = async (ref: string, extra: readonly string[] = []): Promise<Parsed> => {
    processes++;
    const { stdout } = await run(bin, ['--insecure-policy', 'inspect', '--raw', ...extra, '--tls-verify=false',
      '--authfile', o.authFile, `docker://${ref}`], { maxBuffer: 8 * 1024 * 1024 });
    return JSON.parse(stdout) as Parsed;
  };
  const failed: string[] = [];
  let passed = 0;
  const one = async (img: BenchImage): Promise<void> => {
    try {
      const src = await inspect(`${o.srcHost}/${img.repo}:${img.tag}`);
      const dst = await inspect(`${o.dstHost}/${img.destRepo}:${img.tag}`);
      if (!src.manifests) await inspect(`${o.srcHost}/${img.repo}:${img.tag}`, ['--config']);
      for (const c of (dst.manifests ?? []).filter((m) => o.arch.includes(m.platform?.architecture ?? ''))) {
        await inspect(`${o.dstHost}/${img.destRepo}@${c.digest}`);
      }
      passed++;
    } catch (err) {
      failed.push(`${img.repo}:${img.tag}: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  const cpu0 = childCpuSeconds();
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(o.workers, o.images.length) }, async () => {
    while (next < o.images.length) await one(o.images[next++]!);
  }));
  const wallMs = performance.now() - t0;
  const self = process.cpuUsage(self0);
  return {
    wallMs, cpuSeconds: childCpuSeconds() - cpu0, driverCpuSeconds: (self.user + self.system) / 1e6,
    processes, passed, failed: failed.slice(0, 5),
  };
}
