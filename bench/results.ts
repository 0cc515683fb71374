/**
 * The results of a bench run: per-client medians, ratios measured in the same run, request
 * counts per image, the economy checks, the targets with PASS/FAIL and, where one is missed,
 * the measured reason. Printed as a table and stored as JSON (BENCHMARKS.md is rendered from it).
 */
import type { BenchArgs } from './args.js';
import { perImage, total, type EconomyCheck, type SideCounts } from './economy.js';
import type { BenchImage } from './generate.js';
import type { MachineInfo } from './machine.js';
import { median } from './measure.js';
import type { PassResult } from './passes.js';
import type { ServerlessResults } from './serverless.js';
import { signatureImages } from './signatures-run.js';

export interface ClientSummary {
  readonly reps: number;
  readonly wallSeconds: number;
  readonly wallSecondsAll: readonly number[];
  readonly imagesPerSecond: number;
  readonly cpuSeconds: number;
  readonly cpuMsPerImage: number;
  readonly maxRssMb?: number;
  readonly processes?: number;
  readonly driverCpuSeconds?: number;
  readonly allPassed: boolean;
  /** 1-minute load average at the start of each timed pass. */
  readonly loadAll?: readonly number[];
}

export interface Target {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  readonly ok: boolean;
  readonly reason?: string;
}

export interface TokenResults {
  readonly images: number;
  readonly repositories: number;
  readonly cli: { tokens: number; passed: number; wallMs: number };
  readonly skopeo: { tokens: number; passed: number; wallMs: number; processes: number };
}

export interface BenchResults {
  readonly version: 1;
  readonly date: string;
  readonly args: Omit<BenchArgs, 'writeMd' | 'noBuild' | 'signaturesOnly' | 'scaleOnly'>;
  readonly machine: MachineInfo;
  /** 1/5/15-minute load averages when the run started (a busy machine distorts wall times). */
  readonly loadAtStart: readonly number[];
  /** CPU of `cli --help`: process start and module loading, a fixed cost per run. */
  readonly cliStartupCpuSeconds: number;
  readonly images: {
    n: number; dockerLists: number; ociIndexes: number; singles: number; platforms: number; matchedChildren: number; sameDigest: number;
    repositories: number; generateSeconds: number;
    /** Images with a cosign `.sig` tag; lists with a `sha256-<hex>` referrers index for a child. */
    signed?: number; referred?: number;
    /** Source digests `--signatures` validates: each tag's, plus the matched children of a list. */
    sourceDigests?: number;
  };
  /** `cli`: the default invocation (manifest cache on, warm); `cliNoCache`: with `--no-cache` (cold). */
  readonly clients: { cli: ClientSummary; cliNoCache?: ClientSummary; skopeo: ClientSummary; floor: ClientSummary };
  readonly ratios: {
    cliVsFloorWall: number; cliVsFloorCpuPerImage?: number; cliNoCacheVsFloorWall?: number; cliNoCacheVsFloorCpuPerImage?: number;
    cliVsSkopeoImagesPerSecond: number; floorVsSkopeoImagesPerSecond: number; cliVsSkopeoCpuPerImage: number;
    perRep: { cliVsFloorWall: number[]; cliVsFloorCpu?: number[]; cliVsSkopeoWall: number[] };
  };
  readonly requests: Record<string, { images: number; total: number; perImage: Record<string, number>; clientCounts?: Record<string, number> }>;
  readonly checks: readonly EconomyCheck[];
  readonly cache: { coldSourceManifestGets: number; warmSourceManifestGets: number; warmSourceHeads: number; coldWallSeconds: number; warmWallSeconds: number };
  readonly tokens: TokenResults;
  readonly skopeoProcessRssMb: number;
  readonly serverless?: ServerlessResults;
  readonly targets: readonly Target[];
  readonly economyOk: boolean;
  readonly allPassed: boolean;
}

