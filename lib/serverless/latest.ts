/**
 * The newest run of each list at a stable prefix (SPEC §5): `results/<list>/` holds copies of
 * `report.json`, `report.html`, `report.xml`, `summary.json` and `mirror-validate-failed.txt` (absent when nothing failed) of
 * the newest finished run, plus `latest.json` = {@link LatestPointer}. Every copy carries the
 * metadata `run-id` and `started-at` of the run it came from.
 *
 * "Newest" is the run's `startedAt` (then its run id). An older run finishing late never
 * overwrites a newer one:
 *
 * 1. The pointer only moves forward: it is created with `If-None-Match: *` and replaced with
 *    `If-Match: <ETag it was read with>` and only by a newer run (compare-and-swap; on 412 the
 *    publisher re-reads and decides again).
 * 2. Publishers copy the outputs of the run the pointer names (not their own), then re-read the
 *    pointer and copy again if it moved meanwhile. A slow publisher that copied older files
 *    after a newer one finished therefore ends by copying the newer run's files again, so once
 *    every publisher has returned, the prefix holds exactly the pointer's run.
 *
 * This holds on Amazon S3, which honours both conditional headers on PutObject. (s3rver, used in
 * the tests, honours `If-None-Match` through test/helpers/s3.ts and ignores `If-Match`.)
 */
import {
  CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
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
  readonly client: S3Client;
  readonly bucket: string;
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

const status = (err: unknown): number | undefined => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
const isMissing = (err: unknown): boolean => (err as { name?: string })?.name === 'NoSuchKey' || status(err) === 404;
const isConflict = (err: unknown): boolean => status(err) === 412 || status(err) === 409;

function wrap(what: string, err: unknown): AwsRuntimeError {
  return new AwsRuntimeError('PUBLISH', `${what} failed: ${(err as Error)?.name ?? 'error'}`, { cause: err });
}

async function readPointer(o: PublishOptions): Promise<{ pointer: LatestPointer; etag?: string } | null> {
  const Key = resultsPrefix(o.listName) + POINTER_NAME;
  try {
    const out = await o.client.send(new GetObjectCommand({ Bucket: o.bucket, Key }));
    const pointer = JSON.parse(await out.Body!.transformToString()) as LatestPointer;
    return { pointer, ...(out.ETag ? { etag: out.ETag } : {}) };
  } catch (err) {
    if (isMissing(err)) return null;
    throw wrap(`reading ${Key}`, err);
  }
}

/** Moves the pointer to `o.run` when that is newer than the run it names (compare-and-swap). */
async function advancePointer(o: PublishOptions): Promise<void> {
  const Key = resultsPrefix(o.listName) + POINTER_NAME;
  for (let round = 0; round < (o.maxRounds ?? 8); round++) {
    const found = await readPointer(o);
    if (found && !isNewer(o.run, found.pointer)) return;
    try {
      await o.client.send(new PutObjectCommand({
        Bucket: o.bucket, Key, ContentType: 'application/json',
        Body: `${JSON.stringify({ runId: o.run.runId, startedAt: o.run.startedAt })}\n`,
        ...(found ? { IfMatch: found.etag ?? '*' } : { IfNoneMatch: '*' }),
      }));
      return;
    } catch (err) {
      if (!isConflict(err)) throw wrap(`writing ${Key}`, err);
    }
  }
  throw new AwsRuntimeError('PUBLISH', `${Key} kept changing; gave up after ${o.maxRounds ?? 8} rounds`);
}

async function copyRun(o: PublishOptions, run: LatestPointer): Promise<void> {
  const keys = runKeys(run.runId);
  const to = resultsPrefix(o.listName);
  for (const name of FILES) {
    const from = `${keys.prefix}${name}`;
    try {
      await o.client.send(new CopyObjectCommand({
        Bucket: o.bucket, Key: to + name, CopySource: `${o.bucket}/${from}`,
        MetadataDirective: 'REPLACE',
        ContentType: CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'text/plain; charset=utf-8',
        Metadata: { 'run-id': run.runId, 'started-at': run.startedAt },
      }));
    } catch (err) {
      if (!isMissing(err)) throw wrap(`copying ${from}`, err);
      try {
        await o.client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: to + name }));
      } catch (e) {
        if (!isMissing(e)) throw wrap(`deleting ${to + name}`, e);
      }
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
