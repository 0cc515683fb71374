/**
 * `mirror-validate` end to end on one machine: flags -> list -> embedded pipeline
 * (memory or directory as bucket, in-memory queues) -> failed file, report, exit code.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { CommanderError } from 'commander';
import { isCodedError } from '../core/errors.js';
import type { LineResult } from '../core/types.js';
import type { WorkItem } from '../core/settings.js';
import { MAX_RECEIVE_COUNT } from '../core/defaults.js';
import { MemoryStore } from '../adapters/local/memory-store.js';
import { FsObjectStore } from '../adapters/local/fs-store.js';
import { SplitStore } from '../adapters/local/split-store.js';
import { memoryWorkQueues } from '../adapters/local/memory-queue.js';
import { FsContentCache } from '../adapters/local/fs-cache.js';
import { runLocally } from '../pipeline/local-run.js';
import { createCredentialResolver } from '../registry/credentials.js';
import { createImageChecker } from '../engine/image-checker.js';
import { CliError } from './errors.js';
import { parseCli, type CliConfig } from './options.js';
import { scanListFile, readListChunks } from './list-file.js';
import { parseListStream } from '../core/list-stream.js';
import { plainProgress, ttyProgress, type ProgressSink } from './progress.js';
import { localOutputs, removeFailedFile } from './outputs.js';
import { basename, join } from 'node:path';
import { changeSummaryOf, runFailed, summaryLine } from '../core/report.js';
import { reportComparison } from './compare-to.js';
import { isComparisonObject } from '../pipeline/compare-runs.js';
import { SUBCOMMANDS, type Subcommand } from './remote-options.js';
import { writeLine } from './print.js';

export interface Stream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  readonly stdout: Stream;
  readonly stderr: Stream;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Runs the command; resolves the process exit code. Never throws. `submit`, `status` and
 * `fetch` as the first argument select the cloud subcommands (lib/cli/remote.ts); anything
 * else is the local run, whose flags are unchanged.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const sub = argv[0];
  if (sub !== undefined && (SUBCOMMANDS as readonly string[]).includes(sub)) {
    // Loaded only here: the AWS SDK costs a local run about 0.2 s of CPU at start.
    const { runRemote } = await import('./remote.js');
    return runRemote(sub as Subcommand, argv.slice(1), io);
  }
  let cfg: CliConfig;
  try {
    cfg = parseCli(argv, io.env);
  } catch (err) {
    if (err instanceof CommanderError) return 0; // --help
    writeLine(io.stderr, `mirror-validate: ${(err as Error).message}`);
    return 2;
  }
  const progress = io.stderr.isTTY ? ttyProgress(io.stderr) : plainProgress(io.stderr);
  for (const w of cfg.warnings) progress.warn(w);
  try {
    return await execute(cfg, io, progress);
  } catch (err) {
    progress.done();
    writeLine(io.stderr, `mirror-validate: ${fatalMessage(err, cfg.debug)}`);
    return 2;
  }
}

function fatalMessage(err: unknown, debug: boolean): string {
  if (err instanceof CliError || isCodedError(err)) return err.message;
  const msg = err instanceof Error ? err.message : String(err);
  return debug && err instanceof Error && err.stack ? `internal error: ${err.stack}` : `internal error: ${msg}`;
}

async function execute(cfg: CliConfig, io: CliIo, progress: ProgressSink): Promise<number> {
  const total = await scanListFile(cfg.file);
  progress.total(total);
  const ca = cfg.caFile ? await readCa(cfg.caFile) : undefined;
  const checker = createImageChecker({
    settings: cfg.settings,
    sourceCredentials: createCredentialResolver({ side: 'source', env: io.env }),
    destCredentials: createCredentialResolver({ side: 'destination', env: io.env }),
    ca,
    cache: cfg.cacheDir ? new FsContentCache(cfg.cacheDir) : undefined,
    timeoutMs: cfg.timeoutSeconds * 1000,
    debug: cfg.debug ? (line) => progress.info(`[DEBUG] ${line}`) : undefined,
  });
  const started = new Date();
  let scratch: string | undefined;
  try {
    const runId = `local-${started.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    // With --work-dir a directory plays the bucket (same layout as S3: runs/<runId>/...), and is kept.
    // In memory, a comparison's sorted key files go to a temporary directory (they hold every line several times).
    scratch = cfg.compareTo && !cfg.workDir ? await mkdtemp(join(tmpdir(), 'mirror-validate-compare-')) : undefined;
    const store = cfg.workDir ? new FsObjectStore(cfg.workDir)
      : scratch ? new SplitStore(new MemoryStore(), new FsObjectStore(scratch), isComparisonObject) : new MemoryStore();
    const compare = cfg.compareTo ? await reportComparison(store, runId, cfg.compareTo) : undefined;
    const outcome = await runLocally({
      runId,
      list: { name: basename(cfg.file) },
      lines: parseListStream(readListChunks(cfg.file), cfg.settings),
      settings: cfg.settings,
      validate: (item) => checker.validate(item),
      store,
      ...memoryWorkQueues<WorkItem>({ maxReceiveCount: MAX_RECEIVE_COUNT }),
      maxReceiveCount: MAX_RECEIVE_COUNT,
      jobs: cfg.jobs,
      onResult: (r: LineResult) => progress.result(r),
      onTotal: (n: number) => progress.total(n),
      // Reports and the failed file stream from the run's shards; with --work-dir the run's own
      // outputs (runs/<runId>/report.json, ...) are written beside them, as in the bucket.
      outputs: localOutputs(cfg),
      // In memory, compacted shards replace their line objects as the run goes (bounded memory).
      dropLines: !cfg.workDir,
      ...(compare ? { compare } : {}),
    });
    progress.done();
    if (outcome.failedLines === 0) await removeFailedFile(cfg.failedFile);
    const changes = changeSummaryOf(outcome.summary);
    writeLine(io.stderr, summaryLine(outcome.summary, Date.now() - started.getTime(), changes));
    return runFailed(outcome.summary, cfg.failOn, changes) ? 1 : 0;
  } finally {
    await checker.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError('USAGE', `cannot read --ca-file "${path}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
}
