/**
 * The previous run a serverless run is compared with, when that run's outputs under `runs/` are
 * gone (the bucket's `runs/` lifecycle expiry deletes a run's objects one by one, in no order,
 * while `results/<list>/` keeps its copy): the run still closes.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { finalizeRun } from '../../lib/pipeline/aggregate.js';
import { resultKey, runKeys } from '../../lib/pipeline/run-layout.js';
import { splitList } from '../../lib/pipeline/split.js';
import { POINTER_NAME, resultsPrefix } from '../../lib/serverless/latest.js';
import { listComparison } from '../../lib/serverless/previous-run.js';
import { imageLine, RecordingQueue, settings, stream, verdict, workItem } from '../pipeline/helpers.js';

const PREV = '20250101T000000Z-list.txt-aaaa';
const RUN = '20250102T000000Z-list.txt-bbbb';
const STARTED = '2025-01-02T00:00:00.000Z';

/** Run RUN of list.txt, every line recorded (line 2 FAILED), and PREV published for the list with only its summary left. */
async function setUp(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.put(`${resultsPrefix('list.txt')}${POINTER_NAME}`, JSON.stringify({ runId: PREV, startedAt: '2025-01-01T00:00:00.000Z' }));
  await store.put(runKeys(PREV).summary, JSON.stringify({ runId: PREV, finishedAt: '2025-01-01T00:10:00.000Z' }));
  await splitList({ runId: RUN, list: { name: 'list.txt' }, lines: stream([imageLine(1), imageLine(2)]), queue: new RecordingQueue(), store, settings, now: () => new Date(STARTED) });
  for (const line of [1, 2]) await store.put(resultKey(RUN, line), JSON.stringify(verdict(workItem(RUN, line), line === 2 ? 'FAILED' : 'PASS')));
  return store;
}

const compare = (store: MemoryStore) => listComparison(store, 'list.txt', { runId: RUN, startedAt: STARTED });

describe('a previous run whose lines are gone', () => {
  it('is not chosen: the run has no previous run to compare with', async () => {
    const store = await setUp();
    const out = await finalizeRun(RUN, store, { compare: compare(store) });
    expect(out!.summary).toMatchObject({ previous: null, newlyFailing: 1, failed: 1 });
  });

  it('once chosen (its lines expired after the claim), the run still closes, every line compared as added', async () => {
    const store = await setUp();
    await store.put(runKeys(RUN).claim, JSON.stringify({ finishedAt: '2025-01-02T00:10:00.000Z', previous: { runId: PREV, finishedAt: '2025-01-01T00:10:00.000Z' } }));
    const out = await finalizeRun(RUN, store, { compare: compare(store) });
    expect(out!.summary).toMatchObject({ previous: { runId: PREV }, newlyFailing: 1, recovered: 0, failed: 1 });
  });
});
