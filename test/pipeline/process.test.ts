import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../lib/adapters/local/memory-store.js';
import { processMessages, recordDeadLetters } from '../../lib/pipeline/process.js';
import { resultKey } from '../../lib/pipeline/run-layout.js';
import { MirrorValidateError } from '../../lib/core/errors.js';
import type { LineResult } from '../../lib/core/types.js';
import type { WorkItem } from '../../lib/core/settings.js';
import { flush } from '../../lib/adapters/local/clock.js';
import { message, readObj, verdict, workItem } from './helpers.js';

const item = (line: number): WorkItem => workItem('r1', line);

describe('processMessages', () => {
  it('records one result per message and reports no failure', async () => {
    const store = new MemoryStore();
    const recorded: LineResult[] = [];
    const out = await processMessages([message(item(1)), message(item(2))], {
      validate: async (i) => verdict(i, i.line === 1 ? 'PASS' : 'FAILED'), store, maxReceiveCount: 3, onResult: (r) => recorded.push(r),
    });
    expect(out.failedIds).toEqual([]);
    expect(await readObj<LineResult>(store, resultKey('r1', 1))).toMatchObject({ status: 'PASS' });
    expect(await readObj<LineResult>(store, resultKey('r1', 2))).toMatchObject({ status: 'FAILED', code: 'DIGEST_MISMATCH' });
    expect(recorded.map((r) => r.line).sort()).toEqual([1, 2]);
  });

  it('reports a crashing line for redelivery, then records it when the retry succeeds', async () => {
    const store = new MemoryStore();
    let calls = 0;
    const validate = async (i: WorkItem): Promise<LineResult> => {
      if (++calls === 1) throw new Error('worker crashed');
      return verdict(i, 'PASS');
    };
    const first = await processMessages([message(item(4))], { validate, store, maxReceiveCount: 3 });
    expect(first.failedIds).toEqual(['m-4']);
    expect(await store.head(resultKey('r1', 4))).toBeNull();
    const second = await processMessages([message(item(4), 2)], { validate, store, maxReceiveCount: 3 });
    expect(second.failedIds).toEqual([]);
    expect(await readObj<LineResult>(store, resultKey('r1', 4))).toMatchObject({ status: 'PASS' });
  });

  it.each([
    ['a coded registry error keeps its code', new MirrorValidateError('TIMEOUT', 'registry timed out'), 'TIMEOUT', 'gave up after 3 attempts: registry timed out'],
    ['an uncoded crash becomes NO_RESULT', new TypeError('x is undefined'), 'NO_RESULT', 'gave up after 3 attempts: x is undefined'],
    ['a coded error of another family becomes NO_RESULT', new MirrorValidateError('NOT_TEXT', 'odd'), 'NO_RESULT', 'gave up after 3 attempts: odd'],
  ])('records a poison message as ERROR at maxReceiveCount: %s', async (_name, error, code, text) => {
    const store = new MemoryStore();
    const out = await processMessages([message(item(9), 3)], { validate: () => Promise.reject(error), store, maxReceiveCount: 3 });
    expect(out.failedIds).toEqual([]);
    expect(await readObj<LineResult>(store, resultKey('r1', 9))).toEqual({
      line: 9, input: 'app9:1.0', status: 'ERROR', code, message: text,
      source: 'docker.io/library/app9:1.0', destination: 'reg.example.com/library/app9:1.0',
    });
  });

  it('changes nothing on a duplicate delivery: the stored result stays and validate is not called', async () => {
    const store = new MemoryStore();
    await processMessages([message(item(2))], { validate: async (i) => verdict(i, 'FAILED'), store, maxReceiveCount: 3 });
    const validate = vi.fn(async (i: WorkItem) => verdict(i, 'PASS'));
    const out = await processMessages([message(item(2), 2)], { validate, store, maxReceiveCount: 3 });
    expect(out.failedIds).toEqual([]);
    expect(validate).not.toHaveBeenCalled();
    expect(await readObj<LineResult>(store, resultKey('r1', 2))).toMatchObject({ status: 'FAILED' });
  });

  it('keeps the first result when two deliveries of a line race', async () => {
    const store = new MemoryStore();
    const both = [message(item(3)), { ...message(item(3), 2), id: 'm-3b' }];
    let n = 0;
    const validate = async (i: WorkItem): Promise<LineResult> => verdict(i, ++n === 1 ? 'PASS' : 'FAILED');
    const out = await processMessages(both, { validate, store, maxReceiveCount: 3, concurrency: 2 });
    expect(out.failedIds).toEqual([]);
    expect(await readObj<LineResult>(store, resultKey('r1', 3))).toMatchObject({ status: 'PASS' });
  });

  it('validates at most `concurrency` lines at once', async () => {
    let active = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const validate = async (i: WorkItem): Promise<LineResult> => {
      peak = Math.max(peak, ++active);
      await new Promise<void>((r) => gates.push(r));
      active--;
      return verdict(i, 'PASS');
    };
    const running = processMessages([1, 2, 3, 4, 5].map((l) => message(item(l))), { validate, store: new MemoryStore(), maxReceiveCount: 3, concurrency: 2 });
    while ((await flush(), gates.length) > 0 || active > 0) gates.shift()?.();
    expect((await running).failedIds).toEqual([]);
    expect(peak).toBe(2);
  });

  it('reports the message as failed when the result cannot be stored', async () => {
    const store = new MemoryStore();
    store.put = () => Promise.reject(new Error('bucket unavailable'));
    const out = await processMessages([message(item(1), 3)], { validate: async (i) => verdict(i, 'PASS'), store, maxReceiveCount: 3 });
    expect(out.failedIds).toEqual(['m-1']);
  });
});

describe('recordDeadLetters', () => {
  it('records dead-lettered lines as ERROR and keeps existing results', async () => {
    const store = new MemoryStore();
    await processMessages([message(item(1))], { validate: async (i) => verdict(i, 'PASS'), store, maxReceiveCount: 3 });
    expect(await recordDeadLetters([item(1), item(2)], store, 3)).toBe(1);
    expect(await readObj<LineResult>(store, resultKey('r1', 1))).toMatchObject({ status: 'PASS' });
    expect(await readObj<LineResult>(store, resultKey('r1', 2))).toMatchObject({
      status: 'ERROR', code: 'NO_RESULT', message: 'gave up after 3 attempts: the message landed in the dead-letter queue',
    });
  });
});
