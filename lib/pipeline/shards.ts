/**
 * Shards: the results of `SHARD_LINES` consecutive line numbers in one object, so that closing a
 * run reads a thousand objects for a million lines instead of a million. A shard is written once
 * all its counted lines have a result (compact.ts) and never changes: its bytes depend only on
 * those results, which are themselves created once, so every aggregator writes the same shard.
 *
 * Format (`runs/<runId>/shards/<n>.ndjson`): a first line with the {@link ShardHeader} (the
 * shard's totals, so the run's counts need no pass over the results), then every result object
 * exactly as stored, one per line, in line order. The shard's part of the failed file is a
 * separate small object (sorted, distinct inputs), so the run's failed file can be merged from
 * those parts without reading the shards.
 */
import { failedLines, totalsOf, type ReportTotals } from '../core/report.js';
import type { LineResult } from '../core/types.js';
import type { ObjectStore } from '../ports.js';
import { PipelineError } from './errors.js';
import { objectLines } from './text-lines.js';

export const NO_RESULT_MESSAGE = 'no result: the line was lost before validation finished';

export interface ShardHeader {
  readonly v: 1;
  readonly shard: number;
  /** Results in the shard. */
  readonly lines: number;
  readonly totals: ReportTotals;
  /** Distinct inputs in the shard's failed part (0: there is none). */
  readonly failed: number;
  /** Lines closed by a forced aggregation as ERROR NO_RESULT (they had no result). */
  readonly missing: number;
}

/** A stored result: its text as stored (one line) and its parsed value. */
export interface StoredResult {
  readonly text: string;
  readonly result: LineResult;
}

/** True for the ERROR NO_RESULT a forced close records for a line without result. */
export function isForcedNoResult(r: Pick<LineResult, 'status' | 'code' | 'message'>): boolean {
  return r.status === 'ERROR' && r.code === 'NO_RESULT' && r.message === NO_RESULT_MESSAGE;
}

/** Parses a stored result object; `CORRUPT_OBJECT` when it is not one. */
export function parseStored(key: string, bytes: Uint8Array): StoredResult {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').trim();
  const result = parseResult(key, text);
  // One result per shard line: a stored object with a raw newline is re-encoded (same value).
  return { text: text.includes('\n') ? JSON.stringify(result) : text, result };
}

function parseResult(key: string, text: string): LineResult {
  let result: LineResult;
  try {
    result = JSON.parse(text) as LineResult;
  } catch (err) {
    throw new PipelineError('CORRUPT_OBJECT', `${key} is not valid JSON`, { cause: err });
  }
  if (typeof result !== 'object' || result === null || typeof result.line !== 'number' || typeof result.status !== 'string') {
    throw new PipelineError('CORRUPT_OBJECT', `${key} is not a line result`);
  }
  return result;
}

/** The shard's object text and its failed part ('' when none), from its results in line order. Pure. */
export function encodeShard(shard: number, results: readonly StoredResult[]): { header: ShardHeader; body: string; failed: string } {
  const values = results.map((r) => r.result);
  const failed = failedLines(values);
  const header: ShardHeader = {
    v: 1, shard, lines: values.length, totals: totalsOf(values), failed: failed.length, missing: values.filter(isForcedNoResult).length,
  };
  const body = [JSON.stringify(header), ...results.map((r) => r.text), ''].join('\n');
  return { header, body, failed: failed.map((l) => `${l}\n`).join('') };
}

/** The header of the shard at `key` (reads its first line only). */
export async function readShardHeader(store: ObjectStore, key: string): Promise<ShardHeader> {
  for await (const line of objectLines(store, key)) return parseHeader(key, line);
  throw new PipelineError('CORRUPT_OBJECT', `${key} is empty`);
}

/** The results of the shard at `key`, in line order. */
export function readShardResults(store: ObjectStore, key: string): AsyncGenerator<LineResult> {
  return shardResults(key, objectLines(store, key));
}

/** The results in the lines of shard `key`, in line order (its header checked and skipped). */
export async function* shardResults(key: string, lines: AsyncIterable<string>): AsyncGenerator<LineResult> {
  let first = true;
  for await (const line of lines) {
    if (first) {
      parseHeader(key, line);
      first = false;
    } else if (line !== '') {
      yield parseResult(key, line);
    }
  }
}

function parseHeader(key: string, line: string): ShardHeader {
  try {
    const h = JSON.parse(line) as ShardHeader;
    if (h.v === 1 && typeof h.lines === 'number' && typeof h.totals === 'object') return h;
  } catch { /* reported below */ }
  throw new PipelineError('CORRUPT_OBJECT', `${key} has no shard header`);
}
