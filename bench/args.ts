/** Flags of `npm run bench`. */
export interface BenchArgs {
  /** Images to generate and validate (default 1000). */
  readonly n: number;
  /** Timed repetitions of each client (default 3); the median is reported. */
  readonly reps: number;
  /** Client concurrency: the CLI's -j, skopeo workers, floor concurrency (default 20). */
  readonly jobs: number;
  /** Images of the skopeo counting pass and of the bearer-token variant (default min(n, 200)). */
  readonly subsetN: number;
  /** Results file (default bench/results.json). */
  readonly out: string;
  /** Only render BENCHMARKS.md from the results file; measure nothing. */
  readonly writeMd: boolean;
  /** Skip `npm run build` (dist/ is current). */
  readonly noBuild: boolean;
  /** Skip the serverless measurements. */
  readonly noServerless: boolean;
  /** Only the request counts of `--signatures` (results default bench/results-signatures.json). */
  readonly signaturesOnly: boolean;
  /** Only aggregation at scale (bench/scale.ts; results default bench/results-scale.json). */
  readonly scaleOnly: boolean;
}

const USAGE = 'usage: npm run bench -- [--n 1000] [--reps 3] [--jobs 20] [--subset-n 200] [--out bench/results.json] [--no-build] [--no-serverless] | --signatures-only [--n 1000] | --scale-only [--reps 2] | --write-md';
/** Where `--signatures-only` writes, and where `--write-md` looks for its results. */
export const SIGNATURES_OUT = 'bench/results-signatures.json';
/** Where `--scale-only` writes, and where `--write-md` looks for its results. */
export const SCALE_OUT = 'bench/results-scale.json';

/** Parses argv (after the script name). Throws with the usage on a bad flag. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`);
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (['write-md', 'no-build', 'no-serverless', 'signatures-only', 'scale-only', 'help'].includes(name)) flags.set(name, true);
    else if (inline !== undefined) flags.set(name, inline);
    else if (argv[i + 1] !== undefined) flags.set(name, argv[++i]!);
    else throw new Error(`--${name} needs a value\n${USAGE}`);
  }
  if (flags.has('help')) throw new Error(USAGE);
  const num = (name: string, dflt: number): number => {
    const v = flags.get(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer\n${USAGE}`);
    return n;
  };
  for (const k of flags.keys()) {
    if (!['n', 'reps', 'jobs', 'subset-n', 'out', 'write-md', 'no-build', 'no-serverless', 'signatures-only', 'scale-only'].includes(k)) throw new Error(`unknown flag --${k}\n${USAGE}`);
  }
  const n = num('n', 1000);
  return {
    n,
    reps: num('reps', 3),
    jobs: num('jobs', 20),
    subsetN: Math.min(n, num('subset-n', 200)),
    out: typeof flags.get('out') === 'string' ? (flags.get('out') as string)
      : flags.has('signatures-only') ? SIGNATURES_OUT : flags.has('scale-only') ? SCALE_OUT : 'bench/results.json',
    writeMd: flags.has('write-md'),
    noBuild: flags.has('no-build'),
    noServerless: flags.has('no-serverless'),
    signaturesOnly: flags.has('signatures-only'),
    scaleOnly: flags.has('scale-only'),
  };
}
