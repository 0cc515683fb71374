/**
 * checkImage wired to real registries: two registry clients (source side and
 * destination side, each with its own credentials), the content cache, a per-image time
 * limit and per-line request accounting. The CLI and the validator Lambda both build one.
 * With `--signatures` it keeps what lines of a run share (tag listings, referrers API support)
 * per run id: a local run is one run; a validator Lambda's checker serves many runs over its life,
 * and a new run must see new tags.
 *
 * The time limit bites: when it passes, the line is ERROR TIMEOUT at once, and the image's
 * signal aborts its requests in flight (connections closed), its token fetches and its retry
 * waits; any later registry call of the image fails at once.
 */
import type { ContentCache, RequestStats } from '../ports.js';
import type { LineResult, RequestCounts } from '../core/types.js';
import type { RunSettings, WorkItem } from '../core/settings.js';
import type { Credential } from '../registry/client.js';
import type { RetryPolicy } from '../registry/net-errors.js';
import { newRequestStats, RegistryClient } from '../registry/client.js';
import { checkImage } from '../check/check-image.js';
import { SignatureMemo } from '../check/signature-memo.js';
import { formatReference } from '../core/ref.js';
import { TimeLimitPassed } from '../core/cancel.js';

export interface ImageCheckerOptions {
  readonly settings: RunSettings;
  readonly sourceCredentials?: (registry: string) => Promise<Credential | undefined>;
  readonly destCredentials?: (registry: string) => Promise<Credential | undefined>;
  /** Extra trusted CA certificates (PEM). */
  readonly ca?: string;
  /** When set, only these registries may be contacted (Lambda). */
  readonly allowlist?: readonly string[];
  /** With an allowlist: explicitly listed registries may be on loopback (local test stands only). */
  readonly allowLoopback?: boolean;
  readonly cache?: ContentCache;
  /** Time limit for one image; past it the line is ERROR TIMEOUT. */
  readonly timeoutMs: number;
  readonly debug?: (line: string) => void;
  /** Retry tuning (tests shorten it). */
  readonly retry?: Partial<RetryPolicy>;
  /** Per-request time limit (headers, and between body chunks), ms; the client's default otherwise. */
  readonly requestTimeoutMs?: number;
}

export interface ImageChecker {
  validate(item: WorkItem): Promise<LineResult>;
  close(): Promise<void>;
}


/** After `ms`: aborts `controller` (the image's requests) and resolves the TIMEOUT result of `item`. */
function timeLimit(ms: number, item: WorkItem, controller: AbortController): { promise: Promise<LineResult>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<LineResult>((resolve) => {
    timer = setTimeout(() => {
      // Resolve first: the race then settles with this verdict, not with the aborted requests' errors.
      resolve({
        line: item.line,
        input: item.input,
        status: 'ERROR',
        code: 'TIMEOUT',
        message: `validation did not finish within ${Math.round(ms / 1000)} s`,
        source: formatReference(item.source),
        destination: formatReference(item.destination),
      });
      controller.abort(new TimeLimitPassed(ms));
    }, ms);
    timer.unref?.();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** The abort reason once an image's check has its result: one shared value, not an exception (and stack) per image. */
const CHECK_FINISHED = new DOMException('the check of this image is finished', 'AbortError');

/** Runs whose signature memos a checker keeps (the oldest is dropped first). */
const MEMO_RUNS = 4;

/** The signature memo of `runId`, kept for the {@link MEMO_RUNS} newest runs. */
function memoOf(memos: Map<string, SignatureMemo>, runId: string): SignatureMemo {
  let memo = memos.get(runId);
  if (!memo) {
    memo = new SignatureMemo();
    memos.set(runId, memo);
    if (memos.size > MEMO_RUNS) memos.delete(memos.keys().next().value!);
  }
  return memo;
}

export function createImageChecker(opts: ImageCheckerOptions): ImageChecker {
  const common = {
    tlsVerify: opts.settings.tlsVerify,
    ca: opts.ca,
    allowlist: opts.allowlist ? [...opts.allowlist] : undefined,
    allowLoopback: opts.allowLoopback,
    debug: opts.debug,
    retry: opts.retry,
    ...(opts.requestTimeoutMs !== undefined ? { timeoutMs: opts.requestTimeoutMs } : {}),
  };
  const source = new RegistryClient({ ...common, credentials: opts.sourceCredentials });
  const destination = new RegistryClient({ ...common, credentials: opts.destCredentials });
  const filter = { arch: opts.settings.arch, os: opts.settings.os, attestations: opts.settings.attestations };
  const memos = new Map<string, SignatureMemo>();

  return {
    async validate(item) {
      const started = Date.now();
      const stats: RequestStats = newRequestStats();
      const controller = new AbortController();
      const limit = timeLimit(opts.timeoutMs, item, controller);
      const result = await Promise.race([
        checkImage(item, {
          source: source.reader(stats, controller.signal),
          destination: destination.reader(stats, controller.signal),
          filter,
          deep: opts.settings.deep,
          cache: opts.cache,
          ...(opts.settings.signatures ? { signatures: memoOf(memos, item.runId) } : {}),
        }),
        limit.promise,
      ]).finally(() => {
        limit.cancel();
        controller.abort(CHECK_FINISHED); // requests the check left behind (a short-circuited parallel step) stop too
      });
      return {
        ...result,
        durationMs: Date.now() - started,
        requests: nonZero(stats.counts),
        ...(stats.rateLimitRemaining !== undefined ? { rateLimitRemaining: stats.rateLimitRemaining } : {}),
      };
    },
    async close() {
      await Promise.all([source.close(), destination.close()]);
    },
  };
}

/** The request kinds this line used: a million-line report carries no zero counters. */
function nonZero(counts: RequestCounts): Partial<RequestCounts> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)) as Partial<RequestCounts>;
}
