/**
 * BENCHMARKS.md, rendered from a results JSON (`npm run bench -- --write-md`): the method, the
 * machine, the medians and same-run ratios, the targets, the request counts, the cache re-run,
 * the tokens, the serverless measurements and the paper model for 1,000,000 images on AWS.
 */
import type { BenchResults, ClientSummary } from './results.js';
import { costModel, MODEL } from './paper-model.js';
import type { SignatureResults } from './signatures-run.js';
import type { ScaleResults } from './scale.js';
import { aggregatorModel, aggregatorPaperModel, scaleSection } from './scale-markdown.js';

const f = (x: number, d = 2): string => x.toFixed(d);
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;

const KINDS = [
  'source HEAD manifest by-tag', 'source GET manifest by-tag', 'source GET manifest by-digest', 'source GET blob',
  'source HEAD blob', 'source GET tags', 'source GET referrers', 'destination GET manifest by-tag', 'destination HEAD manifest by-tag',
  'destination HEAD manifest by-digest', 'destination GET manifest by-digest', 'destination HEAD blob', 'destination GET referrers',
  'source GET ping', 'destination GET ping',
];
const PASSES: readonly [string, string][] = [
  ['cli', 'CLI `--no-cache`'], ['cliSignatures', 'CLI `--signatures`'], ['cliColdCache', 'CLI, empty cache'], ['cliWarmCache', 'CLI, re-run (cache)'],
  ['floor', 'floor client'], ['skopeo', 'skopeo baseline'],
];

function clientRow(name: string, c: ClientSummary, rss?: string): string {
  return row([name, f(c.wallSeconds), f(c.imagesPerSecond, 0), f(c.cpuSeconds), f(c.cpuMsPerImage), rss ?? (c.maxRssMb ? f(c.maxRssMb, 0) : '–'),
    c.wallSecondsAll.map((x) => f(x)).join(', '), (c.loadAll ?? []).map((x) => f(x, 1)).join(', ') || '–']);
}

function requestTable(r: BenchResults): string[] {
  const present = PASSES.filter(([k]) => r.requests[k]);
  const lines = [row(['per image', ...present.map(([, label]) => label)]), row(['---', ...present.map(() => '---:')])];
  for (const kind of KINDS) {
    if (!present.some(([k]) => (r.requests[k]!.perImage[kind] ?? 0) > 0)) continue;
    lines.push(row([kind, ...present.map(([k]) => f(r.requests[k]!.perImage[kind] ?? 0))]));
  }
  lines.push(row(['**total**', ...present.map(([k]) => `**${f(r.requests[k]!.total / r.requests[k]!.images)}**`)]));
  return lines;
}

