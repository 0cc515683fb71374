/**
 * Cancellation of one image's work by its time limit. The abort reason is a `DOMException`
 * named `TimeoutError` (as `AbortSignal.timeout` gives, so every layer reports it as TIMEOUT), of
 * this class, so that work shared between images can tell "the image that started this was
 * cancelled" from "this failed": a line waiting for another line's cancelled request asks again.
 */

/** The abort reason of an image whose time limit passed. */
export class TimeLimitPassed extends DOMException {
  constructor(ms: number) {
    super(`image time limit of ${ms} ms passed`, 'TimeoutError');
  }
}

/** True when `err`, or an error in its `cause` chain, is a {@link TimeLimitPassed}. */
export function isCancellation(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 8 && typeof e === 'object' && e !== null; depth++) {
    if (e instanceof TimeLimitPassed) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
