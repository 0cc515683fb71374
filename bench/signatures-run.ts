/**
 * `npm run bench -- --signatures-only`: the request counts of `--signatures` alone, without the
 * timed passes (request counts do not depend on the machine's load). Generates the images (a
 * tenth signed, see signed.ts), runs the CLI `--no-cache` through the counting proxies without
 * and with `--signatures`, checks both against the exact minimum, and returns the results that
 * BENCHMARKS.md's "Signatures and referrers" section is rendered from.
 */
import os from 'node:os';
import type { BenchArgs } from './args.js';
import { checkEconomy, perImage, total, type EconomyCheck, type SideCounts } from './economy.js';
import type { BenchImage } from './generate.js';
import { machineInfo, type MachineInfo } from './machine.js';
import { cliPass, type PassResult } from './passes.js';
import { setupBench, type BenchEnv } from './setup.js';

/** What one pass counted. */
export interface CountedPass {
  readonly images: number;
  readonly total: number;
  readonly perImage: Record<string, number>;
  readonly clientCounts?: Record<string, number>;
}

/** The stored results of a signatures-only run (`bench/results-signatures.json`). */
export interface SignatureResults {
  readonly version: 1;
  readonly date: string;
  readonly machine: MachineInfo;
  readonly loadAtStart: readonly number[];
  readonly jobs: number;
  readonly images: SignatureImages;
  readonly requests: { readonly cli: CountedPass; readonly cliSignatures: CountedPass };
  readonly checks: readonly EconomyCheck[];
  readonly allPassed: boolean;
}

/** The images as `--signatures` sees them. */
export interface SignatureImages {
  readonly n: number;
  readonly repositories: number;
  readonly signed: number;
  readonly referred: number;
  /** Source digests `--signatures` validates: each tag's, plus the matched children of a list. */
  readonly sourceDigests: number;
}

/** The signature facts of generated images. */
export function signatureImages(images: readonly BenchImage[]): SignatureImages {
  return {
    n: images.length,
    repositories: new Set(images.map((i) => i.repo)).size,
    signed: images.filter((i) => i.signed).length,
    referred: images.filter((i) => i.referred).length,
    sourceDigests: images.reduce((s, i) => s + 1 + (i.kind === 'single' ? 0 : i.matched), 0),
  };
}

/** A pass's counts in the stored form. */
export function countedPass(images: number, counts: SideCounts, pass: PassResult): CountedPass {
  return { images, total: total(counts), perImage: perImage(counts, images), ...(pass.clientCounts ? { clientCounts: pass.clientCounts } : {}) };
}

/** Runs the CLI over the proxied list with `flags`, counting at the proxies. */
export async function countedCli(env: BenchEnv, list: string, jobs: number, flags: readonly string[]): Promise<{ pass: PassResult; counts: SideCounts }> {
  const { harness } = env;
  env.proxies.source.reset();
  env.proxies.destination.reset();
  const pass = await cliPass({
    root: env.root, dir: env.dir, list, images: env.images.length, jobs, report: true, flags,
    dest: { host: harness.tls.host, username: harness.tls.username!, password: harness.tls.password! },
  });
  return { pass, counts: { source: env.proxies.source.counts(), destination: env.proxies.destination.counts() } };
}

/** Measures the signatures-only results. */
export async function measureSignatures(args: BenchArgs, log: (s: string) => void): Promise<SignatureResults> {
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const env = await setupBench({ n: args.n, subsetN: 0, build: !args.noBuild, log });
  try {
    const list = await env.writeList('proxied', env.images, env.proxies.source.host, env.proxies.destination.host);
    log('CLI --no-cache through the counting proxies, without then with --signatures');
    const plain = await countedCli(env, list, args.jobs, []);
    const signed = await countedCli(env, list, args.jobs, ['--signatures']);
    const n = env.images.length;
    return {
      version: 1, date: new Date().toISOString(), machine: await machineInfo(), loadAtStart, jobs: args.jobs,
      images: signatureImages(env.images),
      requests: { cli: countedPass(n, plain.counts, plain.pass), cliSignatures: countedPass(n, signed.counts, signed.pass) },
      checks: [checkEconomy('cli --no-cache (cold)', env.images, 'no-cache', plain.counts),
        checkEconomy('cli --signatures --no-cache', env.images, 'signatures', signed.counts)],
      allPassed: plain.pass.passed === n && signed.pass.passed === n,
    };
  } finally {
    await env.close();
  }
}
