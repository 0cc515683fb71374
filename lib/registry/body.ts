/**
 * Body helpers of the transport: the human form of a size cap, and the error of a body still
 * arriving at its deadline. Bodies are read under their cap by exchange.ts, which stops (and drops
 * the connection) as soon as a cap is passed, so a hostile or broken registry cannot make us
 * buffer gigabytes.
 */

/** Human form of a byte cap: `4 MiB`, `64 KiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** A body chunk arrived after the request's deadline (classified TIMEOUT, not retried). */
export function deadlineExceeded(): Error {
  return Object.assign(new Error('deadline exceeded while reading the body'), { name: 'TimeoutError' });
}
