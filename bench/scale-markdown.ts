/**
 * BENCHMARKS.md's "Aggregation at scale" section and the aggregator's part of the paper model,
 * rendered from `bench/results-scale.json` (`npm run bench -- --scale-only`).
 */
import { MODEL } from './paper-model.js';
import { cliFigure, CLI_SIZES, type ScaleResults } from './scale.js';
import { AGGREGATOR_HEAP_MIB, type FunctionName, type HandlerScaleRun, type RequestKind } from './scale-handlers.js';

const f = (x: number, d = 2): string => x.toFixed(d);
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const row = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
const FUNCTIONS: readonly FunctionName[] = ['splitter', 'validator', 'aggregator'];
const KINDS: readonly RequestKind[] = ['PUT', 'GET', 'HEAD', 'LIST', 'DELETE'];
/** Request classes S3 bills at the PUT rate (LIST, PUT, COPY, POST) and at the GET rate (GET, HEAD); DELETE is free. */
const PUT_RATE: readonly RequestKind[] = ['PUT', 'LIST'];

/** Requests per line of `run`, by function and class. */
export function perLine(run: HandlerScaleRun): Record<FunctionName, Record<RequestKind, number>> {
  const out = {} as Record<FunctionName, Record<RequestKind, number>>;
  for (const fn of FUNCTIONS) out[fn] = Object.fromEntries(KINDS.map((k) => [k, run.requests[fn][k] / run.lines])) as Record<RequestKind, number>;
  return out;
}

/** The aggregator's model for `lines` lines, from the largest measured run. */
export function aggregatorModel(r: ScaleResults, lines: number) {
  const big = r.handlers.runs[r.handlers.runs.length - 1]!;
  const per = perLine(big).aggregator;
  const putRate = PUT_RATE.reduce((s, k) => s + per[k], 0);
  const getRate = per.GET + per.HEAD;
  const s3 = lines * ((putRate * MODEL.s3PutPer1000) + (getRate * MODEL.s3GetPer1000)) / 1000;
  const seconds = (big.aggregator.totalMs / 1000) * (lines / big.lines);
  const closingSeconds = (big.aggregator.closingMs / 1000) * (lines / big.lines);
  const compute = seconds * MODEL.aggregatorMemoryGb * MODEL.lambdaGbSecond;
  return { per, putRate, getRate, s3, seconds, closingSeconds, compute, invocations: big.aggregator.invocations * (lines / big.lines) };
}

