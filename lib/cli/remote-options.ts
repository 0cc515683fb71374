/**
 * Flags of the cloud subcommands: `submit` (the local run's flags plus where the pipeline's
 * bucket is), `status RUN_ID` and `fetch --list NAME | --run RUN_ID`.
 */
import { Command, Option } from 'commander';
import { buildProgram, configFromOptions, parseProgram, type CliConfig } from './options.js';
import { CliError } from './errors.js';
import { FAILED_FILE_NAME } from '../core/defaults.js';
import { reportFormatOf } from '../report/format.js';
import type { FailOn } from '../core/report.js';

export const SUBCOMMANDS = ['submit', 'status', 'fetch'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** Where the pipeline's bucket is and how to reach it. */
export interface BucketConfig {
  readonly bucket: string;
  /** `--endpoint`, else `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL` (S3-compatible stores, tests). */
  readonly endpoint?: string;
  readonly region?: string;
  /** First poll interval in ms; polls back off to 8x this while nothing changes. */
  readonly pollMs: number;
  readonly debug: boolean;
  /** `new`: exit 1 only for lines that newly need attention since the previous run of the list. */
  readonly failOn: FailOn;
}

export interface SubmitConfig extends BucketConfig {
  readonly local: CliConfig;
  /** Key prefix lists are dropped under (the stack's input prefix). Default `lists/`. */
  readonly prefix: string;
  readonly wait: boolean;
  /** Run settings as S3 metadata (lib/serverless/run-settings.ts names): only those given by flag or env. */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ReadConfig extends BucketConfig {
  readonly runId?: string;
  readonly listName?: string;
  /** Where to write the failed file; status writes it only when `-o` is given. */
  readonly failedFile?: string;
  readonly reportFiles: readonly string[];
  /** status: watch a running run to its end. */
  readonly wait: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function bucketOptions(cmd: Command): Command {
  return cmd
    .option('--bucket <name>', 'the pipeline bucket (env MIRROR_VALIDATE_BUCKET)')
    .option('--endpoint <url>', 'S3 endpoint URL (env AWS_ENDPOINT_URL_S3), e.g. for an S3-compatible store')
    .option('--region <region>', 'AWS region (default: the SDK chain, AWS_REGION)')
    .option('--poll-interval <seconds>', 'first interval between polls; it backs off while nothing changes', '2');
}

function bucketConfig(o: Record<string, unknown>, env: NodeJS.ProcessEnv): BucketConfig {
  const bucket = (o.bucket as string | undefined) ?? env.MIRROR_VALIDATE_BUCKET;
  if (!bucket) throw new CliError('USAGE', 'bucket not specified (use --bucket NAME or MIRROR_VALIDATE_BUCKET)');
  const poll = Number(o.pollInterval);
  if (!(poll > 0)) throw new CliError('USAGE', `invalid value "${String(o.pollInterval)}" for --poll-interval: expected seconds > 0`);
  const endpoint = (o.endpoint as string | undefined) ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new CliError('USAGE', `invalid --endpoint "${endpoint}": expected an http(s) URL`);
  }
  return {
    bucket,
    ...(endpoint ? { endpoint } : {}),
    ...(o.region ? { region: String(o.region) } : {}),
    pollMs: poll * 1000,
    debug: Boolean(o.debug),
    failOn: (o.failOn as FailOn | undefined) ?? 'any',
  };
}

/** The settings the user actually gave, as the metadata names of lib/serverless/run-settings.ts. */
function settingsMetadata(cmd: Command, cfg: CliConfig): Record<string, string> {
  const given = (name: string) => cmd.getOptionValueSource(name) === 'cli';
  const s = cfg.settings;
  const meta: Record<string, string> = {};
  if (s.sourceRegistry) meta.source = s.sourceRegistry;
  if (s.destRegistry) meta.destination = s.destRegistry;
  if (given('arch')) meta.arch = s.arch.join(',');
  if (given('os')) meta.os = s.os.join(',');
  if (given('defaultProject')) meta['default-project'] = s.defaultProject;
  if (given('deep')) meta.deep = String(s.deep);
  if (given('attestations')) meta.attestations = String(s.attestations);
  if (given('signatures')) meta.signatures = String(s.signatures);
  if (given('tlsVerify')) meta['tls-verify'] = String(s.tlsVerify);
  return meta;
}

const LOCAL_ONLY = [
  ['jobs', '-j/--jobs'], ['caFile', '--ca-file'], ['cacheDir', '--cache-dir'], ['timeout', '--timeout'], ['compareTo', '--compare-to'],
] as const;

/** `submit -f FILE --bucket B [--prefix P] [--no-wait] [local run flags]`. */
export function submitProgram(): Command {
  return bucketOptions(buildProgram().name('mirror-validate submit')
    .description('Run a list on the deployed pipeline: upload it, watch the run, fetch its results'))
    .option('--prefix <prefix>', "key prefix of the pipeline's lists (its input prefix)", 'lists/')
    .option('--no-wait', 'print the run id and return at once');
}

export function parseSubmit(argv: readonly string[], env: NodeJS.ProcessEnv): SubmitConfig {
  const cmd = submitProgram();
  const o = parseProgram(cmd, argv).opts();
  const local = configFromOptions(o, env);
  const warnings = [...local.warnings];
  for (const [name, flag] of LOCAL_ONLY) {
    if (cmd.getOptionValueSource(name) === 'cli') warnings.push(`${flag} applies to local runs only; the pipeline uses its own`);
  }
  const prefix = String(o.prefix);
  if (prefix !== '' && !prefix.endsWith('/')) throw new CliError('USAGE', `--prefix "${prefix}" must end with "/"`);
  return {
    ...bucketConfig(o, env),
    local: { ...local, warnings },
    prefix,
    wait: o.wait !== false,
    metadata: settingsMetadata(cmd, local),
  };
}

function readProgram(name: string, description: string): Command {
  return bucketOptions(new Command(name).description(description))
    .addOption(new Option('-o, --failed <file>', 'file for the lines that failed').default(FAILED_FILE_NAME))
    .option('--report <file>', 'write the report: .json, .xml (JUnit) or .html; repeatable', collect, [] as string[])
    .option('--debug', 'print S3 requests', false)
    .addOption(new Option('--fail-on <which>', 'exit 1 for any line that needs attention, or only for lines new since the previous run').choices(['any', 'new']).default('any'))
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
}

function readConfig(cmd: Command, env: NodeJS.ProcessEnv, ids: { runId?: string; listName?: string }, failedByDefault: boolean): ReadConfig {
  const o = cmd.opts();
  const writeFailed = failedByDefault || cmd.getOptionValueSource('failed') === 'cli';
  const reportFiles = (o.report as string[] | undefined) ?? [];
  for (const f of reportFiles) {
    if (!reportFormatOf(f)) throw new CliError('USAGE', `unsupported report format "${f}": use a .json, .xml or .html file`);
  }
  return { ...bucketConfig(o, env), ...ids, ...(writeFailed ? { failedFile: String(o.failed) } : {}), reportFiles, wait: Boolean(o.wait) };
}

/** `status RUN_ID --bucket B [--wait] [-o FILE] [--report FILE]...`. */
export function statusProgram(): Command {
  return readProgram('mirror-validate status', 'Show a cloud run; once finished, its counts (and files with -o/--report)')
    .argument('<run-id>', 'the run id printed by submit')
    .option('--wait', 'watch a running run to its end, like submit', false);
}

export function parseStatus(argv: readonly string[], env: NodeJS.ProcessEnv): ReadConfig {
  const cmd = statusProgram();
  parseProgram(cmd, argv);
  return readConfig(cmd, env, { runId: String(cmd.args[0]) }, false);
}

/** `fetch --list NAME | --run RUN_ID --bucket B [-o FILE] [--report FILE]...`. */
export function fetchProgram(): Command {
  return readProgram('mirror-validate fetch', 'Fetch the results of the newest run of a list, or of one run')
    .option('--list <name>', 'list name: its key under the input prefix, extension included (nightly.txt: results/nightly.txt/)')
    .option('--run <run-id>', 'a run id instead of a list');
}

export function parseFetch(argv: readonly string[], env: NodeJS.ProcessEnv): ReadConfig {
  const cmd = fetchProgram();
  const o = parseProgram(cmd, argv).opts();
  if (!o.list === !o.run) throw new CliError('USAGE', 'name either --list NAME or --run RUN_ID');
  return readConfig(cmd, env, o.list ? { listName: String(o.list) } : { runId: String(o.run) }, true);
}
