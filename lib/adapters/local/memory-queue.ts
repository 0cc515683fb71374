/**
 * In-memory WorkQueue with the delivery semantics of an SQS standard queue, so that the local
 * mode and the tests exercise the same retry paths as Lambda:
 *
 * - a received message is invisible for `visibilityTimeoutMs`, then visible again unless acked;
 * - `receiveCount` (SQS `ApproximateReceiveCount`) grows with every receive;
 * - a message about to be received for the `maxReceiveCount + 1`-th time goes to `deadLetter`
 *   instead (SQS redrive policy); without a dead-letter queue it is redelivered forever;
 * - every receive hands out a new receipt; ack or release with an older receipt is a no-op;
 * - at most `maxBatch` (10) messages per receive; `receive(max, waitMs, signal)` long-polls and
 *   returns as soon as a message is visible, or with `[]` when `signal` aborts;
 * - bodies are copied through JSON, as SQS serialises them.
 *
 * Time comes from an injectable `Clock` (`ManualClock` in tests).
 */
import type { QueueMessage, WorkQueue } from '../../ports.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { MinHeap } from './min-heap.js';

export interface MemoryQueueOptions<T> {
  readonly visibilityTimeoutMs: number;
  /** Receives before a returning message moves to `deadLetter`. */
  readonly maxReceiveCount: number;
  readonly deadLetter?: MemoryQueue<T>;
  readonly clock?: Clock;
  /** Largest batch per receive; default 10, as SQS. */
  readonly maxBatch?: number;
}

interface Stored {
  readonly id: string;
  /** Cleared on ack so stale timed events do not keep the body alive. */
  json: string;
  receiveCount: number;
  /** Bumped on every state change; timed events carry the epoch they were made for. */
  epoch: number;
  /** Set while in flight. */
  receipt: string | null;
}

interface Timed {
  readonly at: number;
  readonly seq: number;
  readonly epoch: number;
  readonly msg: Stored;
}

export class MemoryQueue<T> implements WorkQueue<T> {
  private readonly clock: Clock;
  private readonly records = new Map<string, Stored>();
  private ready: Stored[] = [];
  private head = 0;
  private readonly timed = new MinHeap<Timed>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;
  private inflight = 0;

  constructor(private readonly options: MemoryQueueOptions<T>) {
    this.clock = options.clock ?? systemClock;
  }

  async send(bodies: readonly T[]): Promise<void> {
    for (const body of bodies) {
      this.enqueue({ id: `msg-${++this.seq}`, json: JSON.stringify(body), receiveCount: 0, epoch: 0, receipt: null });
    }
  }

  /** Takes a message from another queue as it is (dead-letter move). */
  private enqueue(msg: Stored): void {
    this.records.set(msg.id, msg);
    this.ready.push(msg);
    this.notify();
  }

  async receive(max: number, waitMs = 0, signal?: AbortSignal): Promise<QueueMessage<T>[]> {
    const deadline = this.clock.now() + Math.max(0, waitMs);
    for (;;) {
      if (signal?.aborted) return [];
      const got = this.take(max);
      if (got.length > 0 || this.clock.now() >= deadline) return got;
      await this.waitForChange(deadline, signal);
    }
  }

  async ack(message: QueueMessage<T>): Promise<void> {
    const m = this.current(message);
    if (!m) return;
    this.records.delete(m.id);
    this.inflight--;
    m.epoch++;
    m.json = '';
    // No waiter is woken: an ack makes no message visible.
  }

  async release(message: QueueMessage<T>, delayMs = 0): Promise<void> {
    const m = this.current(message);
    if (!m) return;
    this.inflight--;
    m.receipt = null;
    m.epoch++;
    if (delayMs <= 0) this.ready.push(m);
    else this.timed.push({ at: this.clock.now() + delayMs, seq: ++this.seq, epoch: m.epoch, msg: m });
    this.notify();
  }

  /** Live messages: visible, delayed and in flight. */
  size(): number {
    return this.records.size;
  }

  /** Messages received and neither acked nor returned yet. */
  inFlight(): number {
    this.promote();
    return this.inflight;
  }

  /** Bodies of every live message, oldest first (tests, dead-letter inspection). */
  bodies(): T[] {
    return [...this.records.values()].map((m) => JSON.parse(m.json) as T);
  }

  private current(message: QueueMessage<T>): Stored | undefined {
    const m = this.records.get(message.id);
    return m && m.receipt !== null && m.receipt === message.receipt ? m : undefined;
  }

  /** Timed events that fell due: visibility timeouts and delayed releases. */
  private promote(): void {
    const now = this.clock.now();
    for (let top = this.timed.peek(); top && top.at <= now; top = this.timed.peek()) {
      this.timed.pop();
      const m = top.msg;
      if (this.records.get(m.id) !== m || m.epoch !== top.epoch) continue;
      if (m.receipt !== null) this.inflight--;
      m.receipt = null;
      m.epoch++;
      this.ready.push(m);
    }
  }

  private take(max: number): QueueMessage<T>[] {
    this.promote();
    const limit = Math.min(Math.max(0, Math.floor(max)), this.options.maxBatch ?? 10);
    const out: QueueMessage<T>[] = [];
    const now = this.clock.now();
    let moved = false;
    while (out.length < limit && this.head < this.ready.length) {
      const m = this.ready[this.head++]!;
      if (this.records.get(m.id) !== m || m.receipt !== null) continue;
      const dlq = this.options.deadLetter;
      if (dlq && m.receiveCount >= this.options.maxReceiveCount) {
        this.records.delete(m.id);
        m.epoch++;
        dlq.enqueue({ ...m, epoch: 0, receipt: null });
        moved = true;
        continue;
      }
      m.receiveCount++;
      m.epoch++;
      m.receipt = `${m.id}/${m.receiveCount}/${++this.seq}`;
      this.inflight++;
      this.timed.push({ at: now + this.options.visibilityTimeoutMs, seq: ++this.seq, epoch: m.epoch, msg: m });
      out.push({ id: m.id, receipt: m.receipt, receiveCount: m.receiveCount, body: JSON.parse(m.json) as T });
    }
    this.compact();
    if (moved) this.notify();
    return out;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Waits for any change, the next timed event, `deadline` or the abort of `signal`, whichever comes first. */
  private waitForChange(deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const wake = (): void => {
        this.waiters.delete(wake);
        if (timer !== undefined) this.clock.clearTimer(timer);
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
      const next = Math.min(deadline, this.timed.peek()?.at ?? Infinity);
      if (Number.isFinite(next)) timer = this.clock.setTimer(wake, next - this.clock.now());
    });
  }
}

/**
 * A work queue and its dead-letter queue as the local mode runs them: a message received
 * `maxReceiveCount` times that comes back once more moves to `deadLetters`. The visibility
 * timeout defaults to 15 min: locally a message only times out if its worker is stuck.
 */
export function memoryWorkQueues<T>(o: { readonly maxReceiveCount: number; readonly visibilityTimeoutMs?: number; readonly clock?: Clock }): {
  queue: MemoryQueue<T>;
  deadLetters: MemoryQueue<T>;
} {
  const visibilityTimeoutMs = o.visibilityTimeoutMs ?? 15 * 60_000;
  const deadLetters = new MemoryQueue<T>({ visibilityTimeoutMs, maxReceiveCount: Infinity, clock: o.clock });
  return { queue: new MemoryQueue<T>({ visibilityTimeoutMs, maxReceiveCount: o.maxReceiveCount, clock: o.clock, deadLetter: deadLetters }), deadLetters };
}
