/**
 * At most `limit` async tasks in flight. `submit` waits for a free slot (back-pressure for
 * streaming producers); the first task error is rethrown by the next `submit` or by `drain`.
 */
export class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async submit(task: () => Promise<unknown>): Promise<void> {
    while (this.running.size >= Math.max(1, this.limit)) await Promise.race(this.running);
    this.throwIfFailed();
    const p: Promise<void> = task().then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    ).finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Waits for every task; rethrows the first failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