export function renderMarkdown(r: BenchResults, signatures?: SignatureResults, scale?: ScaleResults): string {
  const { cli, cliNoCache, skopeo, floor } = r.clients;
  const m = r.machine;
  const out: string[] = [];
  const p = (...s: string[]): void => { out.push(...s); };
  p('# Benchmarks', '',
    `Rendered by \`npm run bench -- --write-md\` from \`${r.args.out}\` (measured ${r.date}). To reproduce on a fresh checkout:`,
    '`npm ci && npm run bench` (builds `dist/`, starts the registries, generates the images, measures, writes the JSON and prints the table; exits non-zero when a request count is above the minimum), then `npm run bench -- --write-md`.',
    'Requires the Debian packages `docker-registry apache2-utils openssl skopeo` and `/usr/bin/time`.', '');
  const busy = (r.loadAtStart[0] ?? 0) > r.machine.nproc / 2;
  if (r.images.n < 1000 || r.args.reps < 3 || busy) {
    p(`> **Preliminary numbers.** This run used ${int(r.images.n)} images and ${r.args.reps} repetition(s)${busy ? `, on a busy machine (load average ${r.loadAtStart.join(' / ')} at the start on ${r.machine.nproc} cores)` : ''}. Wall times and their ratios are not representative; request counts are exact regardless. Re-run \`npm run bench\` on a quiet machine for the reference numbers.`, '');
  }

  p('## Method', '',
    `- **Images.** ${int(r.images.n)} correctly mirrored images in ${int(r.images.repositories)} repositories (5 tags each): ${int(r.images.dockerLists)} Docker manifest lists, ${int(r.images.ociIndexes)} OCI indexes (2–4 platforms each, ${int(r.images.platforms)} platforms in all, among them arm/v7, ppc64le and s390x, which the default \`--arch amd64,arm64\` filters out) and ${int(r.images.singles)} single schema2 images. The destinations are what hangar 2023's \`mirror\` writes: a Docker list of the matching entries in source order (byte-identical to the source for ${int(r.images.sameDigest)} lists where nothing was filtered out), a one-entry list for a single image. ${int(r.images.matchedChildren)} destination children match the filter. Generation took ${f(r.images.generateSeconds, 1)} s (shared blobs pushed once per repository, children made distinct by an annotation, parallel pushes).`,
    `- **Registries.** Debian \`docker-registry\` (${m.registry}) on 127.0.0.1: the source plain HTTP, the destination HTTPS with htpasswd (bcrypt cost 4) basic auth; a third, HTTPS with bearer-token auth, as the destination of the token variant.`,
    `- **Clients**, each at concurrency ${r.args.jobs}:`,
    `  - **CLI, default run**: \`node dist/bin/cli.js -f list -j ${r.args.jobs} --tls-verify=false\`, as a user runs it: with its manifest cache in the default place (\`$XDG_CACHE_HOME/mirror-validate\`, \`XDG_CACHE_HOME\` pointing into the bench directory), warmed by the warm-up pass, so this is the everyday re-validation of an unchanged list;`,
    `  - **CLI \`--no-cache\`**: the same with \`--no-cache\` (a cold run, informative);`,
    '  - **skopeo baseline**: hangar 2023\'s way, one `skopeo --insecure-policy inspect --raw --tls-verify=false` process per manifest read (source tag, destination tag, `--config` of a single source image, each matching destination child), images one at a time per worker, 20 workers. hangar 2023 skips the child reads for OCI-index sources (a bug); the baseline reads them for every list so that both do the same work;',
    '  - **floor client** (bench/floor-client.ts): a bare keep-alive `node:http`/`node:https` client (no HTTP library) making only the cold-run minimum (GET source tag and GET destination tag in parallel, then HEAD each matching destination child; GET the config blob of a single source image), no verification, no output: the floor any validating client in Node stands on.',
    `- **Timing.** A warm-up pass of each client (for the default CLI run, the whole list, which fills its cache), then ${r.args.reps} repetitions; in each, the four clients run one after the other in rotating order. Medians are reported; ratios compare medians of the same run. Wall time is from process start to exit (the skopeo driver: first to last process). The machine's 1-minute load average is recorded at the start of every timed pass (other work on the machine, e.g. test runs, slows the registries and the clients alike).`,
    '- **CPU** is what the kernel accounts to the client processes alone: the growth of the bench process\'s `cutime + cstime` (/proc/self/stat) over a pass, i.e. the CPU of every child it reaped. For skopeo that is the sum over all its processes; the Node driver that spawns them is excluded (reported apart). **Peak RSS** from `/usr/bin/time -f %M` (for skopeo: per process, up to 20 run at once).',
    '- **Requests** are counted by counting reverse proxies (bench/counting-proxy.ts) in front of the source and destination registries, in separate passes that are never timed. **Tokens** are counted by the token server of the bearer-token registry.',
    `- **Caveats.** The registries run on the same ${m.nproc} cores as the clients. Their own CPU (about 2.3 ms per authenticated TLS request, 1.1 ms per plain one) dominates the floor, so any client CPU slows them down. Connections are kept alive for HEADs too: the registry client tells undici not to close after a HEAD (its default, for servers that wrongly send a body), so a child HEAD costs no new TCP or TLS connection.`, '');

  p('## Machine', '', row(['', '']), row(['---', '---']),
    row(['CPUs (`nproc`)', m.nproc]), row(['CPU model', m.cpuModel]), row(['memory', `${m.memoryGb} GiB`]), row(['OS', m.os]),
    row(['Node.js', m.node]), row(['registry', m.registry]), row(['skopeo', m.skopeo]),
    row(['load average (1/5/15 min) at the start', r.loadAtStart.join(' / ')]), row(['load average at the end', m.loadAverage.join(' / ')]), '');

  p(`## Results (${int(r.images.n)} images, median of ${r.args.reps})`, '',
    row(['client', 'wall s', 'images/s', 'client CPU s', 'CPU ms / image', 'peak RSS MiB', 'wall s, every rep', 'load at each rep']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---', '---']),
    clientRow('floor client (bare node:http)', floor),
    clientRow('CLI, default run (cache warm)', cli),
    ...(cliNoCache ? [clientRow('CLI `--no-cache`', cliNoCache)] : []),
    clientRow('skopeo baseline', skopeo, `${f(r.skopeoProcessRssMb, 0)} per process`),
    '', `skopeo started ${int(skopeo.processes ?? 0)} processes per pass; its Node driver used ${f(skopeo.driverCpuSeconds ?? 0)} s CPU on top (not counted above).`, '',
    '**Ratios (same run):**', '',
    `- CLI default run wall / floor wall: **${f(r.ratios.cliVsFloorWall)}×** (per rep: ${r.ratios.perRep.cliVsFloorWall.map((x) => f(x)).join(', ')})`,
    ...(r.ratios.cliVsFloorCpuPerImage !== undefined ? [`- CLI default run CPU per image / floor CPU per image: **${f(r.ratios.cliVsFloorCpuPerImage)}×** (per rep: ${(r.ratios.perRep.cliVsFloorCpu ?? []).map((x) => f(x)).join(', ')}); ${f(r.cliStartupCpuSeconds)} s of the CLI's CPU per run is its start-up (\`--help\`: process and module loading)`] : []),
    ...(r.ratios.cliNoCacheVsFloorWall !== undefined ? [`- CLI \`--no-cache\` wall / floor wall: ${f(r.ratios.cliNoCacheVsFloorWall)}×; CPU per image: ${f(r.ratios.cliNoCacheVsFloorCpuPerImage ?? Number.NaN)}×`] : []),
    `- CLI images/s / skopeo images/s: **${f(r.ratios.cliVsSkopeoImagesPerSecond)}×** (per rep: ${r.ratios.perRep.cliVsSkopeoWall.map((x) => f(x)).join(', ')}); the floor client reaches ${f(r.ratios.floorVsSkopeoImagesPerSecond)}×, the ceiling on this machine`,
    `- CLI CPU per image / skopeo CPU per image: **1/${f(1 / r.ratios.cliVsSkopeoCpuPerImage, 1)}**`, '');

  p('## Targets', '', row(['target', 'goal', 'measured', 'result']), row(['---', '---', '---', '---']));
  for (const t of r.targets) p(row([t.name, t.target, t.measured, t.ok ? 'PASS' : `FAIL: ${t.reason ?? ''}`]));
  p('');

  p(...cpuSection());

  p('## Requests per image', '',
    'Counted at the registries by the proxies. The minimum, per image with k matching children: the destination tag by 1 GET and k child HEADs; the source tag by 1 GET, or by HEAD when its content is known by digest (equal to the destination\'s, or cached), with a GET by digest otherwise; a HEAD on the source first only where it saves quota (Docker Hub) or enables the cache; 1 config blob GET for a single-image source; blob HEADs only with `--deep`; one ping per registry per process; one token per (registry, repository, scope) per lifetime.',
    `The skopeo column is measured over the first ${int(r.requests.skopeo?.images ?? 0)} images.`, '', ...requestTable(r), '');
  p('Economy checks (exact counts, pings at most 1 per registry):', '');
  for (const c of r.checks) p(`- ${c.ok ? 'PASS' : 'FAIL'} ${c.pass}${c.ok ? '' : `: ${c.problems.join('; ')}`}`);
  const cc = r.requests.cli?.clientCounts;
  if (cc) p('', `The CLI's own per-line counters (summed from its \`--report\`) for the same pass: ${Object.entries(cc).map(([k, v]) => `${k} ${int(v)}`).join(', ')} (its \`ping\` counter includes the HTTPS attempt on the plain-HTTP source before the \`--tls-verify=false\` fallback, which never reaches HTTP).`);
  p('');

  p('## Manifest cache', '',
    `With an empty \`--cache-dir\` the CLI HEADs each source tag and GETs by digest only what neither the destination nor the cache has: ${int(r.cache.coldSourceManifestGets)} source manifest GETs for ${int(r.images.n)} images (${f(r.cache.coldWallSeconds)} s). Re-validating the unchanged list: **${int(r.cache.warmSourceManifestGets)} source manifest GETs**, ${int(r.cache.warmSourceHeads)} source HEADs (${f(r.cache.warmWallSeconds)} s). On Docker Hub HEADs do not count against the pull quota, so a nightly re-validation spends none of it.`, '');

  p(...signatureSection(r, signatures));

  const t = r.tokens;
  p('## Tokens (bearer-token destination)', '',
    `${int(t.images)} images in ${int(t.repositories)} destination repositories: the CLI fetched **${int(t.cli.tokens)} tokens** (one per repository and scope; the token is cached and shared by concurrent requests); the skopeo baseline fetched ${int(t.skopeo.tokens)} (one per skopeo process that reads the destination; ${int(t.skopeo.processes)} processes in all). Wall: CLI ${f(t.cli.wallMs / 1000)} s, skopeo ${f(t.skopeo.wallMs / 1000)} s.`, '');

  if (r.serverless) {
    const s = r.serverless.splitter;
    p('## Serverless parts', '',
      `- **Splitter**: ${int(s.lines)} lines streamed from a file through \`parseListStream\` into \`splitList\`, sending with the real \`SqsWorkQueue\` and AWS SDK client to a fake SQS endpoint (JSON protocol, checked MD5s), in its own process: ${int(s.messagesSent)} messages in ${int(s.sendCalls)} SendMessageBatch calls, ${f(s.ms / 1000)} s. Peak RSS with Node's default heap ${f(s.peakRssMb, 1)} MiB (${f(s.startRssMb, 1)} MiB after loading the SDK, before the split); V8 collects lazily when memory is plentiful. With the heap limited as in a small function (\`${r.serverless.splitterCapped[0]?.nodeFlags.join(' ') ?? ''}\`): ${r.serverless.splitterCapped.map((c) => `${int(c.lines)} lines, **${f(c.peakRssMb, 1)} MiB**, ${f(c.ms / 1000)} s`).join('; ')}. The peak does not grow with the list: it is never held in memory.`);
    for (const b of r.serverless.bundles) {
      p(`- **Bundle \`${b.entry.startsWith('.tmp') ? 'lib/engine + lib/pipeline/process + AWS adapters' : b.entry}\`** (esbuild as the stack bundles it: minified, node22, ESM, \`@aws-sdk/*\` external): ${f(b.bytes / 1024, 1)} KiB; cold \`import()\` in a fresh Node process ${f(b.importMs, 1)} ms (median of ${b.samples}; whole process ${f(b.processMs, 0)} ms against ${f(b.bareNodeMs, 0)} ms for a bare \`node -e 0\`).${b.placeholder ? ' At measurement time this entry was still the placeholder handler; the next line measures the code it will load.' : ''}`);
    }
    p('');
  }

  if (scale) p(...scaleSection(scale));
  p(...paperModel(r, scale));
  return `${out.join('\n')}\n`;
}

/** Where the default run's CPU went and what was cut (profiled with \`node --cpu-prof\`). */
function cpuSection(): string[] {
  return ['## Where the CPU went', '',
    'Profiled with `node --cpu-prof dist/bin/cli.js -f list -j 20 --tls-verify=false` against the bench registries (and `node --cpu-prof` on the floor client), then measured with the passes above, each change against the floor in alternation. Before these cuts (main at 58849ca) the default run took 5.3–5.4 s of CPU for 1,000 images against 1.0–1.2 s for the floor (load 9–12): 4.7×.', '',
    row(['cut', 'where', 'share of the default run\'s CPU before']), row(['---', '---', '---']),
    row(['undici closes the connection after every HEAD (its default, `reset`), so each child HEAD and each source HEAD opened a new TCP and TLS connection; now `reset: false`', 'lib/registry/exchange.ts', 'about 2/3 (5.4 s → 2.3 s)']),
    row(['undici\'s `request()`: a Readable, an AsyncResource and promise glue per response; now one dispatcher exchange reading the capped body', 'lib/registry/exchange.ts', '≈ 30 µs per request']),
    row(['an `AbortSignal.timeout` and an `AbortSignal.any` per request for the send deadline; now the deadline bounds undici\'s timeouts and is checked per body chunk; one shared abort reason per finished image instead of a `DOMException`', 'lib/registry/transport.ts, lib/engine/image-checker.ts', '≈ 0.1 s']),
    row(['the AWS SDK loaded at every start (for `submit`/`status`/`fetch` only), and undici\'s whole package entry (fetch, WebSocket, caches)', 'lib/cli/run.ts, lib/registry/undici-parts.ts', 'start-up 0.33 s → 0.13 s']),
    row(['the manifest cache read through `fs/promises` (a FileHandle, four thread-pool round trips per small file); one log line written per image', 'lib/adapters/local/fs-cache.ts, lib/cli/progress.ts', '≈ 0.1–0.2 s']),
    row(['the list parsed twice (once to count it), a promise per request for the credentials and a Basic value encoded per request, an MD5 per stored result', 'lib/core/list-stream.ts, lib/registry/auth.ts, lib/adapters/local/memory-store.ts', 'a few tens of ms']), '',
    'What remains is work the floor does not do, and the start-up and JIT warm-up of a larger program: parsing the list, the queue, storing and aggregating each result, verifying digests, parsing and comparing the manifests, the progress lines. On the same registries, 500, 1,000 and 2,000 images cost the CLI about 1.0, 1.6 and 2.4 s of CPU (0.8 ms per further image, 0.6 s fixed) and the floor 0.6, 0.85 and 1.3 s (0.45 ms per further image, 0.4 s fixed). Per request the registry client is now at the floor: a `headManifest` through the whole client costs about as much CPU as a bare `node:https` HEAD.', ''];
}

/** The signatures section, from the full run when it has the pass, else from a `--signatures-only` run. */
function signatureSection(r: BenchResults, sig?: SignatureResults): string[] {
  const full = r.requests.cliSignatures && r.requests.cli && r.images.signed !== undefined;
  const src = full
    ? { images: { n: r.images.n, repositories: r.images.repositories, signed: r.images.signed!, referred: r.images.referred ?? 0, sourceDigests: r.images.sourceDigests ?? 0 },
      cli: r.requests.cli!, cliSignatures: r.requests.cliSignatures!, checks: r.checks.filter((c) => c.pass.includes('--signatures')), origin: '' }
    : sig && {
      images: sig.images, cli: sig.requests.cli, cliSignatures: sig.requests.cliSignatures, checks: sig.checks,
      origin: `Measured ${sig.date} by \`npm run bench -- --signatures-only\` (written to \`bench/results-signatures.json\`): request counts only, which do not depend on the machine's load (${sig.loadAtStart.join(' / ')} at the start on ${sig.machine.nproc} cores), over the generated images described above. `,
    };
  if (!src) return [];
  const { images, cli: without, cliSignatures: withSig } = src;
  const n = images.n;
  const per = (k: string): number => withSig.perImage[k] ?? 0;
  const candidates = 4 * images.sourceDigests;
  return ['## Signatures and referrers (`--signatures`)', '',
    `${src.origin}${int(images.signed)} of the ${int(n)} images carry a cosign \`.sig\` tag for their source digest, and ${int(images.referred)} of the lists a \`sha256-<hex>\` referrers index (one SBOM referrer) for one matching child; each is copied byte for byte to the destination. distribution 2.8 has no referrers API, so the tag schema applies. The same list, \`--no-cache\`, with and without \`--signatures\`: **${f(withSig.total / withSig.images)} requests per image** against ${f(without.total / without.images)} (${int(withSig.total - without.total)} more in all).`, '',
    row(['per image', 'CLI `--no-cache`', 'CLI `--no-cache --signatures`']), row(['---', '---:', '---:']),
    ...KINDS.filter((k) => !k.endsWith(' ping') && ((withSig.perImage[k] ?? 0) > 0 || (without.perImage[k] ?? 0) > 0))
      .map((k) => row([k, f(without.perImage[k] ?? 0), f(withSig.perImage[k] ?? 0)])),
    row(['**total**', `**${f(without.total / without.images)}**`, `**${f(withSig.total / withSig.images)}**`]), '',
    `- Per source repository (${int(images.repositories)}, ${int(n / images.repositories)} lines each): one referrers request (answered 404, so no more for that repository in the run: ${f(per('source GET referrers'))} per image) and one tag listing shared by its lines (${f(per('source GET tags'))} per image). The listing proves every other candidate absent: looking up the 4 candidate tags (\`.sig\`, \`.att\`, \`.sbom\`, \`sha256-<hex>\`) of each of the ${int(images.sourceDigests)} validated source digests by HEAD instead would cost ${int(candidates)} requests (${f(candidates / n)} per image) at the source.`,
    '- Per signature found: one HEAD of its tag on each side, no GET (the digests are compared). Per referrers index: one GET by digest at the source (through the manifest cache when there is one), none at the destination (same digest), one referrers request per destination repository holding one, and one HEAD per referrer.',
    ...(withSig.clientCounts ? [`- The CLI's own counters for this pass (summed from its \`--report\`): ${Object.entries(withSig.clientCounts).map(([k, v]) => `${k} ${int(v)}`).join(', ')}.`] : []),
    ...src.checks.map((c) => `- Economy check ${c.ok ? 'PASS' : 'FAIL'}: ${c.pass}${c.ok ? ' (exact counts)' : `: ${c.problems.join('; ')}`}.`), ''];
}

function paperModel(r: BenchResults, scale?: ScaleResults): string[] {
  const cold = r.requests.cliColdCache ? r.requests.cliColdCache.total / r.requests.cliColdCache.images : 4;
  const warm = r.requests.cliWarmCache ? r.requests.cliWarmCache.total / r.requests.cliWarmCache.images : 4;
  const agg = scale ? aggregatorModel(scale, 1) : undefined;
  const c = costModel(agg ? { putRate: agg.putRate, getRate: agg.getRate, secondsPerLine: agg.seconds } : undefined);
  const d = (x: number): string => `$${x.toFixed(4)}`;
  return [
    '## Paper model: 1,000,000 images on AWS', '',
    'Not measured on AWS: arithmetic from the measured request counts, the stack\'s defaults, and the assumptions stated here (prices: us-east-1 list prices, checked by hand; verify them before relying on them).', '',
    '**Assumptions.**', '',
    `- Validator Lambda on arm64 with ${MODEL.validatorMemoryGb * 1024} MB (the stack default), SQS batch size ${MODEL.batchSize} (stack default), images of a batch validated concurrently; an invocation takes ${MODEL.invocationSeconds} s (internet registries: two round-trip phases of ~${MODEL.rttMs} ms per image, token fetch amortised, S3 result write). Billed duration including occasional cold starts: ×${MODEL.coldStartFactor}.`,
    `- Prices: Lambda arm64 $${MODEL.lambdaGbSecond} per GB-s and $${MODEL.lambdaPerMillion} per million requests; SQS standard $${MODEL.sqsPerMillion} per million requests (64 KiB chunks); S3 Standard $${MODEL.s3PutPer1000} per 1,000 PUT/LIST and $${MODEL.s3GetPer1000} per 1,000 GET/HEAD. No VPC and no NAT gateway; no data transfer charge (manifests are a few KiB).`,
    `- Per image: 1 result HEAD and PUT; the manifest cache in S3 costs 1 GET per image and, on a cold run, ~1 PUT per source manifest fetched; ${agg ? 'the aggregator\'s requests and time per line as measured in "Aggregation at scale" above (it reads each result once and writes a shard per 1,000 lines)' : 'the aggregator reads each result once'}. Per batch: 1 progress message. SQS per message: send (batched by 10), receive (batched by the event source), delete (batched).`, '',
    ...aggregatorPaperModel(scale),
    row(['per 10,000 images', 'cold run (empty cache)', 're-validation (cache warm)']), row(['---', '---:', '---:']),
    row(['Lambda compute', d(c.cold.lambdaCompute), d(c.warm.lambdaCompute)]),
    row(['Lambda requests', d(c.cold.lambdaRequests), d(c.warm.lambdaRequests)]),
    row(['SQS requests', d(c.cold.sqs), d(c.warm.sqs)]),
    row(['S3 requests', d(c.cold.s3), d(c.warm.s3)]),
    row(['**total**', `**${d(c.cold.total)}**`, `**${d(c.warm.total)}**`]),
    row(['1,000,000 images', `$${(c.cold.total * 100).toFixed(2)}`, `$${(c.warm.total * 100).toFixed(2)}`]), '',
    `S3 PUTs (one result per image) dominate; everything scales linearly with the number of images${agg ? ', the aggregator included' : ''}.`, '',
    '**Throughput and quotas.**', '',
    `- With the default \`jobs\` = ${MODEL.jobs} concurrent validator invocations: ${MODEL.jobs} × ${MODEL.batchSize} images per ${MODEL.invocationSeconds} s ≈ ${int(c.imagesPerSecondDefault)} images/s, so 1,000,000 images take ≈ ${f(1_000_000 / c.imagesPerSecondDefault / 3600, 1)} h. \`jobs\` goes up to 1000 (the default account concurrency quota is 1,000 for all functions together): at 200, ≈ ${int(c.imagesPerSecondDefault * 20)} images/s, ≈ ${f(1_000_000 / c.imagesPerSecondDefault / 20 / 60, 0)} min. The practical bound is the registries: each image costs ${f(cold)} requests cold and ${f(warm)} on re-validation (measured above), so ${int(c.imagesPerSecondDefault * 20)} images/s is ≈ ${int(c.imagesPerSecondDefault * 20 * warm)} requests/s against the destination and source registries; size \`jobs\` to their API quotas.`,
    '- SQS standard queues have no practical send/receive throughput limit; at most ~120,000 messages may be in flight (received, not deleted), far above `jobs` × batch size. The splitter sends 10 messages per SendMessageBatch: 100,000 calls for 1,000,000 lines; at ~10–20 ms per call with 4–8 calls in flight that is 2–7 minutes, within the 15-minute Lambda limit, and its memory does not grow with the list (measured above). Messages are retained 4 days by default, far longer than a run.',
    `- **Docker Hub**: manifest GETs count against the pull quota (taken here as 100 per 6 h anonymous, 200 per 6 h authenticated free accounts), HEADs do not. A cold run over 1,000,000 Docker Hub images spends one GET per source manifest whose digest differs from the destination's (lists rebuilt with a platform filter always differ) — at 200 per 6 h that is 800 per day, so a cold run at this scale needs a paid Docker subscription or pre-warming the cache over time; mirrors that kept the source digest cost no GET at all. Every later re-validation of unchanged tags spends **zero** GETs: HEAD first, then the S3 cache by digest. Only tags that moved cost one GET each.`,
    '',
  ];
}
