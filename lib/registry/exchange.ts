/**
 * One HTTP exchange through undici's dispatcher API: the status, the headers and the body read
 * under its cap, without the stream, async resource and promise glue per response of undici's
 * `request()` (about a third of a request's CPU at registry sizes). Timeouts: `timeoutMs` for the
 * headers and between body chunks (undici's), and `deadline` checked on every chunk. The
 * caller's `signal` aborts at any point, with its reason.
 */
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { deadlineExceeded } from './body.js';

export interface ExchangeRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Headers, and each gap between body chunks, ms. */
  readonly timeoutMs: number;
  /** No body chunk is accepted after this time (ms since the epoch). */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /**
   * How much of the body to keep, decided from the status and headers: past `max` bytes the
   * exchange ends, with the first `max` bytes (`truncate`) or the error `over` makes. Throwing
   * ends it with that error before any body is read.
   */
  readonly limit: (status: number, headers: IncomingHttpHeaders) => { readonly max: number; readonly over: 'truncate' | (() => Error) };
}

export interface Exchanged {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

/** Sends `req` to `url` on `dispatcher`; see the module doc. */
export function exchange(dispatcher: Dispatcher, url: URL, req: ExchangeRequest): Promise<Exchanged> {
  return new Promise<Exchanged>((resolve, reject) => {
    const { signal } = req;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    let max = Infinity;
    let over: 'truncate' | (() => Error) = 'truncate';
    const chunks: Buffer[] = [];
    let total = 0;
    const settle = (err: unknown, value?: Exchanged): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err !== undefined) reject(err);
      else resolve(value!);
    };
    /** Ends the exchange now (the connection is dropped) with `err`, or with what was read. */
    const stop = (err?: unknown): void => {
      settle(err, err === undefined ? { status, headers, body: Buffer.concat(chunks, total) } : undefined);
      controller?.abort(err instanceof Error ? err : new Error('exchange ended'));
    };
    const onAbort = (): void => stop(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(new Error('exchange ended'));
      },
      onResponseStart(_c, statusCode, responseHeaders) {
        if (statusCode < 200) return;
        status = statusCode;
        headers = responseHeaders;
        try {
          ({ max, over } = req.limit(statusCode, responseHeaders));
        } catch (err) {
          stop(err);
        }
      },
      onResponseData(_c, chunk) {
        if (settled) return;
        if (Date.now() > req.deadline) {
          stop(deadlineExceeded());
        } else if (total + chunk.length > max) {
          if (over !== 'truncate') {
            stop(over());
            return;
          }
          chunks.push(chunk.subarray(0, max - total));
          total = max;
          stop();
        } else {
          chunks.push(chunk);
          total += chunk.length;
        }
      },
      onResponseEnd() {
        settle(undefined, { status, headers, body: Buffer.concat(chunks, total) });
      },
      onResponseError(_c, err) {
        settle(err);
      },
    };
    dispatcher.dispatch({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: req.method,
      headers: req.headers,
      ...(req.body !== undefined ? { body: req.body } : {}),
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      // Keep the connection after a HEAD (undici closes it by default, for servers that send a
      // body with one): registries answer HEADs properly, and a child HEAD per connection would
      // cost a TCP and TLS handshake each (about 2/3 of a run's CPU).
      reset: false,
    }, handler);
  });
}
