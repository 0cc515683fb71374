/**
 * What a serverless run is compared with (issue: scheduled re-validation): the run currently
 * published under `results/<list>/` (latest.ts), when it started before this one. Its key file
 * (`runs/<previous>/keys.txt`) is joined with this run's; a previous run without one (finished
 * before runs kept key files, or fatal) is read back from its `report.json` instead.
 */
import type { PreviousRun } from '../core/changes.js';
import { reportResults } from '../core/report-stream.js';
import type { ObjectStore } from '../ports.js';
import type { Comparison } from '../pipeline/aggregate.js';
import { comparisonKeys } from '../pipeline/compare-runs.js';
import { runKeys } from '../pipeline/run-layout.js';
import { readJson } from '../pipeline/run-record.js';
import { objectLines } from '../pipeline/text-lines.js';
import { isNewer, POINTER_NAME, resultsPrefix, type LatestPointer } from './latest.js';

/** The comparison of run `run` of list `listName` with the list's published run. */
export function listComparison(store: ObjectStore, listName: string, run: LatestPointer): Comparison {
  return {
    async find(): Promise<PreviousRun | null> {
      const pointer = await readJson<LatestPointer>(store, `${resultsPrefix(listName)}${POINTER_NAME}`);
      if (!pointer || !isNewer(run, pointer)) return null;
      const summary = await readJson<{ finishedAt?: string }>(store, runKeys(pointer.runId).summary);
      return summary?.finishedAt ? { runId: pointer.runId, finishedAt: summary.finishedAt } : null;
    },
    async keysOf(previous) {
      const keys = comparisonKeys(previous.runId).keys;
      if (await store.head(keys)) return keys;
      return reportResults(objectLines(store, runKeys(previous.runId).report), () => undefined);
    },
  };
}
