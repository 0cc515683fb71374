/**
 * The delivery semantics every WorkQueue adapter must have (in-memory, SQS). The fixture says
 * how time passes: a manual clock for the memory queue, real sleeping for SQS. Tests never
 * assert on durations, only on what is delivered after time has passed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueMessage, WorkQueue } from '../../lib/ports.js';

export interface TestBody {
  readonly n: number;
  readonly text: string;
}

export interface WorkQueueFixture {
  readonly queue: WorkQueue<TestBody>;
  /** Where messages go after `maxReceiveCount` receives. */
  readonly deadLetter: WorkQueue<TestBody>;
  readonly visibilityTimeoutMs: number;
  /** At least 2. */
  readonly maxReceiveCount: number;
  /** Lets `ms` of queue time pass. */
  advance(ms: number): Promise<void>;
  /** Resolves once a receive the test started (and did not await) is waiting inside the queue. */
  polling(): Promise<void>;
  teardown?(): Promise<void>;
}

export type WorkQueueFactory = () => WorkQueueFixture | Promise<WorkQueueFixture>;

const body = (n: number): TestBody => ({ n, text: `image-${n} ü` });

/** Receives until `count` messages arrived or the queue stays empty for `rounds` long polls. */
async function drain(q: WorkQueue<TestBody>, count: number, rounds = 5): Promise<QueueMessage<TestBody>[]> {
  const out: QueueMessage<TestBody>[] = [];
  for (let empty = 0; out.length < count && empty < rounds;) {
    const got = await q.receive(10, 100);
    if (got.length === 0) empty++;
    out.push(...got);
  }
  return out;
}

export function workQueueContract(name: string, factory: WorkQueueFactory): void {
  describe(`WorkQueue contract: ${name}`, () => {
    let fx: WorkQueueFixture;
    let q: WorkQueue<TestBody>;
    beforeEach(async () => {
      fx = await factory();
      q = fx.queue;
    });
    afterEach(async () => {
      await fx.teardown?.();
    });

    it('delivers each sent body once, with receiveCount 1, and ack deletes it', async () => {
      await q.send([body(1), body(2), body(3)]);
      const got = await drain(q, 3);
      expect(got.map((m) => m.body.n).sort()).toEqual([1, 2, 3]);
      expect(got.map((m) => m.body.text)).toContain('image-2 ü');
      expect(got.every((m) => m.receiveCount === 1)).toBe(true);
      expect(new Set(got.map((m) => m.id)).size).toBe(3);
      for (const m of got) await q.ack(m);
      await fx.advance(fx.visibilityTimeoutMs);
      expect(await q.receive(10, 0)).toEqual([]);
    });

    it('hides a received message until the visibility timeout, then redelivers it with receiveCount 2', async () => {
      await q.send([body(7)]);
      const [first] = await drain(q, 1);
      expect(await q.receive(10, 0)).toEqual([]);
      await fx.advance(fx.visibilityTimeoutMs);
      const [again] = await drain(q, 1);
      expect(again).toMatchObject({ id: first!.id, receiveCount: 2, body: body(7) });
      expect(again!.receipt).not.toBe(first!.receipt);
      await q.ack(again!);
    });

    it('accepts an ack with a stale receipt without error; the current receipt still acks', async () => {
      await q.send([body(8)]);
      const [first] = await drain(q, 1);
      await fx.advance(fx.visibilityTimeoutMs);
      const [again] = await drain(q, 1);
      await expect(q.ack(first!)).resolves.toBeUndefined();
      await q.ack(again!);
      await fx.advance(fx.visibilityTimeoutMs);
      expect(await q.receive(10, 0)).toEqual([]);
    });

    it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
      await q.send([body(9)]);
      for (let i = 1; i <= fx.maxReceiveCount; i++) {
        const [m] = await drain(q, 1);
        expect(m!.receiveCount).toBe(i);
        await fx.advance(fx.visibilityTimeoutMs);
      }
      expect(await q.receive(10, 0)).toEqual([]);
      const dead = await drain(fx.deadLetter, 1);
      expect(dead.map((m) => m.body)).toEqual([body(9)]);
    });

    it('sends more than one batch and never returns more than max (or 10) per receive', async () => {
      await q.send(Array.from({ length: 25 }, (_, i) => body(i)));
      const small = await q.receive(3, 100);
      expect(small.length).toBeLessThanOrEqual(3);
      const big = await q.receive(25, 100);
      expect(big.length).toBeLessThanOrEqual(10);
      const rest = await drain(q, 25 - small.length - big.length);
      const all = [...small, ...big, ...rest].map((m) => m.body.n).sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 25 }, (_, i) => i));
    });

    it('release makes a message visible again at once, or after the given delay', async () => {
      await q.send([body(1), body(2)]);
      const got = await drain(q, 2);
      const one = got.find((m) => m.body.n === 1)!;
      const two = got.find((m) => m.body.n === 2)!;
      await q.release(one);
      await q.release(two, fx.visibilityTimeoutMs);
      const now = await drain(q, 1, 1);
      expect(now.map((m) => [m.body.n, m.receiveCount])).toEqual([[1, 2]]);
      await q.ack(now[0]!);
      await fx.advance(fx.visibilityTimeoutMs);
      const later = await drain(q, 1);
      expect(later.map((m) => [m.body.n, m.receiveCount])).toEqual([[2, 2]]);
    });

    it('long polling returns as soon as a message is sent, and [] when the wait ends', async () => {
      const waiting = q.receive(1, 10_000);
      await q.send([body(5)]);
      expect((await waiting).map((m) => m.body)).toEqual([body(5)]);
      const empty = q.receive(1, 1000);
      await fx.polling();
      await fx.advance(1000);
      expect(await empty).toEqual([]);
    });

    it('a long poll ends with [] when its signal aborts; an aborted signal receives nothing', async () => {
      const stop = new AbortController();
      const waiting = q.receive(1, 60_000, stop.signal);
      await fx.polling();
      stop.abort();
      expect(await waiting).toEqual([]);
      await q.send([body(6)]);
      expect(await q.receive(10, 0, AbortSignal.abort())).toEqual([]);
      const [m] = await drain(q, 1);
      expect(m).toMatchObject({ body: body(6), receiveCount: 1 });
      await q.ack(m!);
    });
  });
}
