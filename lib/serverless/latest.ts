/**
 * The newest run of each list at a stable prefix (SPEC §5): `results/<list>/` holds copies of
 * `report.json`, `report.html`, `report.xml`, `summary.json` and `mirror-validate-failed.txt` (absent when nothing failed) of
 * the newest finished run, plus `latest.json` = {@link LatestPointer}. Every copy carries the
 * metadata `run-id` and `started-at` of the run it came from.
 *
 * "Newest" is the run's `startedAt` (then its run id). An older run finishing late never
 * overwrites a newer one:
 *
 * 1. The pointer only moves forward: it is created create-only (`ifNoneMatch`) and replaced
 *    only by a newer run and only if it still has the ETag it was read with (`ifMatch`: a
 *    compare-and-swap; when the write is refused the publisher re-reads and decides again).
 * 2. Publishers copy the outputs of the run the pointer names (not their own), then re-read the
 *    pointer and copy again if it moved meanwhile. A slow publisher that copied older files
 *    after a newer one finished therefore ends by copying the newer run's files again, so once
 *    every publisher has returned, the prefix holds exactly the pointer's run.
 *
 * This holds on every ObjectStore (conditional puts and copies are part of the port; Amazon S3
 * honours `If-None-Match`/`If-Match` on PutObject, and the tests' s3rver is made to).
 */
import type { ObjectStore } from '../ports.js';
import { FAILED_FILE_NAME, runKeys } from '../pipeline/run-layout.js';
import { AwsRuntimeError } from './errors.js';

export const RESULTS_PREFIX = 'results/';
export const POINTER_NAME = 'latest.json';
const FILES = ['report.json', 'report.html', 'report.xml', 'summary.json', FAILED_FILE_NAME] as const;
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json', html: 'text/html; charset=utf-8', xml: 'application/xml; charset=utf-8',
};

export interface LatestPointer {
  readonly runId: string;
  readonly startedAt: string;
}

export interface PublishOptions {
  readonly store: ObjectStore;
  readonly listName: string;
  readonly run: LatestPointer;
  /** Compare-and-swap and copy rounds before giving up. Default 8. */
  readonly maxRounds?: number;
}

export interface PublishOutcome {
  /** The run now at `results/<list>/`. */
  readonly current: string;
  /** True when that is the published run (false: a newer run is there). */
  readonly isLatest: boolean;
}

/** `results/<list>/`. */
export function resultsPrefix(listName: string): string {
  return `${RESULTS_PREFIX}${listName}/`;
}

/** True when run `a` is newer than run `b`. */
export function isNewer(a: LatestPointer, b: LatestPointer): boolean {
  return a.startedAt > b.startedAt || (a.startedAt === b.startedAt && a.runId > b.runId);
}

function wrap(what: string, err: unknown): AwsRuntimeError {
  return new AwsRuntimeError('PUBLISH', `${what} failed: ${(err as Error)?.message ?? 'error'}`, { cause: err });
}

/**
 * The pointer and the ETag it was read with. The ETag is read first: if the pointer moves in
 * between, the body is newer than the ETag and a compare-and-swap with that ETag fails (and is
 * retried), never the reverse.
 */
async function readPointer(o: PublishOptions): Promise<{ pointer: LatestPointer; etag: string } | null> {
  const key = resultsPrefix(o.listName) + POINTER_NAME;
  try {
    const info = await o.store.head(key);
    const bytes = info && (await o.store.get(key));
    if (!info || !bytes) return null;
    return { pointer: JSON.parse(Buffer.from(bytes).toString('utf8')) as LatestPointer, etag: info.etag };
  } catch (err) {
    throw wrap(`reading ${key}`, err);
  }
}

/** Moves the pointer to `o.run` when that is newer than the run it names (compare-and-swap). */
async function advancePointer(o: PublishOptions): Promise<void> {
  const key = resultsPrefix(o.listName) + POINTER_NAME;
  const body = `${JSON.stringify({ runId: o.run.runId, startedAt: o.run.startedAt })}\n`;
  for (let round = 0; round < (o.maxRounds ?? 8); round++) {
    const found = await readPointer(o);
    if (found && !isNewer(o.run, found.pointer)) return;
    const condition = found ? { ifMatch: found.etag } : { ifNoneMatch: true };
    let written: boolean;
    try {
      written = await o.store.put(key, body, { contentType: 'application/json', ...condition });
    } catch (err) {
      throw wrap(`writing ${key}`, err);
    }
    if (written) return;
  }
  throw new AwsRuntimeError('PUBLISH', `${key} kept changing; gave up after ${o.maxRounds ?? 8} rounds`);
}

async function copyRun(o: PublishOptions, run: LatestPointer): Promise<void> {
  const keys = runKeys(run.runId);
  const to = resultsPrefix(o.listName);
  for (const name of FILES) {
    const from = `${keys.prefix}${name}`;
    try {
      const copied = await o.store.copy(from, to + name, {
        contentType: CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'text/plain; charset=utf-8',
        metadata: { 'run-id': run.runId, 'started-at': run.startedAt },
      });
      if (copied === 'missing') await o.store.delete(to + name);
    } catch (err) {
      throw wrap(`copying ${from}`, err);
    }
  }
}

/** Publishes `o.run` at `results/<list>/` unless a newer run is there; see the module doc. */
export async function publishLatest(o: PublishOptions): Promise<PublishOutcome> {
  await advancePointer(o);
  let target = (await readPointer(o))?.pointer ?? o.run;
  for (let round = 0; round < (o.maxRounds ?? 8); round++) {
    await copyRun(o, target);
    const after = (await readPointer(o))?.pointer ?? target;
    if (after.runId === target.runId) return { current: target.runId, isLatest: target.runId === o.run.runId };
    target = after;
  }
  throw new AwsRuntimeError('PUBLISH', `${resultsPrefix(o.listName)} kept changing; gave up after ${o.maxRounds ?? 8} rounds`);
}
