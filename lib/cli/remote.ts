/**
 * The cloud subcommands: `submit` runs a list on the deployed pipeline from the terminal
 * (upload with the run settings as S3 metadata, find the run, watch it, fetch its results, exit
 * like a local run), `status RUN_ID` shows (or with `--wait` watches) a run, and `fetch` writes
 * the results of a list's newest run or of one run.
 */
import { changeSummaryOf, summaryLine } from '../core/report.js';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CommanderError } from 'commander';
import { isCodedError } from '../core/errors.js';
import { S3ObjectStore } from '../adapters/aws/s3-store.js';
import { RESULTS_PREFIX } from '../serverless/latest.js';
import { LIST_COPY_NAME } from '../serverless/start-run.js';
import { lineOfResultKey, runKeys } from '../pipeline/run-layout.js';
import type { RunRecord } from '../pipeline/run-record.js';
import type { ObjectStore } from '../ports.js';
import { pollJson } from './poll-json.js';
import { writeLine } from './print.js';
import { CliError } from './errors.js';
import { findRun, runIdsSince, type Upload } from './find-run.js';
import { scanListFile } from './list-file.js';
import { plainProgress, ttyProgress, type ProgressSink } from './progress.js';
import { parseFetch, parseStatus, parseSubmit, type BucketConfig, type ReadConfig, type Subcommand, type SubmitConfig } from './remote-options.js';
import {
  readFinished, remoteExitCode, writeFinished, type FinishedRun, type LocalTargets,
} from './remote-results.js';
import { s3ClientFor } from './s3-client.js';
import { watchRun } from './watch-run.js';
import type { CliIo } from './run.js';


/** How long submit looks for the run its upload started before giving up. */
export const FIND_TIMEOUT_MS = 5 * 60_000;

