/**
 * Watches a cloud run from the outside by polling its bucket: the line total from `run.json`,
 * each new result object under `results/` (shown through the same progress sink as a local
 * run: a bar on a TTY, plain lines otherwise), until `done` appears. Polls back off while
 * nothing changes and come back to the first interval when something does.
 */
import type { LineResult } from '../core/types.js';
import type { ObjectStore } from '../ports.js';
import { lineOfResultKey, runKeys } from '../pipeline/run-layout.js';
import type { RunRecord } from '../pipeline/run-record.js';
import { pollJson } from './poll-json.js';
import { TaskPool } from '../pipeline/task-pool.js';
import type { ProgressSink } from './progress.js';

export interface WatchOptions {
  readonly store: ObjectStore;
  readonly runId: string;
  readonly progress: ProgressSink;
  /** First poll interval; it grows by half each quiet poll, up to 8x. */
  readonly pollMs: number;
  /** Lines already shown (shared with the caller, which shows the rest from the final report). */
  readonly seen: Set<number>;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves once the run is finished (`done` exists). */
export async function watchRun(o: WatchOptions): Promise<void> {
  const keys = runKeys(o.runId);
  const sleep = o.sleep ?? defaultSleep;
  let interval = o.pollMs;
  let total: number | undefined;
  for (;;) {
    if (await o.store.head(keys.done)) return;
    let changed = false;
    if (total === undefined) {
      const record = await pollJson<RunRecord>(o.store, keys.record);
      if (record && typeof record.totalLines === 'number') {
        total = record.totalLines;
        o.progress.total(total);
        changed = true;
      }
    }
    if (await showNewResults(o, keys.resultsPrefix)) changed = true;
    interval = changed ? o.pollMs : Math.min(interval * 1.5, o.pollMs * 8);
    await sleep(interval);
  }
}

async function showNewResults(o: WatchOptions, prefix: string): Promise<boolean> {
  const fresh: string[] = [];
  for await (const key of o.store.list(prefix)) {
    const line = lineOfResultKey(key);
    if (line !== null && !o.seen.has(line)) fresh.push(key);
  }
  if (fresh.length === 0) return false;
  const results: LineResult[] = [];
  const pool = new TaskPool(16);
  for (const key of fresh) {
    await pool.submit(async () => {
      const r = await pollJson<LineResult>(o.store, key);
      if (r) results.push(r);
    });
  }
  await pool.drain();
  results.sort((a, b) => a.line - b.line);
  for (const r of results) {
    if (o.seen.has(r.line)) continue;
    o.seen.add(r.line);
    o.progress.result(r);
  }
  return results.length > 0;
}
