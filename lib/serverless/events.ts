/**
 * The completion event (SPEC §5): one EventBridge event per finished run, carrying its summary,
 * so teams can alarm on failures, and what changed since the previous run of the list
 * (`newlyFailing`, `recovered`, `regressed`), so they can alarm on regressions only. `source` is `EVENT_SOURCE` (`mirror-validate`), `detail-type`
 * is `Run Completed` (the stack's notification rule matches it), and `detail` is
 * {@link CompletionDetail}.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { RunSummary } from '../pipeline/aggregate.js';
import { runFailed } from '../core/report.js';
import { AwsRuntimeError } from './errors.js';

/** Must equal `RUN_COMPLETED` of lib/infra/notifications.ts (a test pins it). */
export const RUN_COMPLETED_DETAIL_TYPE = 'Run Completed';

/** `passed`: nothing FAILED, ERRORed or INVALID; `failed`: some line did; `fatal`: the run could not run. */
export type RunOutcome = 'passed' | 'failed' | 'fatal';

export interface FatalInfo {
  readonly code: string;
  readonly message: string;
}

/** Fatal code of a run whose key cannot name a list (see triggers.ts): it has no `results/` prefix. */
export const LIST_KEY_FATAL = 'LIST_KEY';

/** A run summary as written to `summary.json`; `fatal` is set when the run could not run at all. */
export type FinishedSummary = RunSummary & { readonly fatal?: FatalInfo };

export interface CompletionDetail {
  readonly runId: string;
  readonly list: string;
  readonly outcome: RunOutcome;
  readonly summary: FinishedSummary;
  readonly bucket: string;
  /** `runs/<runId>/`: the run's history. */
  readonly runPrefix: string;
  /** `results/<list>/`: where the newest run of the list is copied (absent for a `LIST_KEY` fatal run: no list name). */
  readonly resultsPrefix?: string;
  /** Key of the failed file, when the run has one. */
  readonly failedKey?: string;
  /** Since the previous run of the list (core/changes.ts): lines that newly need attention, lines that no longer do. */
  readonly newlyFailing: number;
  readonly recovered: number;
  /** Some line newly needs attention: match `{"detail":{"regressed":[true]}}` to alarm on regressions only. */
  readonly regressed: boolean;
}

/** The change fields of the completion event (zero and false for a run that could not run). */
export function changeFields(s: FinishedSummary): Pick<CompletionDetail, 'newlyFailing' | 'recovered' | 'regressed'> {
  return { newlyFailing: s.newlyFailing ?? 0, recovered: s.recovered ?? 0, regressed: s.regressed ?? false };
}

export function outcomeOf(s: FinishedSummary): RunOutcome {
  if (s.fatal) return 'fatal';
  return runFailed(s) ? 'failed' : 'passed';
}

export interface EventTarget {
  readonly client: EventBridgeClient;
  readonly busName: string;
  readonly source: string;
}

/** Puts the completion event. @throws AwsRuntimeError `EVENT` when EventBridge rejects it. */
export async function putCompletionEvent(target: EventTarget, detail: CompletionDetail): Promise<void> {
  let out;
  try {
    out = await target.client.send(new PutEventsCommand({
      Entries: [{
        EventBusName: target.busName,
        Source: target.source,
        DetailType: RUN_COMPLETED_DETAIL_TYPE,
        Resources: [],
        Detail: JSON.stringify(detail),
      }],
    }));
  } catch (err) {
    throw new AwsRuntimeError('EVENT', `PutEvents for run ${detail.runId} failed: ${(err as Error)?.name ?? 'error'}`, { cause: err });
  }
  if ((out.FailedEntryCount ?? 0) > 0) {
    const e = out.Entries?.[0];
    throw new AwsRuntimeError('EVENT', `PutEvents rejected the event of run ${detail.runId}: ${e?.ErrorCode ?? 'unknown'} ${e?.ErrorMessage ?? ''}`.trim());
  }
}
