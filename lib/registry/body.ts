/**
 * Bounded body reading: stop (and destroy the stream) as soon as a cap is passed, so a hostile
 * or broken registry cannot make us buffer gigabytes.
 */

/** The parts of an undici response body this module uses. */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(err?: Error): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** Destroys `body` without an unhandled 'error' event (undici emits AbortError on destroy). */
export function discard(body: BodyStream): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Human form of a byte cap: `4 MiB`, `64 KiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * Reads at most `max` bytes. When the body is longer: with `truncate`, returns the first `max`
 * bytes; otherwise throws the error made by `tooLarge`. Either way the stream is destroyed.
 */
export async function readCapped(
  body: BodyStream,
  max: number,
  tooLarge: (() => Error) | 'truncate',
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    if (total + chunk.length > max) {
      discard(body);
      if (tooLarge === 'truncate') {
        chunks.push(chunk.subarray(0, max - total));
        total = max;
        break;
      }
      throw tooLarge();
    }
    chunks.push(chunk);
    total += chunk.length;
  }
  return Buffer.concat(chunks, total);
}
