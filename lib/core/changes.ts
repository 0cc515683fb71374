/**
 * What changed since a previous run of the same list. Lines are matched by their resolved
 * (source, destination) pair, not by line number, so reordering a list changes nothing; a line
 * without a pair (INVALID, or lost before it was parsed) is matched by its trimmed text. When a
 * pair occurs on several lines, its first line stands for it.
 *
 * Both runs are read as streams of {@link KeyEntry} sorted by key (see {@link keyEntryText}), and
 * joined in one forward pass, so any number of lines needs no map of either run in memory.
 *
 * - `newlyFailing`: needs attention now (FAILED, ERROR, INVALID: {@link isAttention}) and did
 *   not before (PASS or SKIPPED), or was not in the previous run;
 * - `recovered`: needed attention before and passes now (PASS or SKIPPED);
 * - `stillFailing`: needs attention in both; `added` / `removed`: in one run only.
 */
import { compareText, isAttention } from './report.js';
import type { LineResult, Status } from './types.js';

/** The run a comparison is against. */
export interface PreviousRun {
  readonly runId: string;
  readonly finishedAt: string;
}

/** The fields of a line that a comparison carries. */
type LineFields = Pick<LineResult, 'line' | 'input' | 'status' | 'code' | 'message' | 'source' | 'destination'>;

/** A line of a run, as the comparison needs it. */
export interface KeyEntry extends LineFields {
  readonly key: string;
}

/** A line of `newlyFailing` or `recovered`: the line now, and its status before (null: absent). */
export interface ChangeEntry extends LineFields {
  readonly previousStatus: Status | null;
}

export type ChangeKind = 'newlyFailing' | 'recovered';
export const CHANGE_KINDS: readonly ChangeKind[] = ['newlyFailing', 'recovered'];

/** The counts of a comparison. `previous` is null when there was no previous run to compare with. */
export interface ChangeCounts {
  readonly previous: PreviousRun | null;
  readonly newlyFailing: number;
  readonly recovered: number;
  readonly stillFailing: number;
  readonly added: number;
  readonly removed: number;
}

/** The JSON report's `changes`. */
export interface Changes {
  readonly previous: PreviousRun | null;
  readonly stillFailing: number;
  readonly added: number;
  readonly removed: number;
  readonly newlyFailing: readonly ChangeEntry[];
  readonly recovered: readonly ChangeEntry[];
}

/** The report's `changes` from the counts and the two lists (its key order is the report's). */
export function changesOf(c: ChangeCounts, newlyFailing: readonly ChangeEntry[], recovered: readonly ChangeEntry[]): Changes {
  return { previous: c.previous, stillFailing: c.stillFailing, added: c.added, removed: c.removed, newlyFailing, recovered };
}

/** The identity of a line across runs (see the module doc). */
export function lineKey(r: Pick<LineResult, 'source' | 'destination' | 'input'>): string {
  return r.source && r.destination ? `${r.source} ${r.destination}` : `line: ${r.input.trim()}`;
}

/** The comparison fields of a result. */
export function keyEntry(r: LineFields): KeyEntry {
  return {
    key: lineKey(r), line: r.line, input: r.input.trim(), status: r.status, code: r.code ?? null, message: r.message,
    ...(r.source !== undefined ? { source: r.source } : {}), ...(r.destination !== undefined ? { destination: r.destination } : {}),
  };
}

/**
 * One line of a sorted key file: the key (JSON, so no tab or newline), the line number padded
 * to 9 digits, then the entry. Sorting these texts by code unit orders entries by key, then by
 * line, so the first text of a key is its first line.
 */
export function keyEntryText(e: KeyEntry): string {
  return `${JSON.stringify(e.key)}\t${String(e.line).padStart(9, '0')}\t${JSON.stringify(e)}`;
}

/** The entry of a key file line. */
export function parseKeyEntryText(text: string): KeyEntry {
  return JSON.parse(text.slice(text.indexOf('\t', text.indexOf('\t') + 1) + 1)) as KeyEntry;
}

/** The key part of a key file line (texts with the same key part are the same pair). */
export function keyOfText(text: string): string {
  return text.slice(0, text.indexOf('\t'));
}

/** Sorted key file lines of `results` (a shard's, say), one per key (its first line). */
export function keyEntryTexts(results: Iterable<Parameters<typeof keyEntry>[0]>): string[] {
  const texts = [...results].map((r) => keyEntryText(keyEntry(r))).sort(compareText);
  return texts.filter((t, i) => i === 0 || keyOfText(t) !== keyOfText(texts[i - 1]!));
}

function change(now: KeyEntry, before: KeyEntry | null): ChangeEntry {
  const { key: _key, ...line } = now;
  return { ...line, previousStatus: before?.status ?? null };
}

/**
 * Joins the key-sorted entries of this run and of the previous one (each key once), calling
 * `onChange` for every newly failing and recovered line, in key order; resolves the counts.
 */
export async function joinRuns(
  current: AsyncIterable<KeyEntry>, previous: AsyncIterable<KeyEntry> | null, previousRun: PreviousRun | null,
  onChange: (kind: ChangeKind, entry: ChangeEntry) => Promise<void> | void,
): Promise<ChangeCounts> {
  const counts = { newlyFailing: 0, recovered: 0, stillFailing: 0, added: 0, removed: 0 };
  const cur = current[Symbol.asyncIterator]();
  const prev = previous?.[Symbol.asyncIterator]();
  let a = await cur.next();
  let b = prev ? await prev.next() : ({ done: true, value: undefined } as IteratorReturnResult<undefined>);
  const emit = async (kind: ChangeKind, e: ChangeEntry): Promise<void> => {
    counts[kind]++;
    await onChange(kind, e);
  };
  while (!a.done || !b.done) {
    const order = a.done ? 1 : b.done ? -1 : compareText(JSON.stringify(a.value.key), JSON.stringify(b.value.key));
    if (order < 0) {
      const now = (a as IteratorYieldResult<KeyEntry>).value;
      counts.added++;
      if (isAttention(now.status)) await emit('newlyFailing', change(now, null));
      a = await cur.next();
    } else if (order > 0) {
      counts.removed++;
      b = await prev!.next();
    } else {
      const now = (a as IteratorYieldResult<KeyEntry>).value;
      const before = (b as IteratorYieldResult<KeyEntry>).value;
      if (isAttention(now.status) && isAttention(before.status)) counts.stillFailing++;
      else if (isAttention(now.status)) await emit('newlyFailing', change(now, before));
      else if (isAttention(before.status)) await emit('recovered', change(now, before));
      a = await cur.next();
      b = await prev!.next();
    }
  }
  return { previous: previousRun, ...counts };
}

/** A run regressed when a line newly needs attention. */
export function regressed(c: Pick<ChangeCounts, 'newlyFailing'>): boolean {
  return c.newlyFailing > 0;
}
