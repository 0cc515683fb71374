/**
 * Time source for the in-memory queue. `systemClock` in production; `ManualClock` in tests,
 * where time only moves when the test says so (no sleeps, no timing assertions).
 */

/** Opaque timer handle. */
export type TimerHandle = { readonly id: number } | NodeJS.Timeout;

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/**
 * Wall-clock time and real timers. Timers are not unref'd: a worker waiting for a delayed
 * message must keep the process alive. Every wait clears its timer when it ends.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface ManualTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A clock that moves only in `advance`. Due timers fire in time order, and pending promise
 * callbacks are flushed after each, so code scheduled by a timer can schedule the next one.
 *
 * @example
 * const clock = new ManualClock();
 * const p = queue.receive(1, 5000);
 * await clock.advance(5000); // p resolves with []
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { id: ++this.seq, at: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    const id = (handle as { id: number }).id;
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await flush();
    for (;;) {
      const next = this.timers.reduce<ManualTimer | undefined>((a, t) => (!a || t.at < a.at || (t.at === a.at && t.id < a.id) ? t : a), undefined);
      if (!next || next.at > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = Math.max(this.time, next.at);
      next.fn();
      await flush();
    }
    this.time = target;
    await flush();
  }
}

/** Lets pending promise callbacks (and I/O callbacks) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
