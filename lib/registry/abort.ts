/**
 * Cancellation of an image's registry work: waiting that stops when the image's signal aborts,
 * and single-flight work shared by several images (the `/v2/` ping, a token) that is aborted
 * only when every image waiting for it has given up.
 */

/** Resolves `p`, or rejects with the signal's reason as soon as `signal` aborts. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `ms` of `sleep`, cut short (rejecting) when `signal` aborts. */
export function pause(sleep: (ms: number) => Promise<void>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return untilAborted(sleep(ms), signal);
}

interface Flight<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiting: number;
}

/**
 * Single-flight by key: concurrent callers of one key share one run of `start`. Each caller
 * stops waiting when its own signal aborts; the shared run is aborted (its signal) once no
 * caller is left waiting. A settled run is forgotten (callers cache successes themselves).
 */
export class SharedFlights<T> {
  private readonly flights = new Map<string, Flight<T>>();

  run(key: string, signal: AbortSignal | undefined, start: (signal: AbortSignal) => Promise<T>): Promise<T> {
    let flight = this.flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const promise = start(controller.signal);
      const created: Flight<T> = { promise, controller, waiting: 0 };
      flight = created;
      this.flights.set(key, created);
      const forget = (): void => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      };
      promise.then(forget, forget);
    }
    const f = flight;
    f.waiting++;
    const leave = (): void => {
      f.waiting--;
      if (f.waiting === 0 && signal?.aborted) {
        f.controller.abort(signal.reason);
        if (this.flights.get(key) === f) this.flights.delete(key);
      }
    };
    const waited = untilAborted(f.promise, signal);
    waited.then(leave, leave);
    return waited;
  }
}