function summarize(passes: readonly PassResult[]): ClientSummary {
  const wall = passes.map((p) => p.wallMs / 1000);
  const cpu = median(passes.map((p) => p.cpuSeconds));
  const n = passes[0]?.images ?? 0;
  const rss = passes.map((p) => p.maxRssMb).filter((x): x is number => x !== undefined);
  const procs = passes[0]?.processes;
  const driver = passes.map((p) => p.driverCpuSeconds).filter((x): x is number => x !== undefined);
  return {
    reps: passes.length, wallSeconds: median(wall), wallSecondsAll: wall, imagesPerSecond: n / median(wall),
    cpuSeconds: cpu, cpuMsPerImage: (cpu * 1000) / n,
    ...(rss.length ? { maxRssMb: Math.max(...rss) } : {}),
    ...(procs !== undefined ? { processes: procs } : {}),
    ...(driver.length ? { driverCpuSeconds: median(driver) } : {}),
    allPassed: passes.every((p) => p.passed === p.images),
    loadAll: passes.map((p) => p.load1 ?? Number.NaN),
  };
}

const sourceManifestGets = (c: SideCounts): number =>
  Object.entries(c.source).filter(([k]) => k.startsWith('GET manifest')).reduce((s, [, v]) => s + v, 0);

const fmt = (x: number, d = 2): string => x.toFixed(d);

