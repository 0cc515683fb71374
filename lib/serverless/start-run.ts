/**
 * The splitter's use case: turn a {@link RunTrigger} into a run.
 *
 * 1. A run that is already finished (`done`) is a duplicate: nothing happens.
 * 2. The list object is checked (present, at most `maxListBytes`), the run settings are
 *    resolved (stack defaults + object metadata or schedule settings), and the list is copied
 *    to `runs/<runId>/list.txt` (for an S3 upload: only if it is still that upload's ETag), so
 *    the run validates exactly one version of the list and keeps it with its history.
 * 3. The copy is streamed through the list parser into `splitList` (bounded memory).
 * 4. One progress note is sent, so a run of only INVALID lines completes too.
 *
 * Any reason the run cannot run (a key that cannot name a list, bad settings, missing, oversized,
 * replaced or non-text list, no image line) finishes it at once as a fatal run with one clear
 * message (run-failure.ts).
 */
import { MAX_LIST_BYTES } from '../core/defaults.js';
import { isCodedError } from '../core/errors.js';
import { parseListStream } from '../core/list-stream.js';
import type { RunSettings, WorkItem } from '../core/settings.js';
import type { ObjectStore, WorkQueue } from '../ports.js';
import { runKeys } from '../pipeline/run-layout.js';
import { splitList } from '../pipeline/split.js';
import { AwsRuntimeError } from './errors.js';
import type { FatalInfo } from './events.js';
import type { Logger } from './logger.js';
import { failRun } from './run-failure.js';
import { resolveRunSettings } from './run-settings.js';
import type { RuntimeConfig } from './runtime-config.js';
import type { ProgressNote } from './runtime.js';
import type { RunTrigger } from './triggers.js';

export const LIST_COPY_NAME = 'list.txt';

export interface StartRunDeps {
  readonly config: RuntimeConfig;
  /** The pipeline bucket: the list and the run's outputs. */
  readonly store: ObjectStore;
  readonly work: WorkQueue<WorkItem>;
  readonly progress: WorkQueue<ProgressNote>;
  readonly log: Logger;
  readonly now?: () => Date;
  readonly maxListBytes?: number;
}

export type StartStatus = 'started' | 'duplicate' | 'fatal';

export interface StartOutcome {
  readonly runId: string;
  readonly status: StartStatus;
  readonly fatal?: FatalInfo;
}

/** `runs/<runId>/list.txt`. */
export function listCopyKey(runId: string): string {
  return `${runKeys(runId).prefix}${LIST_COPY_NAME}`;
}

/** S3 event ETags come without quotes; the store's ETags (as S3 serves them) have them. */
function quotedEtag(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

async function copyList(t: RunTrigger, deps: StartRunDeps): Promise<void> {
  const copied = await deps.store.copy(t.key, listCopyKey(t.runId), {
    contentType: 'text/plain; charset=utf-8',
    metadata: { 'list-key': encodeURIComponent(t.key) },
    ...(t.etag ? { ifMatch: quotedEtag(t.etag) } : {}),
  });
  if (copied === 'changed') throw new AwsRuntimeError('LIST', `${t.key} was replaced before this run started; the newer upload starts its own run`);
  if (copied === 'missing') throw new AwsRuntimeError('LIST', `${t.key} no longer exists`);
}

/** Settings of the run, or the fatal reason it cannot run. */
async function prepare(t: RunTrigger, deps: StartRunDeps): Promise<RunSettings> {
  const info = await deps.store.head(t.key);
  if (!info) throw new AwsRuntimeError('LIST', `list s3://${t.bucket}/${t.key} not found`);
  const max = deps.maxListBytes ?? MAX_LIST_BYTES;
  if (info.size > max) {
    throw new AwsRuntimeError('LIST', `${t.key} is ${info.size} bytes, over the ${max}-byte limit: split it into several lists`);
  }
  const overrides = t.kind === 's3' ? info.metadata : t.settings;
  const origin = t.kind === 's3' ? `the S3 metadata of ${t.key}` : 'the schedule input';
  const settings = resolveRunSettings(deps.config.defaults, overrides, { allowInsecureTls: deps.config.allowInsecureTls, origin });
  await copyList(t, deps);
  return settings;
}

/** Starts (or, for a duplicate, skips) the run of `t`; never throws for problems of the list or its settings. */
export async function startRun(t: RunTrigger, deps: StartRunDeps): Promise<StartOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const keys = runKeys(t.runId);
  const list = { name: t.listName, key: t.key };
  if (await deps.store.head(keys.done)) return { runId: t.runId, status: 'duplicate' };
  const fail = async (fatal: FatalInfo, settings?: RunSettings): Promise<StartOutcome> => {
    deps.log.warn('run cannot run', { runId: t.runId, list: t.key, fatal });
    await failRun(deps.store, { runId: t.runId, list, startedAt: started, finishedAt: now(), fatal, ...(settings ? { settings } : {}) });
    await deps.progress.send([{ runId: t.runId }]);
    return { runId: t.runId, status: 'fatal', fatal };
  };
  if (t.refused) return fail(t.refused);
  let settings: RunSettings | undefined;
  try {
    settings = await prepare(t, deps);
    const stream = await deps.store.getStream(listCopyKey(t.runId));
    if (!stream) throw new AwsRuntimeError('LIST', `${listCopyKey(t.runId)} vanished`);
    const { duplicate } = await splitList({
      runId: t.runId, list, lines: parseListStream(stream, settings), queue: deps.work, store: deps.store,
      settings, now, deadlineMs: deps.config.runDeadlineMs,
    });
    await deps.progress.send([{ runId: t.runId }]);
    return { runId: t.runId, status: duplicate ? 'duplicate' : 'started' };
  } catch (err) {
    const fatal = fatalOf(err, t.key);
    if (!fatal) throw err;
    return fail(fatal, settings);
  }
}

/** The fatal reason of an error about the list or its settings; undefined for anything else (retried). */
function fatalOf(err: unknown, key: string): FatalInfo | undefined {
  if (!isCodedError(err)) return undefined;
  if (err.code === 'NO_IMAGES') return { code: 'NO_IMAGES', message: `no images in list ${key}` };
  if (err.code === 'NOT_TEXT') return { code: 'NOT_TEXT', message: `${key}: ${err.message}` };
  if (err instanceof AwsRuntimeError && (err.code === 'LIST' || err.code === 'RUN_SETTINGS')) return { code: err.code, message: err.message };
  return undefined;
}
