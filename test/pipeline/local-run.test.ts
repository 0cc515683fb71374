import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { FsObjectStore } from '../../lib/adapters/local/fs-store.js';
import { runLocally } from '../../lib/pipeline/local-run.js';
import { runKeys } from '../../lib/pipeline/run-layout.js';
import type { LineResult, Status } from '../../lib/core/types.js';
import type { WorkItem } from '../../lib/core/settings.js';
import { imageLine, invalidLine, lines, localQueues, readText, reportResults, settings, stream, verdict } from './helpers.js';

const STATUS: readonly Status[] = ['PASS', 'FAILED', 'SKIPPED', 'ERROR'];

describe('runLocally', () => {
  it('accounts every line exactly once through crashes, retries and a poison line', async () => {
    // Prepare: 60 lines (every 7th invalid, 13 and 29 comments), each image crashes once, line 43 always.
    const parsed = Array.from({ length: 60 }, (_, i) => i + 1)
      .filter((n) => n !== 13 && n !== 29)
      .map((n) => (n % 7 === 0 ? invalidLine(n) : imageLine(n)));
    const calls = new Map<number, number>();
    const validate = async (item: WorkItem): Promise<LineResult> => {
      const n = (calls.get(item.line) ?? 0) + 1;
      calls.set(item.line, n);
      if (n === 1 || item.line === 43) throw new Error(`boom ${item.line}`);
      return verdict(item, STATUS[item.line % 4]!);
    };
    const seen: number[] = [];
    let total: number | undefined;
    // Act
    const store = new MemoryStore();
    const out = await runLocally({
      runId: 'r1', lines: stream(parsed), settings, validate, store, ...localQueues(), jobs: 4, retryDelayMs: 0,
      onResult: (r) => seen.push(r.line), onTotal: (t) => (total = t),
    });
    const results = await reportResults(store, 'r1');
    // Assess
    const expected = parsed.map((p) => p.line);
    expect(results.map((r) => r.line)).toEqual(expected);
    expect([...seen].sort((a, b) => a - b)).toEqual(expected);
    expect(total).toBe(58);
    expect(calls.get(43)).toBe(3);
    expect(results.find((r) => r.line === 43)).toMatchObject({ status: 'ERROR', code: 'NO_RESULT', message: 'gave up after 3 attempts: boom 43' });
    for (const r of results.filter((x) => x.line !== 43)) {
      expect(r.status).toBe(r.line % 7 === 0 ? 'INVALID' : STATUS[r.line % 4]);
    }
    expect([...calls.entries()].filter(([l, n]) => l !== 43 && n !== 2)).toEqual([]);
    expect(out.summary).toMatchObject({ total: 58, invalid: 8, forced: false, missing: 0 });
    expect(out.summary.passed + out.summary.failed + out.summary.errors + out.summary.skipped + out.summary.invalid).toBe(58);
  });

  it('runs 20 workers without a process warning (each long poll listens to the run\'s stop signal)', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const out = await runLocally({
        runId: 'r-many', lines: stream(lines(...Array.from({ length: 60 }, (_, i) => i + 1))), settings, store: new MemoryStore(), ...localQueues(), jobs: 20,
        validate: async (item) => verdict(item, 'PASS'),
      });
      expect(out.summary.passed).toBe(60);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.name)).toEqual([]);
  });

  it('ends, with every line ERROR, when validate throws every time', async () => {
    let calls = 0;
    const store = new MemoryStore();
    await runLocally({
      runId: 'r2', lines: stream(lines(1, 2, 3, 4, 5)), settings, store, jobs: 2, retryDelayMs: 0, ...localQueues(2),
      validate: () => {
        calls++;
        return Promise.reject(new Error('always'));
      },
    });
    expect((await reportResults(store, 'r2')).map((r) => [r.line, r.status])).toEqual([1, 2, 3, 4, 5].map((l) => [l, 'ERROR']));
    expect(calls).toBe(10);
  });

  it('ends (and fails) when results can never be stored: the lines go to the dead-letter queue', async () => {
    const store = new MemoryStore();
    const put = store.put.bind(store);
    let attempts = 0;
    store.put = (key, body, o) => {
      if (!key.includes('/results/')) return put(key, body, o);
      attempts++;
      return Promise.reject(new Error('disk full'));
    };
    const out = runLocally({
      runId: 'r3', lines: stream(lines(1, 2)), settings, store, jobs: 1, retryDelayMs: 0, ...localQueues(2),
      validate: async (item) => verdict(item, 'PASS'),
    });
    await expect(out).rejects.toThrow('disk full');
    expect(attempts).toBe(5);
  });

  it('writes the run outputs to a directory store; NO_IMAGES for an empty list', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mv-local-run-'));
    try {
      const store = new FsObjectStore(dir);
      const out = await runLocally({ runId: 'r4', lines: stream(lines(1, 'x2', 3)), settings, store, ...localQueues(), jobs: 3, validate: async (i) => verdict(i, i.line === 3 ? 'FAILED' : 'PASS') });
      expect(out.summary).toMatchObject({ total: 3, passed: 1, failed: 1, invalid: 1 });
      expect(await readText(store, runKeys('r4').failed)).toBe('app3:1.0\n');
      expect(await store.head(runKeys('r4').done)).not.toBeNull();
      await expect(runLocally({ runId: 'r5', lines: stream([]), settings, store, ...localQueues(), jobs: 2, validate: async (i) => verdict(i, 'PASS') }))
        .rejects.toMatchObject({ code: 'NO_IMAGES' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([false, true])('compacts each shard once its lines are in, never listing line objects (dropLines %s)', async (dropLines) => {
    const listed: string[] = [];
    const store = new MemoryStore();
    const list = store.list.bind(store);
    store.list = (prefix, o) => {
      listed.push(prefix);
      return list(prefix, o);
    };
    const parsed = Array.from({ length: 2600 }, (_, i) => i + 1).filter((n) => n % 100 !== 0).map((n) => (n % 9 === 0 ? invalidLine(n) : imageLine(n)));
    const out = await runLocally({
      runId: 'r6', lines: stream(parsed), settings, store, ...localQueues(), jobs: 8, dropLines,
      validate: async (item) => verdict(item, STATUS[item.line % 4]!),
    });
    expect(out.summary).toMatchObject({ total: parsed.length, invalid: parsed.filter((p) => p.kind === 'invalid').length });
    expect(listed.filter((p) => p.includes('/results'))).toEqual([]);
    expect((await reportResults(store, 'r6')).map((r) => r.line)).toEqual(parsed.map((p) => p.line));
    const keys: string[] = [];
    for await (const k of list('runs/r6/')) keys.push(k);
    expect(keys.filter((k) => k.endsWith('.ndjson'))).toHaveLength(3);
    expect(keys.filter((k) => k.includes('/results/'))).toHaveLength(dropLines ? 0 : parsed.length);
  });
});