/** Builds the results and the targets from the raw measurements. */
export function evaluate(m: {
  args: BenchArgs; machine: MachineInfo; loadAtStart: readonly number[]; cliStartupCpuSeconds: number; generateMs: number; images: readonly BenchImage[]; timed: readonly PassResult[];
  skopeoRssMb: number; counts: Record<string, { images: number; counts: SideCounts; clientCounts?: Record<string, number> }>;
  checks: readonly EconomyCheck[]; cacheRuns: { cold: PassResult; warm: PassResult }; signaturesRun: PassResult; tokens: TokenResults;
  serverless?: ServerlessResults;
}): BenchResults {
  const by = (c: PassResult['client']): PassResult[] => m.timed.filter((p) => p.client === c);
  const clients = { cli: summarize(by('cli')), cliNoCache: summarize(by('cliNoCache')), skopeo: summarize(by('skopeo')), floor: summarize(by('floor')) };
  const perRep = by('cli').map((c, i) => ({ floor: by('floor')[i]!, skopeo: by('skopeo')[i]!, cli: c }));
  const ratios = {
    cliVsFloorWall: clients.cli.wallSeconds / clients.floor.wallSeconds,
    cliVsFloorCpuPerImage: clients.cli.cpuMsPerImage / clients.floor.cpuMsPerImage,
    cliNoCacheVsFloorWall: clients.cliNoCache.wallSeconds / clients.floor.wallSeconds,
    cliNoCacheVsFloorCpuPerImage: clients.cliNoCache.cpuMsPerImage / clients.floor.cpuMsPerImage,
    cliVsSkopeoImagesPerSecond: clients.cli.imagesPerSecond / clients.skopeo.imagesPerSecond,
    floorVsSkopeoImagesPerSecond: clients.floor.imagesPerSecond / clients.skopeo.imagesPerSecond,
    cliVsSkopeoCpuPerImage: clients.cli.cpuMsPerImage / clients.skopeo.cpuMsPerImage,
    perRep: {
      cliVsFloorWall: perRep.map((r) => r.cli.wallMs / r.floor.wallMs),
      cliVsFloorCpu: perRep.map((r) => r.cli.cpuSeconds / r.floor.cpuSeconds),
      cliVsSkopeoWall: perRep.map((r) => r.skopeo.wallMs / r.cli.wallMs),
    },
  };
  const requests = Object.fromEntries(Object.entries(m.counts).map(([k, v]) => [k, {
    images: v.images, total: total(v.counts), perImage: perImage(v.counts, v.images), ...(v.clientCounts ? { clientCounts: v.clientCounts } : {}),
  }]));
  const warm = m.counts.cliWarmCache!.counts;
  const cache = {
    coldSourceManifestGets: sourceManifestGets(m.counts.cliColdCache!.counts),
    warmSourceManifestGets: sourceManifestGets(warm),
    warmSourceHeads: warm.source['HEAD manifest by-tag'] ?? 0,
    coldWallSeconds: m.cacheRuns.cold.wallMs / 1000,
    warmWallSeconds: m.cacheRuns.warm.wallMs / 1000,
  };
  const economyOk = m.checks.every((c) => c.ok) && m.tokens.cli.tokens === m.tokens.repositories;
  const n = m.images.length;
  const allPassed = Object.values(clients).every((c) => c.allPassed) && m.cacheRuns.cold.passed === n && m.cacheRuns.warm.passed === n
    && m.signaturesRun.passed === n
    && m.tokens.cli.passed === m.tokens.images && m.tokens.skopeo.passed === m.tokens.images;
  const cores = m.machine.nproc;
  const extraCpu = clients.cli.cpuSeconds - clients.floor.cpuSeconds;
  const startup = `${fmt(m.cliStartupCpuSeconds)} s of it is the fixed start-up (process and module loading)`;
  const targets: Target[] = [
    {
      name: 'default run: wall time vs floor client', target: '≤ 1.3×', measured: `${fmt(ratios.cliVsFloorWall)}× (${fmt(clients.cli.wallSeconds)} s vs ${fmt(clients.floor.wallSeconds)} s)`,
      ok: ratios.cliVsFloorWall <= 1.3,
      reason: `the CLI used ${fmt(extraCpu)} s more CPU than the floor client; on ${cores} cores shared with the registries that CPU is taken from them (up to ${fmt(extraCpu / cores)} s of wall)`,
    },
    {
      name: 'default run: CPU per image vs floor client', target: '≤ 2×', measured: `${fmt(ratios.cliVsFloorCpuPerImage)}× (${fmt(clients.cli.cpuMsPerImage)} ms vs ${fmt(clients.floor.cpuMsPerImage)} ms)`,
      ok: ratios.cliVsFloorCpuPerImage <= 2,
      reason: `the CLI spent ${fmt(clients.cli.cpuSeconds)} s CPU; ${startup}`,
    },
    {
      name: 'client CPU per image vs skopeo', target: '≤ 1/10', measured: `1/${fmt(1 / ratios.cliVsSkopeoCpuPerImage, 1)} (${fmt(clients.cli.cpuMsPerImage)} ms vs ${fmt(clients.skopeo.cpuMsPerImage)} ms)`,
      ok: ratios.cliVsSkopeoCpuPerImage <= 0.1,
      reason: `per image the CLI spends ${fmt(clients.cli.cpuMsPerImage)} ms CPU (floor client ${fmt(clients.floor.cpuMsPerImage)} ms); ${startup}`,
    },
    {
      name: 'images/s vs skopeo baseline', target: '≥ 6×', measured: `${fmt(ratios.cliVsSkopeoImagesPerSecond)}× (${fmt(clients.cli.imagesPerSecond, 0)} vs ${fmt(clients.skopeo.imagesPerSecond, 0)} images/s)`,
      ok: ratios.cliVsSkopeoImagesPerSecond >= 6,
      reason: `the floor client itself reaches only ${fmt(ratios.floorVsSkopeoImagesPerSecond)}× the baseline here: the registries' own CPU bounds every client`,
    },
    {
      name: 'request counts at the minimum', target: 'exact', measured: economyOk ? 'all passes at the minimum' : m.checks.flatMap((c) => c.problems.map((p) => `${c.pass}: ${p}`)).concat(m.tokens.cli.tokens === m.tokens.repositories ? [] : [`tokens ${m.tokens.cli.tokens} for ${m.tokens.repositories} repositories`]).join('; '),
      ok: economyOk,
    },
    {
      name: 'source manifest GETs on re-validation', target: '0', measured: String(cache.warmSourceManifestGets), ok: cache.warmSourceManifestGets === 0,
    },
  ];
  if (m.serverless) {
    const s = m.serverless.splitter;
    const capped = m.serverless.splitterCapped;
    const worst = Math.max(...capped.map((c) => c.peakRssMb));
    const mb = (mib: number): number => (mib * 1024 * 1024) / 1e6;
    targets.push({
      name: `splitter RSS, ${s.lines.toLocaleString('en-US')} lines`, target: '< 128 MB',
      measured: `${fmt(mb(worst), 1)} MB with a 128 MB-function heap (${capped.map((c) => `${c.lines.toLocaleString('en-US')} lines: ${fmt(mb(c.peakRssMb), 1)} MB`).join(', ')}); ${fmt(mb(s.peakRssMb), 1)} MB with Node's default heap`,
      ok: mb(worst) < 128,
      reason: 'the capped runs show what the split keeps alive',
    });
  }
  return {
    version: 1, date: new Date().toISOString(),
    args: { n: m.args.n, reps: m.args.reps, jobs: m.args.jobs, subsetN: m.args.subsetN, out: m.args.out, noServerless: m.args.noServerless },
    machine: m.machine, loadAtStart: m.loadAtStart, cliStartupCpuSeconds: m.cliStartupCpuSeconds,
    images: {
      n, dockerLists: m.images.filter((i) => i.kind === 'docker-list').length, ociIndexes: m.images.filter((i) => i.kind === 'oci-index').length,
      singles: m.images.filter((i) => i.kind === 'single').length, platforms: m.images.reduce((s, i) => s + i.platforms, 0),
      matchedChildren: m.images.reduce((s, i) => s + i.matched, 0), sameDigest: m.images.filter((i) => i.sameDigest).length,
      repositories: new Set(m.images.map((i) => i.repo)).size, generateSeconds: m.generateMs / 1000,
      ...(({ signed, referred, sourceDigests }) => ({ signed, referred, sourceDigests }))(signatureImages(m.images)),
    },
    clients, ratios, requests, checks: m.checks, cache, tokens: m.tokens, skopeoProcessRssMb: m.skopeoRssMb,
    ...(m.serverless ? { serverless: m.serverless } : {}),
    targets: targets.map((t) => (t.ok ? { name: t.name, target: t.target, measured: t.measured, ok: true } : t)),
    economyOk, allPassed,
  };
}

