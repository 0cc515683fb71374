/**
 * Command-line flags of `mirror-validate`, with hangar 2023's names and defaults
 * (see reference/hangar-behaviour.md §3), turned into a typed configuration.
 */
import { Command, CommanderError, Option } from 'commander';
import type { RunSettings } from '../core/settings.js';
import { CLI_IMAGE_TIMEOUT_SECONDS, CLI_JOBS, DEFAULT_SETTINGS, FAILED_FILE_NAME } from '../core/defaults.js';
import { CliError } from './errors.js';
import { isProjectPath } from '../core/ref.js';
import { reportFormatOf } from '../report/format.js';
import type { FailOn } from '../core/report.js';

export interface CliConfig {
  readonly file: string;
  readonly failedFile: string;
  /** `--report` files, in order given; the format of each is picked by its extension. */
  readonly reportFiles: readonly string[];
  readonly jobs: number;
  readonly debug: boolean;
  readonly caFile?: string;
  readonly cacheDir?: string;
  /** Keep the run's objects (runs/<runId>/...) in this directory instead of in memory. */
  readonly workDir?: string;
  /** A previous JSON report to compare the run with (`changes`). */
  readonly compareTo?: string;
  /** `new`: exit 1 only for lines that newly need attention. */
  readonly failOn: FailOn;
  readonly timeoutSeconds: number;
  readonly settings: RunSettings;
  /** Warnings produced while reading flags (e.g. the jobs clamp), printed by the caller. */
  readonly warnings: readonly string[];
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function parseBool(value: string | boolean | undefined, flag: string): boolean {
  if (value === undefined || value === true) return true;
  if (value === false) return false;
  const v = value.toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new CliError('USAGE', `invalid value "${value}" for ${flag}: expected true or false`);
}

/** hangar 2023: above 20 becomes 20, below 1 becomes 1, each with a warning. */
export function clampJobs(raw: string, warnings: string[]): number {
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new CliError('USAGE', `invalid value "${raw}" for --jobs: expected a whole number`);
  if (n > CLI_JOBS.max) {
    warnings.push(`worker count should be <= ${CLI_JOBS.max}`, `change worker count to ${CLI_JOBS.max}`);
    return CLI_JOBS.max;
  }
  if (n < CLI_JOBS.min) {
    warnings.push(`invalid worker count: ${n}`, `change worker count to ${CLI_JOBS.min}`);
    return CLI_JOBS.min;
  }
  return n;
}

/** The commander program for the validate command (flags only; the action is the caller's). */
export function buildProgram(): Command {
  return new Command('mirror-validate')
    .description('Check that the images of a list were mirrored completely and correctly')
    .option('-f, --file <path>', 'image list file')
    .option('-s, --source <registry>', 'source registry override (env SOURCE_REGISTRY)')
    .option('-d, --destination <registry>', 'destination registry override (env DEST_REGISTRY)')
    .option('-a, --arch <list>', 'architectures, comma separated', DEFAULT_SETTINGS.arch.join(','))
    .option('--os <list>', 'operating systems, comma separated', DEFAULT_SETTINGS.os.join(','))
    .option('-j, --jobs <n>', `concurrent validations, ${CLI_JOBS.min} to ${CLI_JOBS.max}`, String(CLI_JOBS.default))
    .addOption(new Option('-o, --failed <file>', 'file for the lines that failed').default(FAILED_FILE_NAME))
    .addOption(new Option('--output <file>', 'alias of --failed').hideHelp())
    .option('--default-project <name>', 'project for destinations without one', DEFAULT_SETTINGS.defaultProject)
    .option('--report <file>', 'write a report of every line: .json, .xml (JUnit) or .html; repeatable', collect, [] as string[])
    .option('--deep', 'also check that config and layer blobs exist in the destination', false)
    .option('--attestations', 'compare attestation manifests too', false)
    .option('--signatures', 'require the source\'s cosign signature tags and OCI referrers at the destination', false)
    .option('--tls-verify [bool]', 'verify TLS certificates; false also allows plain HTTP', 'true')
    .option('--ca-file <path>', 'extra CA certificate(s) to trust, PEM')
    .option('--cache-dir <dir>', 'content-addressed manifest cache directory')
    .option('--no-cache', 'do not use the manifest cache')
    .option('--work-dir <dir>', "keep the run's objects here (a directory plays the bucket); default: in memory")
    .option('--compare-to <file>', 'a previous JSON report: say what changed since (newly failing, recovered)')
    .addOption(new Option('--fail-on <which>', 'exit 1 for any line that needs attention, or only for new ones').choices(['any', 'new']).default('any'))
    .option('--timeout <seconds>', 'time limit for one image', String(CLI_IMAGE_TIMEOUT_SECONDS))
    .option('--debug', 'print request traces (secrets redacted)', false)
    .helpOption('-h, --help', 'show this help')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: (s) => process.stdout.write(s) });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `$XDG_CACHE_HOME/mirror-validate`, else `~/.cache/mirror-validate`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const base = env.XDG_CACHE_HOME || (env.HOME ? `${env.HOME}/.cache` : undefined);
  return base ? `${base}/mirror-validate` : undefined;
}

