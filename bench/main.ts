/**
 * `npm run bench`: generates N correctly mirrored multi-arch images in local Debian registries,
 * then measures, alternating in the same run, this CLI as invoked by default (manifest cache on,
 * warm), the CLI with `--no-cache`, the skopeo baseline and the floor client (bare node:http); counts every request through counting proxies; re-runs with the manifest cache;
 * counts tokens against the bearer-token registry; measures the serverless parts; writes the
 * results JSON, prints the table, and exits non-zero when a request count is above the minimum
 * (or an image did not validate). `npm run bench -- --write-md` renders BENCHMARKS.md from the
 * results JSON. `npm run bench -- --signatures-only` measures only the request counts of
 * `--signatures` (bench/signatures-run.ts); `--scale-only` measures aggregation at scale
 * (bench/scale.ts). See BENCHMARKS.md for the method.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, SCALE_OUT, SIGNATURES_OUT } from './args.js';
import { checkEconomy, type EconomyCheck, type SideCounts } from './economy.js';
import { machineInfo } from './machine.js';
import { renderMarkdown } from './markdown.js';
import { cliPass, floorPass, skopeoPass, skopeoRss, type Destination, type PassResult } from './passes.js';
import { evaluate, printReport, type BenchResults } from './results.js';
import { measureServerless } from './serverless.js';
import { median, runMeasured } from './measure.js';
import { repoRoot, setupBench, type BenchEnv } from './setup.js';
import { measureSignatures, type SignatureResults } from './signatures-run.js';
import { measureScale, type ScaleResults } from './scale.js';

const log = (s: string): void => { process.stderr.write(`bench: ${s}\n`); };

async function tokenCount(statsUrl: string, ca: string): Promise<number> {
  const { request, Agent } = await import('undici');
  const agent = new Agent({ connect: { ca } });
  const res = await request(statsUrl, { dispatcher: agent });
  const json = (await res.body.json()) as { tokenRequests: number };
  await agent.close();
  return json.tokenRequests;
}

async function counted(env: BenchEnv, fn: () => Promise<PassResult>): Promise<{ pass: PassResult; counts: SideCounts }> {
  env.proxies.source.reset();
  env.proxies.destination.reset();
  const pass = await fn();
  return { pass, counts: { source: env.proxies.source.counts(), destination: env.proxies.destination.counts() } };
}

async function measure(args: ReturnType<typeof parseArgs>): Promise<BenchResults> {
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const env = await setupBench({ n: args.n, subsetN: args.subsetN, build: !args.noBuild, log });
  try {
    const { harness, images, dir, root } = env;
    const subset = images.slice(0, args.subsetN);
    const tls: Destination = { host: harness.tls.host, username: harness.tls.username!, password: harness.tls.password! };
    const direct = await env.writeList('direct', images, harness.plain.host, harness.tls.host);
    const proxied = await env.writeList('proxied', images, env.proxies.source.host, env.proxies.destination.host);
    const tokenList = await env.writeList('token', subset, harness.plain.host, harness.token.host);
    // The CLI as a user runs it: no cache flag, so its manifest cache is $XDG_CACHE_HOME/mirror-validate,
    // warmed by the warm-up pass (re-validating an unchanged list is the everyday run).
    const defaultCache = { xdgCacheHome: await mkdtemp(path.join(dir, 'xdg-cache-')) };
    const clients = {
      cli: () => cliPass({ root, dir, list: direct, images: images.length, jobs: args.jobs, dest: tls, cache: defaultCache }),
      cliNoCache: () => cliPass({ root, dir, list: direct, images: images.length, jobs: args.jobs, dest: tls }),
      skopeo: (imgs = images, src = harness.plain.host, dst = harness.tls.host) => skopeoPass({ images: imgs, jobs: args.jobs, srcHost: src, dstHost: dst, authFile: env.authFile }),
      floor: (src = harness.plain.url, dst = harness.tls.url) => floorPass({ dir, script: env.floorScript, images, jobs: args.jobs, srcOrigin: src, dstOrigin: dst, dest: tls }),
    };

    log('warm-up (the default CLI over the whole list, which fills its cache; a small pass of each other client)');
    const warm = images.slice(0, Math.min(40, images.length));
    await clients.cli();
    await cliPass({ root, dir, list: await env.writeList('warm', warm, harness.plain.host, harness.tls.host), images: warm.length, jobs: args.jobs, dest: tls });
    await skopeoPass({ images: warm, jobs: args.jobs, srcHost: harness.plain.host, dstHost: harness.tls.host, authFile: env.authFile });
    await floorPass({ dir, script: env.floorScript, images: warm, jobs: args.jobs, srcOrigin: harness.plain.url, dstOrigin: harness.tls.url, dest: tls });

    const timed: PassResult[] = [];
    const order = ['cli', 'floor', 'cliNoCache', 'skopeo'] as const;
    for (let r = 0; r < args.reps; r++) {
      for (let i = 0; i < order.length; i++) {
        const which = order[(i + r) % order.length]!;
        const res = await clients[which]();
        log(`rep ${r + 1}/${args.reps} ${which}: ${(res.wallMs / 1000).toFixed(2)} s wall, ${res.cpuSeconds.toFixed(2)} s CPU, ${res.passed}/${res.images} passed (load ${res.load1})`);
        timed.push(res);
      }
    }

    log('counting passes through the proxies');
    const checks: EconomyCheck[] = [];
    const counts: Record<string, { images: number; counts: SideCounts; clientCounts?: Record<string, number> }> = {};
    const cliCounted = await counted(env, () => cliPass({ root, dir, list: proxied, images: images.length, jobs: args.jobs, dest: tls, report: true }));
    counts.cli = { images: images.length, counts: cliCounted.counts, ...(cliCounted.pass.clientCounts ? { clientCounts: cliCounted.pass.clientCounts } : {}) };
    checks.push(checkEconomy('cli --no-cache (cold)', images, 'no-cache', cliCounted.counts));
    const floorCounted = await counted(env, () => clients.floor(env.proxies.source.url, env.proxies.destination.url));
    counts.floor = { images: images.length, counts: floorCounted.counts };
    checks.push(checkEconomy('floor client', images, 'floor', floorCounted.counts));
    const skopeoCounted = await counted(env, () => clients.skopeo(subset, env.proxies.source.host, env.proxies.destination.host));
    counts.skopeo = { images: subset.length, counts: skopeoCounted.counts };

    log('--signatures (no cache)');
    const signed = await counted(env, () => cliPass({ root, dir, list: proxied, images: images.length, jobs: args.jobs, dest: tls, report: true, flags: ['--signatures'] }));
    counts.cliSignatures = { images: images.length, counts: signed.counts, ...(signed.pass.clientCounts ? { clientCounts: signed.pass.clientCounts } : {}) };
    checks.push(checkEconomy('cli --signatures --no-cache', images, 'signatures', signed.counts));

    log('manifest cache: cold run, then a re-run of the unchanged list');
    const cacheDir = await mkdtemp(path.join(dir, 'cache-'));
    const cold = await counted(env, () => cliPass({ root, dir, list: proxied, images: images.length, jobs: args.jobs, dest: tls, cache: { dir: cacheDir } }));
    const warmRun = await counted(env, () => cliPass({ root, dir, list: proxied, images: images.length, jobs: args.jobs, dest: tls, cache: { dir: cacheDir } }));
    counts.cliColdCache = { images: images.length, counts: cold.counts };
    counts.cliWarmCache = { images: images.length, counts: warmRun.counts };
    checks.push(checkEconomy('cli cache cold', images, 'cold-cache', cold.counts));
    checks.push(checkEconomy('cli cache re-run', images, 'warm-cache', warmRun.counts));

    log(`bearer-token destination: ${subset.length} images`);
    const statsUrl = harness.token.statsUrl!;
    const t0 = await tokenCount(statsUrl, harness.caPem);
    const tokenCli = await cliPass({ root, dir, list: tokenList, images: subset.length, jobs: args.jobs, dest: tls });
    const t1 = await tokenCount(statsUrl, harness.caPem);
    const tokenSkopeo = await clients.skopeo(subset, harness.plain.host, harness.token.host);
    const t2 = await tokenCount(statsUrl, harness.caPem);
    const repos = new Set(subset.map((i) => i.destRepo)).size;

    const starts: number[] = [];
    for (let i = 0; i < 5; i++) starts.push((await runMeasured(process.execPath, [path.join(root, 'dist', 'bin', 'cli.js'), '--help'])).cpuSeconds);
    const cliStartupCpuSeconds = median(starts);
    const skopeoRssMb = await skopeoRss(`${harness.tls.host}/${images[0]!.destRepo}:${images[0]!.tag}`, env.authFile);
    const serverless = args.noServerless ? undefined : await measureServerless(root, dir, log);
    return evaluate({
      args, machine: await machineInfo(), loadAtStart, cliStartupCpuSeconds, generateMs: env.generateMs, images, timed, skopeoRssMb, counts, checks,
      cacheRuns: { cold: cold.pass, warm: warmRun.pass }, signaturesRun: signed.pass,
      tokens: {
        images: subset.length, repositories: repos,
        cli: { tokens: t1 - t0, passed: tokenCli.passed, wallMs: tokenCli.wallMs },
        skopeo: { tokens: t2 - t1, passed: tokenSkopeo.passed, wallMs: tokenSkopeo.wallMs, processes: tokenSkopeo.processes ?? 0 },
      },
      ...(serverless ? { serverless } : {}),
    });
  } finally {
    await env.close();
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const out = path.resolve(repoRoot(), args.out);
  if (args.writeMd) {
    const results = JSON.parse(await readFile(out, 'utf8')) as BenchResults;
    const sigFile = path.resolve(repoRoot(), SIGNATURES_OUT);
    const signatures = await readFile(sigFile, 'utf8').then((t) => JSON.parse(t) as SignatureResults, () => undefined);
    const scale = await readFile(path.resolve(repoRoot(), SCALE_OUT), 'utf8').then((t) => JSON.parse(t) as ScaleResults, () => undefined);
    await writeFile(path.join(repoRoot(), 'BENCHMARKS.md'), renderMarkdown(results, signatures, scale));
    log(`BENCHMARKS.md written from ${args.out}${signatures ? ` and ${SIGNATURES_OUT}` : ''}${scale ? ` and ${SCALE_OUT}` : ''}`);
    return 0;
  }
  if (args.scaleOnly) {
    const scale = await measureScale(args, log);
    await writeFile(out, `${JSON.stringify(scale, null, 2)}\n`);
    log(`results written to ${args.out}; render BENCHMARKS.md with: npm run bench -- --write-md`);
    return 0;
  }
  if (args.signaturesOnly) {
    const sig = await measureSignatures(args, log);
    await writeFile(out, `${JSON.stringify(sig, null, 2)}\n`);
    for (const [name, q] of Object.entries(sig.requests)) process.stdout.write(`${name}: ${(q.total / q.images).toFixed(2)} requests per image\n`);
    for (const c of sig.checks) process.stdout.write(`${c.ok ? 'PASS' : 'FAIL'}  economy: ${c.pass}${c.ok ? '' : ` — ${c.problems.join('; ')}`}\n`);
    log(`results written to ${args.out}; render BENCHMARKS.md with: npm run bench -- --write-md`);
    return sig.checks.every((c) => c.ok) && sig.allPassed ? 0 : 1;
  }
  const results = await measure(args);
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  printReport(results, (s) => process.stdout.write(`${s}\n`));
  log(`results written to ${args.out}; render BENCHMARKS.md with: npm run bench -- --write-md${args.out !== 'bench/results.json' ? ` --out ${args.out}` : ''}`);
  return results.economyOk && results.allPassed ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exitCode = 2;
});
