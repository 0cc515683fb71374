/**
 * The comparison's sort and join agree on key order whatever the keys hold: the current run's
 * key file merged from 40 shard parts (more than one merge level), the previous run imported
 * from its results (40 sorted chunks), joined in one pass, against a plain map of both runs.
 * Pairs hold quotes, backslashes, non-ASCII and astral characters, and keys that are prefixes of
 * others, which sort differently as text, as JSON, and as JSON followed by a tab.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { lineKey } from '../../lib/core/changes.js';
import { isAttention, type ReportLine } from '../../lib/core/report.js';
import type { LineResult, Status } from '../../lib/core/types.js';
import { compareRun, importBaseline, keyPart, writeRunKeys } from '../../lib/pipeline/compare-runs.js';
import { shardKeysKey } from '../../lib/pipeline/run-layout.js';

const PIECES = ['a', 'a ', 'a"', 'a\\', 'a\\"', '"', '\\', ' ', '!', '#', 'é', 'e\u0301', '\u{1F600}', '\uFFFF', '\u2028', '\t', 'z', ':', '/'];
const STATUSES: Status[] = ['PASS', 'FAILED', 'ERROR', 'SKIPPED', 'INVALID'];

/** A small seeded generator (mulberry32), so the runs are the same every time. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function run(rnd: (n: number) => number, lines: number, pairs: readonly [string, string][]): LineResult[] {
  return Array.from({ length: lines }, (_, i) => {
    const [source, destination] = pairs[rnd(pairs.length)]!;
    const status = STATUSES[rnd(STATUSES.length)]!;
    return status === 'INVALID'
      ? { line: i + 1, input: ` ${source}${destination} `, status, code: 'INVALID_FORMAT', message: 'x' }
      : { line: i + 1, input: `${source} ${destination}`, status, code: null, message: 'm', source, destination };
  });
}

/** What the join must find, from a map of each run's first line per key. */
function expected(now: readonly LineResult[], before: readonly LineResult[]) {
  const first = (rs: readonly LineResult[]) => {
    const m = new Map<string, LineResult>();
    for (const r of rs) if (!m.has(lineKey(r))) m.set(lineKey(r), r);
    return m;
  };
  const [n, b] = [first(now), first(before)];
  const c = { newlyFailing: [] as number[], recovered: [] as number[], stillFailing: 0, added: 0, removed: 0 };
  for (const [k, r] of n) {
    const p = b.get(k);
    if (!p) c.added++;
    if (isAttention(r.status) && p && isAttention(p.status)) c.stillFailing++;
    else if (isAttention(r.status)) c.newlyFailing.push(r.line);
    else if (p && isAttention(p.status)) c.recovered.push(r.line);
  }
  for (const k of b.keys()) if (!n.has(k)) c.removed++;
  return c;
}

describe('compareRun', () => {
  it('joins runs of awkward keys merged over several levels exactly as a map of both would', async () => {
    const rnd = random(13);
    const word = () => Array.from({ length: 1 + rnd(3) }, () => PIECES[rnd(PIECES.length)]).join('');
    const pairs = Array.from({ length: 1500 }, () => [word(), word()] as [string, string]);
    const now = run(rnd, 4000, pairs);
    const before = run(rnd, 4000, pairs);
    const store = new MemoryStore();
    const shards = Array.from({ length: 40 }, (_, k) => k);
    for (const k of shards) await store.put(shardKeysKey('r2', k), keyPart(now.slice(k * 100, (k + 1) * 100)));
    await writeRunKeys(store, 'r2', shards);
    async function* reported(): AsyncGenerator<ReportLine> {
      for (const r of before) yield { ...r, code: r.code ?? null };
    }
    const keysKey = await importBaseline(store, 'r2', reported());
    const view = await compareRun(store, 'r2', { run: { runId: 'r1', finishedAt: 't' }, keysKey });
    const want = expected(now, before);
    for (const kind of ['newlyFailing', 'recovered'] as const) {
      expect(want[kind].length).toBeGreaterThan(100);
      expect(want[kind].length).toBeLessThan(1000); // the view's first entries are then every one
      expect(view.first[kind].map((e) => e.line).sort((a, b) => a - b)).toEqual(want[kind].sort((a, b) => a - b));
    }
    expect(view.counts).toMatchObject({
      newlyFailing: want.newlyFailing.length, recovered: want.recovered.length, stillFailing: want.stillFailing, added: want.added, removed: want.removed,
    });
  });
});