/** Reads argv (without node and script) and the environment into a CliConfig. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliConfig {
  const program = buildProgram()
    .addHelpText('after', `
Commands for a deployed pipeline (see README "Running on AWS"):
  mirror-validate submit -f FILE --bucket BUCKET [flags]   run a list in AWS and wait for its results
  mirror-validate status RUN_ID --bucket BUCKET [--wait]   show (or follow) a run
  mirror-validate fetch --list NAME --bucket BUCKET         download the newest results of a list

Exit codes: 0 every line PASS or SKIPPED; 1 some line FAILED, ERROR or INVALID (with --fail-on new: some line newly so);
2 usage or fatal error.`);
  return configFromOptions(parseProgram(program, argv).opts(), env);
}

/**
 * Parses `argv` with `program`; a commander error becomes a one-line CliError `USAGE`
 * (help and version output, exit code 0, are rethrown as they are).
 */
export function parseProgram(program: Command, argv: readonly string[]): Command {
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) throw err;
      throw new CliError('USAGE', err.message.replace(/^error: /, ''), { cause: err });
    }
    throw err;
  }
  return program;
}

/** Turns the parsed options of {@link buildProgram} (or a program extending it) into a CliConfig. */
export function configFromOptions(o: Record<string, unknown>, env: NodeJS.ProcessEnv): CliConfig {
  if (!o.file) throw new CliError('USAGE', 'image list file name not specified (use -f FILE)');
  const warnings: string[] = [];
  const jobs = clampJobs(String(o.jobs), warnings);
  const timeoutSeconds = Number(o.timeout);
  if (!(timeoutSeconds > 0)) throw new CliError('USAGE', `invalid value "${o.timeout}" for --timeout: expected seconds > 0`);
  const arch = splitList(String(o.arch));
  const os = splitList(String(o.os));
  if (arch.length === 0) throw new CliError('USAGE', '--arch must name at least one architecture');
  if (os.length === 0) throw new CliError('USAGE', '--os must name at least one operating system');
  const project = String(o.defaultProject);
  if (!isProjectPath(project)) {
    throw new CliError('USAGE', `invalid value "${project}" for --default-project: expected a lowercase repository path`);
  }
  const reportFiles = (o.report as string[] | undefined) ?? [];
  for (const f of reportFiles) {
    if (!reportFormatOf(f)) throw new CliError('USAGE', `unsupported report format "${f}": use a .json, .xml or .html file`);
  }
  const sourceRegistry = (o.source as string | undefined) || env.SOURCE_REGISTRY || undefined;
  const destRegistry = (o.destination as string | undefined) || env.DEST_REGISTRY || undefined;
  return {
    file: String(o.file),
    failedFile: String(o.output ?? o.failed),
    reportFiles,
    jobs,
    debug: Boolean(o.debug),
    caFile: o.caFile as string | undefined,
    workDir: o.workDir as string | undefined,
    compareTo: o.compareTo as string | undefined,
    failOn: o.failOn as FailOn,
    cacheDir: o.cache === false ? undefined : ((o.cacheDir as string | undefined) ?? defaultCacheDir(env)),
    timeoutSeconds,
    warnings,
    settings: {
      sourceRegistry,
      destRegistry,
      defaultProject: project,
      arch,
      os,
      deep: Boolean(o.deep),
      attestations: Boolean(o.attestations),
      signatures: Boolean(o.signatures),
      tlsVerify: parseBool(o.tlsVerify as string | boolean | undefined, '--tls-verify'),
    },
  };
}
