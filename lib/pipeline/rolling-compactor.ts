/**
 * Compaction while a local run goes. The run knows, in process, which lines the split counted and
 * which results it recorded, so a shard is compacted the moment the split has moved past it and
 * all its counted lines have a result, without listing a single line object: at the end nothing
 * is left to compact, and closing the run reads only shard objects. With `dropLines` (a store
 * only this run uses, e.g. the CLI's memory store) the compacted shard's line objects are deleted
 * too, so memory holds shards (a few hundred bytes a line), not an object per line; a duplicate
 * delivery of such a line only re-creates a stray line object that nothing reads.
 *
 * Memory: the lines and counts of the shards not compacted yet (those in progress).
 */
import type { ParsedLine } from '../core/list.js';
import type { ObjectStore } from '../ports.js';
import { compactShard } from './compact.js';
import { resultKey, shardOfLine } from './run-layout.js';

/** Shards waiting for compaction before the split is held back. */
const MAX_QUEUED = 4;

interface Pending {
  readonly lines: number[];
  recorded: number;
  sealed: boolean;
}

export class RollingCompactor {
  private readonly pending = new Map<number, Pending>();
  private current = -1;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private failure: { error: unknown } | undefined;

  /** `keys`: also write each shard's key part (the run is compared with a previous report). */
  constructor(private readonly store: ObjectStore, private readonly runId: string, private readonly dropLines = false, private readonly keys = false) {}

  /** `lines` as they go to the split, noting which lines each shard counts. */
  async *observe(lines: AsyncIterable<ParsedLine>): AsyncGenerator<ParsedLine> {
    for await (const p of lines) {
      const k = shardOfLine(p.line);
      if (k > this.current) this.sealBelow(k);
      this.current = Math.max(this.current, k);
      this.shard(k).lines.push(p.line);
      // Back-pressure: the split waits while compaction is more than a few shards behind.
      if (this.queued > MAX_QUEUED) await this.chain;
      yield p;
    }
    this.sealBelow(Infinity);
  }

  /** A result of line `line` was recorded (once per line). */
  recorded(line: number): void {
    const k = shardOfLine(line);
    this.shard(k).recorded++;
    this.compactIfDone(k);
  }

  /** Waits for the compactions scheduled so far; rethrows the first failure. */
  async finish(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure.error;
  }

  private shard(k: number): Pending {
    let p = this.pending.get(k);
    if (!p) this.pending.set(k, (p = { lines: [], recorded: 0, sealed: false }));
    return p;
  }

  private sealBelow(k: number): void {
    for (const [n, p] of this.pending) {
      if (n < k && !p.sealed) {
        p.sealed = true;
        this.compactIfDone(n);
      }
    }
  }

  private compactIfDone(k: number): void {
    const p = this.pending.get(k);
    if (!p?.sealed || p.recorded < p.lines.length) return;
    this.pending.delete(k);
    this.queued++;
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      await compactShard(this.store, this.runId, k, p.lines, undefined, this.keys);
      if (this.dropLines) for (const line of p.lines) await this.store.delete(resultKey(this.runId, line));
    }).catch((error: unknown) => {
      this.failure ??= { error };
    }).finally(() => {
      this.queued--;
    });
  }
}
