/**
 * Finds the run an upload started. The splitter names runs
 * `<event time>-<list>-<hash of bucket, key, version, ETag, sequencer>` (lib/serverless/triggers.ts); the
 * event time is the upload's `LastModified` to the second, and the sequencer is not known to the
 * uploader, so the run is found by looking, not computed:
 *
 * - list the run folders `runs/<id>/` that sort after the upload's time stamp (minus a little);
 * - a run is this upload's when its list copy `runs/<id>/list.txt` carries `list-key` = our key
 *   and our ETag; failing that, when its copy or (for a run that could not start, which has no
 *   copy) its `summary.json` names our key. The earliest such run wins;
 * - runs that existed before the upload ({@link runIdsSince}, taken just before it) are never
 *   this upload's: an earlier upload of the same content to the same key has the same ETag.
 */
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { timeStamp } from '../serverless/triggers.js';
import { LIST_COPY_NAME } from '../serverless/start-run.js';
import { RUNS_PREFIX, runKeys } from '../pipeline/run-layout.js';
import { pollJson } from './poll-json.js';
import type { ObjectStore } from '../ports.js';

export interface Upload {
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly lastModified: Date;
}

/** Seconds before `LastModified` still searched (S3 rounds times; the event may come first). */
const SLACK_MS = 2000;

type Verdict = 'mine' | 'same-key' | 'other' | 'unknown';

const status = (err: unknown) => (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/** Ids of the runs whose time stamp is at or after `since` (to the second), ascending. */
export async function runIdsSince(client: S3Client, bucket: string, since: Date): Promise<string[]> {
  const startAfter = `${RUNS_PREFIX}${timeStamp(new Date(since.getTime() - 1000))}~`;
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListObjectsV2Command({
      Bucket: bucket, Prefix: RUNS_PREFIX, Delimiter: '/', StartAfter: startAfter, ...(token ? { ContinuationToken: token } : {}),
    }));
    for (const p of out.CommonPrefixes ?? []) if (p.Prefix) ids.push(p.Prefix.slice(RUNS_PREFIX.length, -1));
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return ids.sort();
}

async function judge(client: S3Client, store: ObjectStore, upload: Upload, runId: string): Promise<Verdict> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: upload.bucket, Key: `${runKeys(runId).prefix}${LIST_COPY_NAME}` }));
    const listKey = head.Metadata?.['list-key'];
    if (listKey === undefined || decodeURIComponent(listKey) !== upload.key) return 'other';
    return head.ETag === upload.etag ? 'mine' : 'same-key';
  } catch (err) {
    if (status(err) !== 404 && (err as { name?: string })?.name !== 'NotFound') throw err;
  }
  const summary = await pollJson<{ list?: { key?: string } }>(store, runKeys(runId).summary);
  if (!summary) return 'unknown';
  return summary.list?.key === upload.key ? 'same-key' : 'other';
}

/**
 * One search for the run of `upload`: its id, or null when it is not there (yet).
 * `rejected` remembers runs already known to belong to other uploads, across calls.
 */
export async function findRun(client: S3Client, store: ObjectStore, upload: Upload, rejected: Set<string>): Promise<string | null> {
  let sameKey: string | null = null;
  for (const runId of await runIdsSince(client, upload.bucket, new Date(upload.lastModified.getTime() - SLACK_MS))) {
    if (rejected.has(runId)) continue;
    const v = await judge(client, store, upload, runId);
    if (v === 'mine') return runId;
    if (v === 'other') rejected.add(runId);
    if (v === 'same-key') sameKey ??= runId;
  }
  return sameKey;
}
