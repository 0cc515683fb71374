/**
 * Comparison of a closed run with the previous run of its list (core/changes.ts), in bounded
 * memory. Every run that is compared keeps a key file, `runs/<runId>/keys.txt`: its lines as
 * {@link keyEntryText}s sorted by key, merged from the shards' key parts; that file is also what
 * the next run compares with. A previous run without one (or a previous JSON report given
 * locally) is imported once into `runs/<runId>/baseline.txt` by an external sort. The join writes
 * the newly failing and recovered lines to `runs/<runId>/changes/` (one JSON line each, in key
 * order), from which the reports stream them, and keeps the first `FIRST_CHANGES` of each for the
 * HTML report. Every object is derived from objects that never change, so any aggregator writes
 * the same bytes.
 */
import {
  CHANGE_KINDS, joinRuns, keyEntry, keyEntryTexts, keyOfText, parseKeyEntryText,
  type ChangeEntry, type ChangeKind, type KeyEntry, type PreviousRun,
} from '../core/changes.js';
import type { ReportLine } from '../core/report.js';
import type { ObjectStore } from '../ports.js';
import { FIRST_CHANGES, type ChangesView } from '../report/formatter.js';
import { isRunId, RUNS_PREFIX, runKeys, shardKey, shardKeysKey } from './run-layout.js';
import { readShardResults } from './shards.js';
import type { LineResult } from '../core/types.js';
import { mergeSorted } from './sorted-merge.js';
import { objectLines } from './text-lines.js';
import { bufferedWriter } from './writers.js';

const TEXT = { contentType: 'text/plain; charset=utf-8' } as const;
const CHUNK = 1000;

/** The comparison objects of run `runId`. */
export function comparisonKeys(runId: string): { keys: string; baseline: string; baselinePrefix: string; changes: Record<ChangeKind, string> } {
  const { prefix } = runKeys(runId);
  return {
    keys: `${prefix}keys.txt`,
    baseline: `${prefix}baseline.txt`,
    baselinePrefix: `${prefix}baseline/`,
    changes: { newlyFailing: `${prefix}changes/newly-failing.ndjson`, recovered: `${prefix}changes/recovered.ndjson` },
  };
}

/**
 * Whether `key` is one of a run's comparison objects: its key file and the shards' key parts,
 * the baseline and its chunks, the change lists, and the runs of its external merges. A local
 * run in memory keeps these on disk (adapters/local/split-store.ts).
 */
export function isComparisonObject(key: string): boolean {
  const slash = key.indexOf('/', RUNS_PREFIX.length);
  if (!key.startsWith(RUNS_PREFIX) || slash < 0) return false;
  const runId = key.slice(RUNS_PREFIX.length, slash);
  if (!isRunId(runId)) return false;
  const k = comparisonKeys(runId);
  const { prefix, shardsPrefix, mergePrefix } = runKeys(runId);
  return key === k.keys || key === k.baseline || key.startsWith(k.baselinePrefix) || key.startsWith(`${prefix}changes/`)
    || key.startsWith(mergePrefix) || (key.startsWith(shardsPrefix) && key.endsWith('.keys.txt'));
}

/** What a run is compared with: the previous run and its sorted key file. */
export interface Baseline {
  readonly run: PreviousRun;
  readonly keysKey: string;
}

/**
 * Writes the run's key file from its shards' key parts; a shard without one (compacted by a
 * version that did not write them) gets it from its results first.
 */
export async function writeRunKeys(store: ObjectStore, runId: string, shards: readonly number[]): Promise<void> {
  const present = new Set<string>();
  for await (const key of store.list(runKeys(runId).shardsPrefix)) if (key.endsWith('.keys.txt')) present.add(key);
  const parts = shards.map((k) => shardKeysKey(runId, k));
  for (const [i, part] of parts.entries()) {
    if (present.has(part)) continue;
    const results: LineResult[] = [];
    for await (const r of readShardResults(store, shardKey(runId, shards[i]!))) results.push(r);
    await store.put(part, keyPart(results), TEXT);
  }
  await mergeSorted(store, parts, [store.openWriter(comparisonKeys(runId).keys, TEXT)], {
    tempPrefix: `${runKeys(runId).mergePrefix}keys/`, sameAs: keyOfText,
  });
}

/**
 * Imports the results of a previous report into run `runId`'s baseline (sorted runs of
 * `CHUNK` lines, then merged); resolves its key.
 */
export async function importBaseline(store: ObjectStore, runId: string, results: AsyncIterable<ReportLine>): Promise<string> {
  const k = comparisonKeys(runId);
  const parts: string[] = [];
  let chunk: ReportLine[] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const key = `${k.baselinePrefix}${String(parts.length).padStart(6, '0')}.txt`;
    await store.put(key, keyEntryTexts(chunk).map((t) => `${t}\n`).join(''), TEXT);
    parts.push(key);
    chunk = [];
  };
  for await (const r of results) {
    chunk.push(r);
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  await mergeSorted(store, parts, [store.openWriter(k.baseline, TEXT)], { tempPrefix: `${runKeys(runId).mergePrefix}baseline/`, sameAs: keyOfText });
  return k.baseline;
}

async function* entries(store: ObjectStore, key: string): AsyncGenerator<KeyEntry> {
  for await (const line of objectLines(store, key)) if (line !== '') yield parseKeyEntryText(line);
}

/** Joins run `runId`'s key file with `baseline`; writes the change lists and resolves the view. */
export async function compareRun(store: ObjectStore, runId: string, baseline: Baseline | null): Promise<ChangesView> {
  const k = comparisonKeys(runId);
  const writers = Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, bufferedWriter(store.openWriter(k.changes[kind], { contentType: 'application/x-ndjson' }))])) as
    Record<ChangeKind, ReturnType<typeof bufferedWriter>>;
  const first: Record<ChangeKind, ChangeEntry[]> = { newlyFailing: [], recovered: [] };
  try {
    const counts = await joinRuns(entries(store, k.keys), baseline ? entries(store, baseline.keysKey) : null, baseline?.run ?? null, async (kind, e) => {
      if (first[kind].length < FIRST_CHANGES) first[kind].push(e);
      await writers[kind].write(`${JSON.stringify(e)}\n`);
    });
    for (const kind of CHANGE_KINDS) await writers[kind].close();
    return { counts, first };
  } catch (err) {
    await Promise.all(CHANGE_KINDS.map((kind) => writers[kind].abort()));
    throw err;
  }
}

/** The change entries of `kind` of a compared run, in key order. */
export async function* changeEntries(store: ObjectStore, runId: string, kind: ChangeKind): AsyncGenerator<ChangeEntry> {
  for await (const line of objectLines(store, comparisonKeys(runId).changes[kind])) if (line !== '') yield JSON.parse(line) as ChangeEntry;
}

/** The key entry texts of a shard's results (its key part), '' when it has none. */
export function keyPart(results: Iterable<Parameters<typeof keyEntry>[0]>): string {
  return keyEntryTexts(results).map((t) => `${t}\n`).join('');
}
