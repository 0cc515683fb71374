import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { compactRun, shardCounts, shardLines } from '../../lib/pipeline/compact.js';
import { finalizeRun } from '../../lib/pipeline/aggregate.js';
import { resultKey, runKeys, shardKey } from '../../lib/pipeline/run-layout.js';
import type { RunRecord } from '../../lib/pipeline/run-record.js';
import { buildJsonReport, failedFileContent, type JsonReport } from '../../lib/core/report.js';
import type { LineResult } from '../../lib/core/types.js';
import type { ListOptions, ObjectStore } from '../../lib/ports.js';
import { readObj, readText, settings } from './helpers.js';

const RUN = 'big';
const K = runKeys(RUN);

/** A MemoryStore that counts the keys its listings yield and the objects read, by kind. */
class CountingStore extends MemoryStore {
  listed = { results: 0, shards: 0 };
  reads = { results: 0, shards: 0 };

  override async *list(prefix: string, options?: ListOptions): AsyncIterable<string> {
    for await (const k of super.list(prefix, options)) {
      if (k.includes('/results/')) this.listed.results++;
      if (k.includes('/shards/')) this.listed.shards++;
      yield k;
    }
  }

  override async get(key: string): Promise<Uint8Array | null> {
    if (key.includes('/results/')) this.reads.results++;
    if (key.includes('/shards/')) this.reads.shards++;
    return super.get(key);
  }

  reset(): void {
    this.listed = { results: 0, shards: 0 };
    this.reads = { results: 0, shards: 0 };
  }
}

/** Lines 1..n except every 50th (comments), as ranges. */
function rangesOf(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 1; a <= n; a += 50) out.push([a, Math.min(n, a + 48)]);
  return out;
}

function counted(n: number): number[] {
  return rangesOf(n).flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
}

/** Status of line `n`: every 7th FAILED (input repeated every 3 failures), every 11th ERROR, else PASS. */
function resultOf(n: number): LineResult {
  if (n % 7 === 0) return { line: n, input: `img${(n / 7) % 3}:v ${'m'}`, status: 'FAILED', code: 'DIGEST_MISMATCH', message: 'differ', requests: { manifestGet: 2 } };
  if (n % 11 === 0) return { line: n, input: `err${n}:1`, status: 'ERROR', code: 'NETWORK', message: 'reset', rateLimitRemaining: 1000 - n % 97 };
  return { line: n, input: `ok${n}:1`, status: 'PASS', code: null, message: 'ok', requests: { manifestHead: 1 } };
}

async function setUp(store: ObjectStore, n: number): Promise<RunRecord> {
  const record: RunRecord = {
    version: 1, runId: RUN, list: { name: 'big.txt' }, settings, startedAt: '2025-01-01T00:00:00.000Z', splitStartedAt: '2025-01-01T00:00:00.000Z',
    deadline: '2025-01-01T01:00:00.000Z', totalLines: counted(n).length, images: counted(n).length, invalid: 0, lines: rangesOf(n),
  };
  await store.put(K.record, JSON.stringify(record));
  return record;
}

const put = (store: ObjectStore, r: LineResult) => store.put(resultKey(RUN, r.line), `${JSON.stringify(r)}\n`, { ifNoneMatch: true });

describe('shard arithmetic', () => {
  it('counts and lists the counted lines of each shard from the ranges', () => {
    const ranges = rangesOf(2600);
    const counts = shardCounts(ranges);
    expect([...counts.keys()]).toEqual([0, 1, 2]);
    for (const k of [0, 1, 2]) {
      const mine = counted(2600).filter((l) => Math.floor(l / 1000) === k);
      expect(shardLines(ranges, k)).toEqual(mine);
      expect(counts.get(k)).toBe(mine.length);
    }
    expect(shardLines(ranges, 3)).toEqual([]);
  });
});

