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
import { timeStamp } from '../serverless/triggers.js';
import { LIST_COPY_NAME } from '../serverless/start-run.js';
import { RUNS_PREFIX, runKeys } from '../pipeline/run-layout.js';
import { pollJson } from './poll-json.js';
import type { ObjectStore } from '../ports.js';

export interface Upload {
  /** Named in messages. */
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly lastModified: Date;
}

/** Seconds before `LastModified` still searched (S3 rounds times; the event may come first). */
const SLACK_MS = 2000;

type Verdict = 'mine' | 'same-key' | 'other' | 'unknown';

/** Ids of the runs whose time stamp is at or after `since` (to the second), ascending. */
export async function runIdsSince(store: ObjectStore, since: Date): Promise<string[]> {
  const startAfter = `${RUNS_PREFIX}${timeStamp(new Date(since.getTime() - 1000))}~`;
  const ids: string[] = [];
  for await (const folder of store.listFolders(RUNS_PREFIX, { startAfter })) ids.push(folder.slice(RUNS_PREFIX.length, -1));
  return ids;
}

async function judge(store: ObjectStore, upload: Upload, runId: string): Promise<Verdict> {
  const copy = await store.head(`${runKeys(runId).prefix}${LIST_COPY_NAME}`);
  if (copy) {
    const listKey = copy.metadata['list-key'];
    if (listKey === undefined || decodeURIComponent(listKey) !== upload.key) return 'other';
    return copy.etag === upload.etag ? 'mine' : 'same-key';
  }
  const summary = await pollJson<{ list?: { key?: string } }>(store, runKeys(runId).summary);
  if (!summary) return 'unknown';
  return summary.list?.key === upload.key ? 'same-key' : 'other';
}

/**
 * One search for the run of `upload`: its id, or null when it is not there (yet).
 * `rejected` remembers runs already known to belong to other uploads, across calls.
 */
export async function findRun(store: ObjectStore, upload: Upload, rejected: Set<string>): Promise<string | null> {
  let sameKey: string | null = null;
  for (const runId of await runIdsSince(store, new Date(upload.lastModified.getTime() - SLACK_MS))) {
    if (rejected.has(runId)) continue;
    const v = await judge(store, upload, runId);
    if (v === 'mine') return runId;
    if (v === 'other') rejected.add(runId);
    if (v === 'same-key') sameKey ??= runId;
  }
  return sameKey;
}
