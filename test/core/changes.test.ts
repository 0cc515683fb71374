import { describe, expect, it } from 'vitest';
import { joinRuns, keyEntry, keyEntryTexts, lineKey, parseKeyEntryText, regressed, type KeyEntry } from '../../lib/core/changes.js';
import { changeSummaryOf, runFailed, summaryLine, emptySummary } from '../../lib/core/report.js';
import type { LineResult, Status } from '../../lib/core/types.js';

const r = (line: number, pair: string | null, status: Status, input = `in ${pair ?? line}`): LineResult => ({
  line, input, status, code: status === 'PASS' || status === 'SKIPPED' ? null : 'DIGEST_MISMATCH', message: status.toLowerCase(),
  ...(pair ? { source: `src/${pair}:1`, destination: `dst/${pair}:1` } : {}),
});

async function* sorted(results: LineResult[]): AsyncGenerator<KeyEntry> {
  for (const t of keyEntryTexts(results)) yield parseKeyEntryText(t);
}

async function join(now: LineResult[], before: LineResult[] | null) {
  const seen: [string, number, Status | null][] = [];
  const counts = await joinRuns(sorted(now), before ? sorted(before) : null, before ? { runId: 'r0', finishedAt: 't0' } : null, (kind, e) => {
    seen.push([kind, e.line, e.previousStatus]);
  });
  return { counts, seen };
}

describe('changes between two runs', () => {
  it('matches lines by pair (reordering changes nothing), a line without a pair by its text', async () => {
    const before = [r(1, 'a', 'PASS'), r(2, 'b', 'FAILED'), r(3, null, 'INVALID', 'bad line'), r(4, 'c', 'PASS')];
    const now = [r(7, 'c', 'PASS'), r(8, null, 'INVALID', 'bad line'), r(9, 'b', 'FAILED'), r(10, 'a', 'PASS')];
    expect(await join(now, before)).toEqual({
      counts: { previous: { runId: 'r0', finishedAt: 't0' }, newlyFailing: 0, recovered: 0, stillFailing: 2, added: 0, removed: 0 },
      seen: [],
    });
  });

  it('newly failing (was PASS/SKIPPED or absent), recovered, still failing, added and removed', async () => {
    const before = [r(1, 'a', 'PASS'), r(2, 'b', 'SKIPPED'), r(3, 'c', 'ERROR'), r(4, 'd', 'FAILED'), r(5, 'gone', 'FAILED')];
    const now = [r(1, 'a', 'FAILED'), r(2, 'b', 'ERROR'), r(3, 'c', 'PASS'), r(4, 'd', 'INVALID'), r(5, 'new', 'ERROR'), r(6, 'ok', 'PASS')];
    const { counts, seen } = await join(now, before);
    expect(counts).toMatchObject({ newlyFailing: 3, recovered: 1, stillFailing: 1, added: 2, removed: 1 });
    expect(seen.sort()).toEqual([['newlyFailing', 1, 'PASS'], ['newlyFailing', 2, 'SKIPPED'], ['newlyFailing', 5, null], ['recovered', 3, 'ERROR']].sort());
    expect(regressed(counts)).toBe(true);
  });

  it('without a previous run, every line that needs attention is new', async () => {
    const { counts, seen } = await join([r(1, 'a', 'PASS'), r(2, 'b', 'FAILED'), r(3, null, 'INVALID')], null);
    expect(counts).toEqual({ previous: null, newlyFailing: 2, recovered: 0, stillFailing: 0, added: 3, removed: 0 });
    expect(seen.map((s) => s[1])).toEqual(expect.arrayContaining([2, 3]));
  });

  it('a pair on several lines counts once, as its first line', () => {
    const texts = keyEntryTexts([r(12, 'a', 'FAILED'), r(3, 'a', 'PASS'), r(100, 'a', 'ERROR')]);
    expect(texts.map((t) => parseKeyEntryText(t).line)).toEqual([3]);
    expect(lineKey({ input: ' x y ', source: undefined, destination: undefined })).toBe('line: x y');
    expect(keyEntry(r(1, 'a', 'PASS')).key).toBe('src/a:1 dst/a:1');
  });
});

describe('the summary line and the exit code with changes', () => {
  const s = { ...emptySummary(), total: 3, passed: 1, failed: 2 };
  it('adds the changes to the one summary line', () => {
    expect(summaryLine(s, 1500, { since: '2025-01-01T02:00:00.000Z', newlyFailing: 1, recovered: 2 }))
      .toBe('validated 3 lines in 1.5 s: 1 passed, 2 failed, 0 errors, 0 skipped, 0 invalid; since 2025-01-01T02:00:00.000Z: 1 newly failing, 2 recovered');
    expect(summaryLine(s, 1500, { newlyFailing: 2, recovered: 0 })).toMatch(/; no previous run: 2 newly failing, 0 recovered$/);
    expect(summaryLine(s, 1500)).not.toMatch(/newly/);
  });

  it('--fail-on new fails only on newly failing lines (all of them without a comparison)', () => {
    expect(runFailed(s, 'new', { newlyFailing: 0 })).toBe(false);
    expect(runFailed(s, 'new', { newlyFailing: 1 })).toBe(true);
    expect(runFailed(s, 'new')).toBe(true);
    expect(runFailed(s)).toBe(true);
    expect(changeSummaryOf({ previous: { finishedAt: 't' }, newlyFailing: 1, recovered: 0 })).toEqual({ since: 't', newlyFailing: 1, recovered: 0 });
    expect(changeSummaryOf({})).toBeUndefined();
  });
});