/** The console table. */
export function printReport(r: BenchResults, out: (line: string) => void): void {
  out('');
  out(`mirror-validate bench: ${r.images.n} images, ${r.args.reps} reps, -j ${r.args.jobs}; ${r.machine.nproc} cores ${r.machine.cpuModel}, node ${r.machine.node}`);
  out('');
  out('client        wall s (median)  images/s  CPU s   CPU ms/image  peak RSS MiB');
  for (const [name, c] of Object.entries(r.clients)) {
    const rss = name === 'skopeo' ? `${fmt(r.skopeoProcessRssMb, 0)}/process` : c.maxRssMb !== undefined ? fmt(c.maxRssMb, 0) : '-';
    out(`${name.padEnd(14)}${fmt(c.wallSeconds).padStart(15)}  ${fmt(c.imagesPerSecond, 0).padStart(8)}  ${fmt(c.cpuSeconds).padStart(6)}  ${fmt(c.cpuMsPerImage).padStart(12)}  ${rss.padStart(12)}`);
  }
  out('');
  out('requests per image (counting proxies; pings and tokens excluded from the minimum):');
  for (const [name, q] of Object.entries(r.requests)) {
    const parts = Object.entries(q.perImage).filter(([k]) => !k.endsWith(' ping')).map(([k, v]) => `${k} ${fmt(v)}`);
    out(`  ${name.padEnd(13)} ${fmt(q.total / q.images)} total: ${parts.join(', ')}`);
  }
  out(`tokens (bearer destination, ${r.tokens.images} images, ${r.tokens.repositories} repositories): CLI ${r.tokens.cli.tokens}, skopeo ${r.tokens.skopeo.tokens}`);
  out(`cache re-run: ${r.cache.warmSourceManifestGets} source manifest GETs (cold run: ${r.cache.coldSourceManifestGets})`);
  if (r.serverless) {
    const s = r.serverless.splitter;
    out(`splitter: ${s.lines} lines -> ${s.messagesSent} messages in ${s.sendCalls} SendMessageBatch calls, ${fmt(s.ms / 1000)} s, peak RSS ${fmt(s.peakRssMb, 1)} MiB (default heap)`);
    for (const c of r.serverless.splitterCapped) out(`splitter: ${c.lines} lines, ${c.nodeFlags.join(' ')}: ${fmt(c.ms / 1000)} s, peak RSS ${fmt(c.peakRssMb, 1)} MiB`);
    for (const b of r.serverless.bundles) {
      out(`bundle ${b.entry}: ${(b.bytes / 1024).toFixed(1)} KiB, cold import ${fmt(b.importMs, 1)} ms (process ${fmt(b.processMs, 0)} ms, bare node ${fmt(b.bareNodeMs, 0)} ms)${b.placeholder ? ' [placeholder handler]' : ''}`);
    }
  }
  out('');
  for (const c of r.checks) out(`${c.ok ? 'PASS' : 'FAIL'}  economy: ${c.pass}${c.ok ? '' : ` — ${c.problems.join('; ')}`}`);
  for (const t of r.targets) out(`${t.ok ? 'PASS' : 'FAIL'}  ${t.name}: ${t.measured} (target ${t.target})${t.ok || !t.reason ? '' : ` — ${t.reason}`}`);
  if (!r.allPassed) out('FAIL  not every image validated as PASS in every pass');
}