describe('compaction', () => {
  it('compacts only complete shards; later checks list neither their result keys nor read them again', async () => {
    const store = new CountingStore();
    const record = await setUp(store, 3500);
    const lines = counted(3500);
    // Shards 0 and 2 complete, shard 1 misses one line, shard 3 is half done.
    for (const l of lines) if (l !== 1501 && l < 3250) await put(store, resultOf(l));
    const first = await compactRun(store, record);
    expect(first).toMatchObject({ complete: false, compacted: 2, shards: [0, 1, 2, 3], stopped: false });
    expect(await store.head(shardKey(RUN, 0))).not.toBeNull();
    expect(await store.head(shardKey(RUN, 1))).toBeNull();

    store.reset();
    await put(store, resultOf(1501));
    const second = await compactRun(store, record);
    expect(second).toMatchObject({ complete: false, compacted: 1 });
    // Listed: shard 1's results (and the first key after them) and shard 3's; read: shard 1's only.
    expect(store.listed.results).toBe(lines.filter((l) => (l >= 1000 && l < 2000) || (l >= 3000 && l < 3250)).length + 1);
    expect(store.reads.results).toBe(lines.filter((l) => l >= 1000 && l < 2000).length);

    for (const l of lines) if (l >= 3250) await put(store, resultOf(l));
    store.reset();
    expect(await finalizeRun(RUN, store, { now: () => new Date('2025-01-01T00:30:00Z') })).not.toBeNull();
    expect(store.reads.results).toBe(lines.filter((l) => l >= 3000).length);
    expect(store.listed.results).toBe(lines.filter((l) => l >= 3000).length);
  });

  it('streams outputs equal to the in-memory report, with a failed file merged from many shards', async () => {
    const store = new MemoryStore();
    await setUp(store, 5200);
    const all = counted(5200).map(resultOf);
    for (const r of [...all].reverse()) await put(store, r);
    const out = await finalizeRun(RUN, store, { now: () => new Date('2025-01-01T00:30:00Z') });
    const report = await readObj<JsonReport>(store, K.report);
    const expected = buildJsonReport(all, { runId: RUN, startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:30:00.000Z', settings });
    expect(report).toEqual(expected);
    expect(out!.summary).toMatchObject({ ...expected.summary, forced: false, missing: 0 });
    expect(await readText(store, K.failed)).toBe(failedFileContent(all));
    // One result per line in the bucket's report.json.
    expect((await readText(store, K.report))!.split('\n')).toHaveLength(all.length + 3);
  });

  it('merges failed parts level by level when there are more than fanIn of them', async () => {
    const { mergeSorted } = await import('../../lib/pipeline/sorted-merge.js');
    const store = new MemoryStore();
    const parts = Array.from({ length: 9 }, (_, i) => `p/${i}.txt`);
    const lines: string[] = [];
    for (const [i, key] of parts.entries()) {
      const mine = Array.from({ length: 40 }, (_, j) => `line-${String((j * 7 + i * 3) % 50).padStart(2, '0')}`);
      lines.push(...mine);
      await store.put(key, [...new Set(mine)].sort().map((l) => `${l}\n`).join(''));
    }
    const w = store.openWriter('out.txt');
    const n = await mergeSorted(store, parts, [w], { fanIn: 2, tempPrefix: `${K.mergePrefix}failed/` });
    const expected = [...new Set(lines)].sort();
    expect(n).toBe(expected.length);
    expect(await readText(store, 'out.txt')).toBe(expected.map((l) => `${l}\n`).join(''));
    const temps: string[] = [];
    for await (const k of store.list(K.mergePrefix)) temps.push(k);
    expect(temps).toContain(`${K.mergePrefix}failed/2-0.txt`);
  });

  it('stops at its scan limit with work left, and finishes on the next checks', async () => {
    const store = new MemoryStore();
    const record = await setUp(store, 4999);
    for (const l of counted(4999)) await put(store, resultOf(l));
    const first = await compactRun(store, record, { maxScanKeys: 1500 });
    expect(first).toMatchObject({ complete: false, stopped: true });
    expect(first.compacted).toBeGreaterThan(0);
    let checks = 1;
    for (let out = first; !out.complete; checks++) out = await compactRun(store, record, { maxScanKeys: 1500 });
    expect(checks).toBeGreaterThan(2);
    expect(await store.head(shardKey(RUN, 4))).not.toBeNull();
  });

  it('forces every shard with a forward-only input cursor, in line order', async () => {
    const store = new MemoryStore();
    const record = await setUp(store, 3100);
    for (const l of counted(3100)) if (l % 400 !== 1) await put(store, resultOf(l));
    const asked: number[] = [];
    const out = await compactRun(store, record, {
      force: true,
      inputs: () => ({
        inputsOf: async (ls) => {
          asked.push(...ls);
          return new Map(ls.map((l) => [l, { input: `lost${l}:1` }]));
        },
      }),
    });
    expect(out).toMatchObject({ complete: true, compacted: 4 });
    expect(asked).toEqual(counted(3100).filter((l) => l % 400 === 1));
    expect(await readObj<LineResult>(store, resultKey(RUN, 801))).toMatchObject({ input: 'lost801:1', code: 'NO_RESULT' });
  });
});
