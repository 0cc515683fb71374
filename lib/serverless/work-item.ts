/** Shape check of a work message body (validator and sweeper: a body may be anything). */
import type { WorkItem } from '../core/settings.js';

/** True when `body` has the shape of a work item. */
export function isWorkItem(body: unknown): body is WorkItem {
  const b = body as Partial<WorkItem> | null;
  return typeof b === 'object' && b !== null && typeof b.runId === 'string' && Number.isSafeInteger(b.line) && (b.line ?? 0) > 0
    && typeof b.input === 'string' && typeof b.source === 'object' && b.source !== null
    && typeof b.destination === 'object' && b.destination !== null;
}
