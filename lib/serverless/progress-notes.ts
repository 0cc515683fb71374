/**
 * Progress notes `{runId, shards?}` on the progress queue: "run `runId` may be complete, check
 * it". A validator names the shards of the lines it recorded, so a check lists and compacts only
 * those (a check's cost follows the lines validated since the last one, whatever the order SQS
 * delivers them in); a note without `shards` (the splitter's last note, the sweeper's, a
 * follow-up) asks for a check of every shard not compacted yet.
 */
import { shardOfLine } from '../pipeline/run-layout.js';
import { unique } from './middleware.js';

export interface ProgressNote {
  readonly runId: string;
  /** Only these shards may have changed; absent: check them all. */
  readonly shards?: readonly number[];
}

/** One note per run of `items`, naming the shards of their lines. */
export function notesFor(items: readonly { readonly runId: string; readonly line: number }[]): ProgressNote[] {
  return unique(items.map((i) => i.runId)).map((runId) => ({
    runId, shards: unique(items.filter((i) => i.runId === runId).map((i) => shardOfLine(i.line))).sort((a, b) => a - b),
  }));
}

/** The notes of one batch, per run: their message ids, and the shards to check (`all` when a note names none). */
export interface CollectedNotes {
  readonly ids: string[];
  shards: Set<number> | 'all';
}

/** Collects a batch of note bodies; `onBad` gets the id of a body that is not a note. */
export function collectNotes(records: readonly { readonly messageId: string; readonly body: string }[], onBad: (messageId: string) => void): Map<string, CollectedNotes> {
  const byRun = new Map<string, CollectedNotes>();
  for (const r of records) {
    const note = parseNote(r.body);
    if (!note) {
      onBad(r.messageId);
      continue;
    }
    const c = byRun.get(note.runId) ?? { ids: [], shards: new Set<number>() };
    c.ids.push(r.messageId);
    if (!note.shards || c.shards === 'all') c.shards = 'all';
    else for (const k of note.shards) c.shards.add(k);
    byRun.set(note.runId, c);
  }
  return byRun;
}

function parseNote(body: string): ProgressNote | null {
  let v: { runId?: unknown; shards?: unknown };
  try {
    v = JSON.parse(body) as typeof v;
  } catch {
    return null;
  }
  if (typeof v?.runId !== 'string') return null;
  const shards = Array.isArray(v.shards) && v.shards.every((k) => Number.isSafeInteger(k) && (k as number) >= 0) ? v.shards as number[] : undefined;
  return { runId: v.runId, ...(shards ? { shards } : {}) };
}