export function scaleSection(r: ScaleResults): string[] {
  const out: string[] = [];
  const p = (...s: string[]): void => { out.push(...s); };
  const [small, large] = CLI_SIZES;
  const ratio = (mode: 'work-dir' | 'memory', what: 'wallSeconds' | 'cpuSeconds' = 'wallSeconds'): number => cliFigure(r, mode, large, what) / cliFigure(r, mode, small, what);
  const rss = (mode: 'work-dir' | 'memory', lines: number): number => cliFigure(r, mode, lines, 'peakRssMiB');
  const busy = (r.loadAtStart[0] ?? 0) > r.machine.nproc / 2;
  p('## Aggregation at scale', '',
    `Measured ${r.date} by \`npm run bench -- --scale-only\` (written to \`bench/results-scale.json\`) on ${r.machine.nproc} cores, load average ${r.loadAtStart.join(' / ')} at the start and ${r.loadAtEnd.join(' / ')} at the end${busy ? ' (a busy machine: wall times are inflated, their ratios less so; memory and request counts do not depend on it)' : ''}.`,
    `The lists: every ${r.cli.imageEvery}th line (CLI) or every ${r.handlers.imageEvery}th line (handlers) is one of the generated, correctly mirrored images above, cycling, one in ten of them with a destination repository that does not exist (FAILED \`DEST_NOT_FOUND\`, so the failed file is merged too); the others are invalid lines, which the splitter records without registry traffic. Every line has a result object, a place in a shard and in every report, which is what aggregation scales with.`, '');
  p('### The CLI', '',
    `\`node dist/bin/cli.js -f LIST -j ${r.cli.jobs} --tls-verify=false --no-cache -o failed.txt --report r.json --report r.html --report r.xml\`, with \`--work-dir DIR\` and without (in memory), each size ${r.cli.reps} times in alternation. The machine is shared, so wall times vary from run to run; the best of each size (the least disturbed) is compared, and the CPU seconds of the process (median) beside it. Peak RSS (\`/usr/bin/time -f %M\`) is the highest.`, '',
    row(['lines', 'mode', 'best wall s', 'wall s, every run', 'CPU s', 'peak RSS MiB']), row(['---:', '---', '---:', '---', '---:', '---:']));
  for (const mode of ['work-dir', 'memory'] as const) {
    for (const lines of CLI_SIZES) {
      const run = r.cli.runs.find((x) => x.mode === mode && x.lines === lines);
      if (!run) continue;
      p(row([int(lines), mode === 'work-dir' ? '`--work-dir`' : 'memory', f(cliFigure(r, mode, lines, 'wallSeconds'), 1), run.wallSeconds.map((x) => f(x, 1)).join(', '),
        f(cliFigure(r, mode, lines, 'cpuSeconds'), 1), f(rss(mode, lines), 0)]));
    }
  }
  p('', row(['target', 'goal', 'measured', 'result']), row(['---', '---', '---', '---']),
    row([`\`--work-dir\`, ${int(large)} lines, peak RSS`, '< 256 MiB', `${f(rss('work-dir', large), 0)} MiB (${int(small)} lines: ${f(rss('work-dir', small), 0)} MiB)`, rss('work-dir', large) < 256 ? 'PASS' : 'FAIL']),
    row([`\`--work-dir\`, ${int(small)} → ${int(large)} lines, wall time`, '≤ 4.8×', `${f(ratio('work-dir'))}× (CPU ${f(ratio('work-dir', 'cpuSeconds'))}×)`, ratio('work-dir') <= 4.8 ? 'PASS' : 'FAIL']),
    row([`in memory, ${int(large)} lines, peak RSS`, '< 512 MiB', `${f(rss('memory', large), 0)} MiB (${int(small)} lines: ${f(rss('memory', small), 0)} MiB)`, rss('memory', large) < 512 ? 'PASS' : 'FAIL']),
    row([`in memory, ${int(small)} → ${int(large)} lines, wall time`, '≤ 4.8×', `${f(ratio('memory'))}× (CPU ${f(ratio('memory', 'cpuSeconds'))}×)`, ratio('memory') <= 4.8 ? 'PASS' : 'FAIL']), '',
    'With `--work-dir` each shard is compacted as soon as its lines are in and the reports stream from the shards, so the peak is the same for both sizes. In memory the shards themselves (about 250 bytes a line here) are the part that grows; the line objects are dropped as their shard is compacted. `test/faults/bounded-memory.test.ts` runs 60,000 lines with `--work-dir` under a 64 MiB V8 heap.', '',
    ...fileCostNote(r), '');

  p('### The pipeline, through the real handlers over s3rver', '',
    `The real handlers (\`lambdas/*.ts\`) with s3rver as the bucket and the fake SQS endpoint (testbed/pipeline-harness.ts): the splitter on s3rver's event; SQS-shaped batches of 10 to the validator, 8 invocations at a time; progress notes to the aggregator in batches of up to 100 (the stack's batch size) and whenever the work queue is empty. The aggregator runs in a process of its own, as in a Lambda container (bench/aggregator-child.ts, bundled as the stack bundles it), with its V8 heap limited to ${AGGREGATOR_HEAP_MIB} MiB and told it has 15 minutes per invocation. Every S3 request of every function is counted by command; classes: PUT (PutObject, UploadPart, CopyObject, multipart create and complete), GET, HEAD, LIST, DELETE.`, '',
    row(['S3 requests per line', ...r.handlers.runs.map((run) => `${int(run.lines)} lines`)]), row(['---', ...r.handlers.runs.map(() => '---:')]));
  const per = r.handlers.runs.map(perLine);
  for (const fn of FUNCTIONS) {
    for (const k of KINDS) {
      if (per.every((x) => x[fn][k] === 0)) continue;
      p(row([`${fn} ${k}`, ...per.map((x) => f(x[fn][k], 4))]));
    }
  }
  p(row(['**all functions**', ...per.map((x) => `**${f(FUNCTIONS.reduce((s, fn) => s + KINDS.reduce((t, k) => t + x[fn][k], 0), 0), 4)}**`)]), '',
    row(['', ...r.handlers.runs.map((run) => `${int(run.lines)} lines`)]), row(['---', ...r.handlers.runs.map(() => '---:')]),
    row(['image lines / invalid lines', ...r.handlers.runs.map((run) => `${int(run.images)} / ${int(run.invalid)}`)]),
    row(['validator S3 requests per image line', ...r.handlers.runs.map((run) => f(KINDS.reduce((s, k) => s + run.requests.validator[k], 0) / run.images))]),
    row(['aggregator invocations', ...r.handlers.runs.map((run) => int(run.aggregator.invocations))]),
    row(['aggregator: longest invocation, s', ...r.handlers.runs.map((run) => f(run.aggregator.longestMs / 1000))]),
    row(['aggregator: the closing invocation (outputs), s', ...r.handlers.runs.map((run) => f(run.aggregator.closingMs / 1000))]),
    row(['aggregator: all invocations, s', ...r.handlers.runs.map((run) => f(run.aggregator.totalMs / 1000))]),
    row(['aggregator: peak RSS, MiB (after start-up)', ...r.handlers.runs.map((run) => `${f(run.aggregator.peakRssMiB, 0)} (${f(run.aggregator.startRssMiB, 0)})`)]),
    row(['completion events', ...r.handlers.runs.map((run) => int(run.aggregator.completionEvents))]),
    row(['whole run, s', ...r.handlers.runs.map((run) => f(run.wallSeconds, 1))]), '',
    'Per line, the aggregator reads each result once (GET), writes one shard and its failed part per 1,000 lines, and lists only the shards and the result keys of shards not yet compacted; the counts per line do not grow with the list. Its peak memory is that of one shard and the report writers, not of the list.', '');
  return out;
}