export interface RemoteDeps {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Runs `mirror-validate <sub> ...argv`; resolves the exit code, never throws. */
export async function runRemote(sub: Subcommand, argv: readonly string[], io: CliIo, deps: RemoteDeps = {}): Promise<number> {
  let cfg: SubmitConfig | ReadConfig;
  try {
    cfg = sub === 'submit' ? parseSubmit(argv, io.env) : sub === 'status' ? parseStatus(argv, io.env) : parseFetch(argv, io.env);
  } catch (err) {
    if (err instanceof CommanderError) return 0; // --help
    writeLine(io.stderr, `mirror-validate ${sub}: ${(err as Error).message}`);
    return 2;
  }
  const progress = io.stderr.isTTY ? ttyProgress(io.stderr) : plainProgress(io.stderr);
  const client = s3ClientFor(cfg, io.env, cfg.debug ? (l) => progress.info(`[DEBUG] ${l}`) : undefined);
  const ctx = { cfg, io, progress, store: new S3ObjectStore({ bucket: cfg.bucket, client }), deps };
  try {
    if (sub === 'submit') return await submit({ ...ctx, cfg: cfg as SubmitConfig });
    if (sub === 'status') return await status({ ...ctx, cfg: cfg as ReadConfig });
    return await fetchResults({ ...ctx, cfg: cfg as ReadConfig });
  } catch (err) {
    progress.done();
    writeLine(io.stderr, `mirror-validate ${sub}: ${message(err)}`);
    return 2;
  } finally {
    client.destroy();
  }
}

interface Ctx<C extends BucketConfig> {
  readonly cfg: C;
  readonly io: CliIo;
  readonly progress: ProgressSink;
  readonly store: ObjectStore;
  readonly deps: RemoteDeps;
}

function message(err: unknown): string {
  if (err instanceof CliError || isCodedError(err)) return err.message;
  const e = err as { name?: string; message?: string };
  if (e?.name && /Credential|AccessDenied|NoSuchBucket|Region/i.test(`${e.name} ${e.message ?? ''}`)) return `S3: ${e.name}: ${e.message ?? ''}`;
  return `internal error: ${e?.message ?? String(err)}`;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function upload(ctx: Ctx<SubmitConfig>): Promise<Upload> {
  const { cfg, store } = ctx;
  const key = `${cfg.prefix}${basename(cfg.local.file)}`;
  await store.put(key, await readFile(cfg.local.file), { contentType: 'text/plain; charset=utf-8', metadata: { ...cfg.metadata } });
  const head = await store.head(key);
  if (!head?.etag) throw new CliError('REMOTE', `s3://${cfg.bucket}/${key}: no ETag or Last-Modified after upload`);
  return { bucket: cfg.bucket, key, etag: head.etag, lastModified: head.lastModified };
}

async function locate(ctx: Ctx<SubmitConfig>, up: Upload, before: readonly string[]): Promise<string> {
  const sleep = ctx.deps.sleep ?? defaultSleep;
  const now = ctx.deps.now ?? Date.now;
  const deadline = now() + FIND_TIMEOUT_MS;
  const rejected = new Set<string>(before);
  let interval = Math.min(ctx.cfg.pollMs, 1000);
  for (;;) {
    const runId = await findRun(ctx.store, up, rejected);
    if (runId) return runId;
    if (now() > deadline) {
      throw new CliError('REMOTE', `no run started for s3://${up.bucket}/${up.key} within ${FIND_TIMEOUT_MS / 60_000} min: `
        + `is --prefix the pipeline's input prefix, and does the bucket notify the splitter?`);
    }
    await sleep(interval);
    interval = Math.min(interval * 1.5, ctx.cfg.pollMs * 8);
  }
}

async function submit(ctx: Ctx<SubmitConfig>): Promise<number> {
  const { cfg, io, progress } = ctx;
  for (const w of cfg.local.warnings) progress.warn(w);
  const total = await scanListFile(cfg.local.file);
  // Runs that exist before the upload cannot be its run (the window covers clock skew).
  const before = await runIdsSince(ctx.store, new Date((ctx.deps.now ?? Date.now)() - FIND_TIMEOUT_MS));
  const up = await upload(ctx);
  progress.info(`uploaded ${cfg.local.file} to s3://${up.bucket}/${up.key}${Object.keys(cfg.metadata).length ? ` with ${Object.entries(cfg.metadata).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}`);
  const runId = await locate(ctx, up, before);
  if (!cfg.wait) {
    writeLine(io.stdout, runId);
    return 0;
  }
  progress.info(`run ${runId} started; Ctrl-C stops watching, not the run (mirror-validate status ${runId} --bucket ${cfg.bucket})`);
  progress.total(total);
  return follow(ctx, runId, { failedFile: cfg.local.failedFile, reportFiles: cfg.local.reportFiles }, basename(cfg.local.file));
}

/** Watches `runId` to its end, then writes its results and resolves the exit code. */
async function follow(ctx: Ctx<BucketConfig>, runId: string, to: LocalTargets, listName?: string): Promise<number> {
  const seen = new Set<number>();
  await watchRun({ store: ctx.store, runId, progress: ctx.progress, pollMs: ctx.cfg.pollMs, seen, ...(ctx.deps.sleep ? { sleep: ctx.deps.sleep } : {}) });
  const run = await readFinished(ctx.store, runKeys(runId).prefix, (r) => {
    if (!seen.has(r.line)) ctx.progress.result({ ...r, code: r.code ?? null });
  });
  if (!run) throw new CliError('REMOTE', `run ${runId} is finished but its summary or report is missing`);
  ctx.progress.done();
  return finish(ctx, run, to, listName ?? run.summary.list?.name ?? runId);
}

async function finish(ctx: Ctx<BucketConfig>, run: FinishedRun, to: LocalTargets, listName: string): Promise<number> {
  const { io, cfg } = ctx;
  await writeFinished(ctx.store, run, to, listName);
  if (run.summary.fatal) {
    writeLine(io.stderr, `mirror-validate: run ${run.summary.runId} could not run: ${run.summary.fatal.message}`);
    return 2;
  }
  writeLine(io.stderr, summaryLine(run.summary, run.summary.durationMs, changeSummaryOf(run.summary)));
  writeLine(io.stderr, `reports: s3://${cfg.bucket}/${runKeys(run.summary.runId).prefix}report.html (also report.json, report.xml)`);
  return remoteExitCode(run.summary, cfg.failOn);
}

async function status(ctx: Ctx<ReadConfig>): Promise<number> {
  const { cfg, io, store } = ctx;
  const runId = cfg.runId!;
  const keys = runKeys(runId);
  const finished = (await store.head(keys.done)) ? await readFinished(store, keys.prefix) : null;
  if (finished) {
    writeLine(io.stdout, `${runId}: finished`);
    return finish(ctx, finished, cfg, finished.summary.list?.name ?? runId);
  }
  const record = await pollJson<RunRecord>(store, keys.record);
  if (!record && !(await store.head(`${keys.prefix}${LIST_COPY_NAME}`))) throw new CliError('REMOTE', `run ${runId} not found in s3://${cfg.bucket}/`);
  if (cfg.wait) {
    writeLine(io.stdout, `${runId}: running`);
    if (typeof record?.totalLines === 'number') ctx.progress.total(record.totalLines);
    return follow(ctx, runId, cfg);
  }
  let done = 0;
  for await (const key of store.list(keys.resultsPrefix)) if (lineOfResultKey(key) !== null) done++;
  const total = typeof record?.totalLines === 'number' ? record.totalLines : '?';
  writeLine(io.stdout, `${runId}: running, ${done} of ${total} lines have a result`);
  return 0;
}

/** Published lists named `name` plus an extension (`nightly` -> `nightly.txt`), at most 5. */
async function listsNamed(store: ObjectStore, name: string): Promise<string[]> {
  const found = new Set<string>();
  for await (const key of store.list(`${RESULTS_PREFIX}${name}.`)) {
    const m = /^([^/]+)\/latest\.json$/.exec(key.slice(RESULTS_PREFIX.length + name.length));
    if (m) found.add(`${name}${m[1]}`);
    if (found.size >= 5) break;
  }
  return [...found];
}

async function fetchResults(ctx: Ctx<ReadConfig>): Promise<number> {
  const { cfg, store } = ctx;
  const prefix = cfg.listName !== undefined ? `${RESULTS_PREFIX}${cfg.listName}/` : runKeys(cfg.runId!).prefix;
  const run = await readFinished(store, prefix);
  if (!run) {
    const hint = cfg.listName !== undefined ? await listsNamed(store, cfg.listName) : [];
    throw new CliError('REMOTE', cfg.listName !== undefined
      ? `no finished run of list "${cfg.listName}" in s3://${cfg.bucket}/${prefix}`
        + (hint.length > 0 ? ` (lists keep their extension: ${hint.map((n) => `--list ${n}`).join(' or ')})` : '')
      : `run ${cfg.runId} has not finished (or does not exist) in s3://${cfg.bucket}/`);
  }
  return finish(ctx, run, cfg, cfg.listName ?? run.summary.list?.name ?? run.summary.runId);
}
