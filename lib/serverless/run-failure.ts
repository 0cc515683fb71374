/**
 * A run that cannot run at all (invalid settings, a list that is missing, too large, not text,
 * or has no image line) still finishes, with outputs that say why: `summary.json` carries
 * `fatal: {code, message}` and zero counts, `report.json` has no results, and `done` is written,
 * so duplicates, the aggregator and the sweeper all treat the run as finished. The aggregator
 * then publishes it like any run and puts the completion event (outcome `fatal`).
 */
import { buildJsonReport } from '../core/report.js';
import type { RunSettings } from '../core/settings.js';
import type { ObjectStore } from '../ports.js';
import { runKeys } from '../pipeline/run-layout.js';
import { encodeJson, JSON_PUT, type ListRef } from '../pipeline/run-record.js';
import type { FatalInfo, FinishedSummary } from './events.js';

export interface FailRunOptions {
  readonly runId: string;
  readonly list: ListRef;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly fatal: FatalInfo;
  readonly settings?: RunSettings;
}

/** Writes the outputs of a fatal run; false when the run was already finished (nothing written). */
export async function failRun(store: ObjectStore, o: FailRunOptions): Promise<boolean> {
  const keys = runKeys(o.runId);
  if (await store.head(keys.done)) return false;
  const report = buildJsonReport([], {
    runId: o.runId, startedAt: o.startedAt, finishedAt: o.finishedAt, ...(o.settings ? { settings: o.settings } : {}),
  });
  const summary: FinishedSummary = {
    ...report.summary,
    runId: o.runId,
    list: o.list,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    durationMs: report.summary.durationMs,
    forced: false,
    missing: 0,
    fatal: o.fatal,
  };
  await store.put(keys.report, encodeJson({ ...report, fatal: o.fatal }), JSON_PUT);
  await store.put(keys.summary, encodeJson(summary), JSON_PUT);
  return store.put(keys.done, encodeJson({ finishedAt: summary.finishedAt }), { ...JSON_PUT, ifNoneMatch: true });
}