/** What a small file costs on this machine, which `--work-dir` runs pay per line (their wall time varies with it). */
function fileCostNote(r: ScaleResults): string[] {
  const c = r.fileCreate;
  if (!c) return [];
  const ms = (s: number): string => f((s * 1000) / c.files, 3);
  const cpu = r.cli.runs.find((x) => x.mode === 'work-dir' && x.lines === CLI_SIZES[1])?.cpuSeconds ?? [Number.NaN];
  const memSpread = Math.max(...r.cli.runs.filter((x) => x.mode === 'memory').map((x) => (Math.max(...x.wallSeconds) / Math.min(...x.wallSeconds) - 1) * 100));
  return [`A \`--work-dir\` run writes one object file per line (its result, written to a temporary file and linked into place, as the bucket's create-only put), so its time follows the file system's. Measured once, before the rounds (bench/scale.ts, \`fileCost\`: ${int(c.files)} such writes in one directory, synchronous calls): ${ms(c.wallSeconds)} ms wall per file, of which ${ms(c.systemSeconds)} ms kernel CPU; ${f((c.wallSeconds / c.files) * CLI_SIZES[1], 0)} s for ${int(CLI_SIZES[1])} files at that rate. That cost is not steady on this machine: the CPU seconds of the identical ${int(CLI_SIZES[1])}-line \`--work-dir\` rounds above range from ${f(Math.min(...cpu), 0)} to ${f(Math.max(...cpu), 0)} (each round follows the removal of the previous round's files), while the wall times of the in-memory rounds, which write no file per line, differ by at most ${f(memSpread, 0)} % at either size; so the best round is compared, and the in-memory rows show the scaling of the code itself.`];
}

/** The aggregator rows of the paper model (1,000,000 images), or [] without scale results. */
export function aggregatorPaperModel(r: ScaleResults | undefined): string[] {
  if (!r) return [];
  const m = aggregatorModel(r, 1_000_000);
  const big = r.handlers.runs[r.handlers.runs.length - 1]!;
  return [
    '**The aggregator, from the measured scale run** (the largest, scaled linearly to 1,000,000 lines):', '',
    `- S3 requests per line: ${f(m.putRate, 4)} at the PUT/LIST rate and ${f(m.getRate, 4)} at the GET/HEAD rate, so ${int(m.putRate * 1e6)} and ${int(m.getRate * 1e6)} for 1,000,000 lines: **$${f(m.s3)}**.`,
    `- Time: all invocations took ${f(big.aggregator.totalMs / 1000)} s for ${int(big.lines)} lines on this machine, against s3rver; ×${int(1_000_000 / big.lines)} is ${f(m.seconds / 60, 1)} min of aggregator time for 1,000,000 lines, spread over ${int(m.invocations)} invocations: **$${f(m.compute, 4)}** at ${MODEL.aggregatorMemoryGb * 1024} MB. The closing invocation (it writes every output) would take ${f(m.closingSeconds / 60, 1)} min at this machine's speed, within the aggregator's 15-minute timeout; compaction stops at ${Math.round(0.4 * 100)} % of an invocation's time and hands the rest to a follow-up note.`,
    `- Memory: peak RSS ${f(big.aggregator.peakRssMiB, 0)} MiB at ${int(big.lines)} lines (${f(r.handlers.runs[0]!.aggregator.peakRssMiB, 0)} MiB at ${int(r.handlers.runs[0]!.lines)}): it does not grow with the list; the function has ${MODEL.aggregatorMemoryGb * 1024} MB.`, '',
  ];
}
