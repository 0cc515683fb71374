/**
 * The run record (`runs/<runId>/run.json`), its compact line ranges, and JSON helpers for
 * pipeline objects.
 */
import type { LineResult } from '../core/types.js';
import type { RunSettings } from '../core/settings.js';
import type { ObjectStore } from '../ports.js';
import { PipelineError } from './errors.js';

/** Where the list came from. */
export interface ListRef {
  /** Display name, e.g. the file name or the S3 key's last segment. */
  readonly name: string;
  /** The bucket key of the list, when it is in the bucket. */
  readonly key?: string;
}

/** Inclusive `[first, last]` ranges of counted (non-blank, non-comment) line numbers, ascending. */
export type LineRanges = readonly (readonly [number, number])[];

export interface RunRecord {
  readonly version: 1;
  readonly runId: string;
  readonly list: ListRef;
  readonly settings: RunSettings;
  /** ISO time the first split of the run started. */
  readonly startedAt: string;
  /** ISO time the split that wrote this record started (a stale `counting` split may be taken over). */
  readonly splitStartedAt: string;
  /** ISO time after which a sweeper may close the run (missing lines become ERROR NO_RESULT). */
  readonly deadline: string;
  /** Image + invalid lines; `'counting'` until the split has read the whole list. */
  readonly totalLines: number | 'counting';
  readonly images?: number;
  readonly invalid?: number;
  /** Present once `totalLines` is a number. */
  readonly lines?: LineRanges;
}

/** Accumulates ascending line numbers into ranges. */
export class RangeBuilder {
  private readonly out: [number, number][] = [];
  count = 0;

  add(line: number): void {
    const last = this.out[this.out.length - 1];
    if (last && line === last[1] + 1) last[1] = line;
    else if (last && line <= last[1]) throw new RangeError(`line numbers must ascend: ${line} after ${last[1]}`);
    else this.out.push([line, line]);
    this.count++;
  }

  ranges(): LineRanges {
    return this.out.map(([a, b]) => [a, b] as const);
  }
}

/** Every line number of `ranges`, ascending. */
export function* expandRanges(ranges: LineRanges): Generator<number> {
  for (const [a, b] of ranges) for (let n = a; n <= b; n++) yield n;
}

export function encodeJson(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** Parsed JSON object at `key`, or null when absent. Throws `CORRUPT_OBJECT` on bad JSON. */
export async function readJson<T>(store: ObjectStore, key: string): Promise<T | null> {
  const bytes = await store.get(key);
  if (!bytes) return null;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch (err) {
    throw new PipelineError('CORRUPT_OBJECT', `${key} is not valid JSON`, { cause: err });
  }
}

export const JSON_PUT = { contentType: 'application/json' } as const;

/** Creates the result of a line unless one exists; true when this call wrote it. */
export function putResultOnce(store: ObjectStore, key: string, result: LineResult): Promise<boolean> {
  return store.put(key, encodeJson(result), { ...JSON_PUT, ifNoneMatch: true });
}
