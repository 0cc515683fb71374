/**
 * What a serverless run is compared with (issue: scheduled re-validation): the run currently
 * published under `results/<list>/` (latest.ts), when it started before this one. Its key file
 * (`runs/<previous>/keys.txt`) is joined with this run's; a previous run without one (finished
 * before runs kept key files, or fatal) is read back from its `report.json` instead.
 *
 * The `runs/` lifecycle expiry deletes a run's objects one by one: a published run whose lines
 * are gone (neither `keys.txt` nor `report.json`) is no previous run, and one whose lines go
 * after the finish claim chose it is read as a run without lines, so the run still closes.
 */
import type { PreviousRun } from '../core/changes.js';
import type { ReportLine } from '../core/report.js';
import { reportResults } from '../core/report-stream.js';
import type { ObjectStore } from '../ports.js';
import type { Comparison } from '../pipeline/aggregate.js';
import { comparisonKeys } from '../pipeline/compare-runs.js';
import { runKeys } from '../pipeline/run-layout.js';
import { readJson } from '../pipeline/run-record.js';
import { objectLines } from '../pipeline/text-lines.js';
import { isNewer, POINTER_NAME, resultsPrefix, type LatestPointer } from './latest.js';

/** The key file or report a run's lines are read from; null when both are gone. */
async function linesSource(store: ObjectStore, runId: string): Promise<{ keys: string } | { report: string } | null> {
  const keys = comparisonKeys(runId).keys;
  if (await store.head(keys)) return { keys };
  const report = runKeys(runId).report;
  return (await store.head(report)) ? { report } : null;
}

/** The lines of a run whose lines are gone. */
async function* none(): AsyncGenerator<ReportLine> {}

/** The comparison of run `run` of list `listName` with the list's published run. */
export function listComparison(store: ObjectStore, listName: string, run: LatestPointer): Comparison {
  return {
    async find(): Promise<PreviousRun | null> {
      const pointer = await readJson<LatestPointer>(store, `${resultsPrefix(listName)}${POINTER_NAME}`);
      if (!pointer || !isNewer(run, pointer)) return null;
      const summary = await readJson<{ finishedAt?: string }>(store, runKeys(pointer.runId).summary);
      if (!summary?.finishedAt || !(await linesSource(store, pointer.runId))) return null;
      return { runId: pointer.runId, finishedAt: summary.finishedAt };
    },
    async keysOf(previous) {
      const source = await linesSource(store, previous.runId);
      if (!source) return none();
      if ('keys' in source) return source.keys;
      return reportResults(objectLines(store, source.report), () => undefined);
    },
  };
}
